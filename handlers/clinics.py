"""KCB: one health facility in detail, or a short list by specialty, area, type or emergency."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from handlers.common import pending, reader, resolve, selectors
from handlers.i18n import footer, pick, t
from handlers.registry import Request, plugin
from handlers.reply import Field, Lang, Match, Option, Reply
from lookups.datasets.clinics import Facility
from lookups.text import fold
from lookups.vocab import normalise_words

EMERGENCY = ("cap cuu", "emergency", "247", "24 7")
TYPE_WORDS = {"benh vien": "hospital", "hospital": "hospital", "phong kham": "clinic", "clinic": "clinic",
              "tram y te": "health_station", "nha thuoc": "pharmacy", "pharmacy": "pharmacy",
              "hieu thuoc": "pharmacy"}
TYPE_NAME = {"hospital": ("Bệnh viện", "Hospital"), "clinic": ("Phòng khám", "Clinic"),
             "health_station": ("Trạm y tế", "Health station"), "pharmacy": ("Nhà thuốc", "Pharmacy")}
KEYWORD_TYPE = {"bv": "benh vien", "benhvien": "benh vien", "phongkham": "phong kham"}  # "BV Da Nang"
TYPE_ORDER = {"hospital": 0, "clinic": 1, "health_station": 2, "pharmacy": 3}
LIST_SIZE = 5


@dataclass(frozen=True)
class Filters:
    specialty: str = ""
    area: str = ""
    kind: str = ""
    emergency: bool = False
    rest: str = ""  # words that are none of the above: a facility name


def _longest_first(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(phrases, key=len, reverse=True))


EMERGENCY_PHRASES, TYPE_PHRASES = _longest_first(EMERGENCY), _longest_first(TYPE_WORDS)


def _take(words: str, phrases: Sequence[str]) -> tuple[str, str]:
    """Remove the first phrase of ``phrases`` (longest first: sorted once, not per message) found as whole words
    in ``words``."""
    padded = f" {words} "
    for phrase in phrases:
        if phrase and f" {phrase} " in padded:
            return phrase, " ".join(padded.replace(f" {phrase} ", " ", 1).split())
    return "", words


def parse(argument: str, records: Sequence[Facility]) -> Filters:
    words = " ".join(normalise_words(argument))
    emergency, words = _take(words, EMERGENCY_PHRASES)
    kind, words = _take(words, TYPE_PHRASES)
    folded = _folded(records)
    specialty, words = _take(words, folded.specialties)
    area, words = _take(words, folded.areas)
    return Filters(specialty, area, TYPE_WORDS.get(kind, ""), bool(emergency), words)


@dataclass(frozen=True)
class Folded:
    """A version's facilities as parsing and listing compare them, folded once per version (kept for the last
    records seen), not at every message (0.2 ms at 332 facilities, more for a big city)."""

    records: Sequence[Facility]
    facilities: tuple[tuple[frozenset[str], tuple[str, str], str], ...]  # specialties, (ward, district), " name "
    specialties: tuple[str, ...]  # of every facility, longest first
    areas: tuple[str, ...]  # wards and districts, longest first


_LAST: Folded | None = None


def _folded(records: Sequence[Facility]) -> Folded:
    global _LAST
    last = _LAST
    if last is not None and last.records is records:
        return last
    facilities = tuple((frozenset(fold(s) for s in r.specialties), (fold(r.ward), fold(r.district)),
                        f" {fold(r.name)} ") for r in records)
    specialties = _longest_first(sorted({s for f in facilities for s in f[0]}))
    areas = _longest_first(sorted({p for f in facilities for p in f[1] if p}))
    _LAST = Folded(records, facilities, specialties, areas)
    return _LAST


def listing(req: Request, f: Filters) -> Reply:
    lang, records = req.lang, req.catalog.clinics.records
    found = [(r, name) for r, (specialties, places, name) in zip(records, _folded(records).facilities, strict=True)
             if (not f.specialty or f.specialty in specialties) and (not f.area or f.area in places)
             and (not f.kind or r.type == f.kind) and (not f.emergency or r.emergency_24h)]
    # Emergency care first when asked; otherwise places named for the specialty (a children's hospital
    # for "nhi") before general ones.
    found.sort(key=lambda hit: (f.emergency and not hit[0].emergency_24h,
                                bool(f.specialty) and f" {f.specialty} " not in hit[1],
                                TYPE_ORDER[hit[0].type], hit[0].name))
    hits = [r for r, _ in found]
    kind = TYPE_NAME[f.kind][0 if lang == "vi" else 1].lower() if f.kind else ""
    asked = " ".join(p for p in (kind, f.specialty, f.area) if p) or pick(lang, "cấp cứu 24/7", "24/7 emergency")
    if not hits:
        return Reply("kcb", "not_found", lang, pick(lang, f"Không có cơ sở phù hợp: {asked}",
                                                   f"No facility matches: {asked}"),
                     hint=pick(lang, "Thử KCB <chuyên khoa> hoặc KCB <phường>.", "Try CLINIC <specialty>."),
                     footer=footer(req.catalog.clinics.meta))
    keyword, shown = req.keyword.upper(), hits[:LIST_SIZE]
    commands = selectors(req.catalog.clinic_index, keyword, [(r.id, r.name, (r.street, r.ward)) for r in shown])
    options = tuple(Option(n, r.name, _detail(r), command)
                    for n, (r, command) in enumerate(zip(shown, commands, strict=True), 1))
    title = pick(lang, f"{len(hits)} cơ sở: {asked}", f"{len(hits)} facilities: {asked}")
    rest = [(r.id, r.name, _detail(r)) for r in hits[LIST_SIZE:]]
    return Reply("kcb", "ambiguous", lang, title, options=options, more=len(hits) - len(options),
                 pending=pending(keyword, rest, len(options) + 1),
                 hint=t("choose", lang, example=options[0].command),
                 footer=footer(req.catalog.clinics.meta),
                 matches=tuple(Match("clinics", r.id, r.name, 100.0) for r in shown))


def _detail(fac: Facility) -> str:
    return ", ".join(p for p in (fac.address, fac.ward, fac.phone) if p)


def show(fac: Facility, lang: Lang, req: Request) -> Reply:
    yes, no = pick(lang, "Có", "Yes"), pick(lang, "Không", "No")
    fields = (
        Field(pick(lang, "Loại", "Type"), TYPE_NAME[fac.type][0 if lang == "vi" else 1]),
        Field(pick(lang, "Địa chỉ", "Address"), f"{fac.address}, {fac.ward}"),
        Field(pick(lang, "Điện thoại", "Phone"), fac.phone),
        Field(pick(lang, "Giờ làm việc", "Hours"), fac.hours),
        Field(pick(lang, "Cấp cứu 24/7", "24/7 emergency"), yes if fac.emergency_24h else no),
        Field("BHYT", yes if fac.bhyt else no),
        Field(pick(lang, "Chuyên khoa", "Specialties"), ", ".join(fac.specialties)),
    )
    return Reply("kcb", "found", lang, fac.name, fields=tuple(f for f in fields if f.value),
                 footer=footer(req.catalog.clinics.meta))


@plugin("clinics")  # keyword, aliases and help: data/clinics/datapackage.json
def clinics(req: Request) -> Reply:
    records = req.catalog.clinics.records
    index = req.catalog.clinic_index
    if req.keyword in KEYWORD_TYPE:
        # "BV X" asks for "KCB benh vien X"; options then say KCB, so selecting one does not add the type again.
        kind = KEYWORD_TYPE[req.keyword]
        req = replace(req, keyword="kcb", argument=req.argument if fold(req.argument).startswith(kind)
                      else f"{kind} {req.argument}")
    filters = parse(req.argument, records)
    has_filter = bool(filters.specialty or filters.area or filters.kind or filters.emergency)
    if has_filter and not filters.rest and index.exact(req.argument) is None:
        return listing(req, filters)
    record = reader(records)
    reply = resolve(
        req, intent="kcb", dataset="clinics", index=index, footer=footer(req.catalog.clinics.meta),
        detail=lambda row: f"{record(row).address}, {record(row).ward}",
        narrowers=lambda row: (record(row).street, record(row).ward),
        show=lambda row: show(record(row), req.lang, req),
        syntax=pick(req.lang, "KCB <tên cơ sở | chuyên khoa | phường>", "CLINIC <name | specialty | ward>"),
    )
    if reply.status == "not_found" and has_filter:
        return listing(req, filters)
    return reply
