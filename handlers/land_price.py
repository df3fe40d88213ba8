"""GIADAT: land prices of a street, per segment and land type, positions VT1 to VT5."""

from __future__ import annotations

from dataclasses import replace

from handlers.common import resolve
from handlers.i18n import day, footer, pick
from handlers.registry import Request, plugin
from handlers.reply import Field, Lang, Reply
from lookups.datasets.land_price import Segment, Street
from lookups.index import Index
from lookups.text import fold
from lookups.vocab import normalise_words

# Leading words tried as a street name, longest first, one search each. The longest street name of the
# gazetteer has 4 words; a ward after it ("phuong" and up to 3 words, old names included) is read as a
# location and still finds the street, so 8 covers "street, ward". Without it a 2,000-character message
# cost hundreds of searches, each as long as the message (3.8 s).
SPLIT_MAX_WORDS = 8
LAND_TYPE = {"urban_residential": ("Đất ở", "Residential"), "commercial": ("Đất TMDV", "Commercial"),
             "agricultural": ("Đất nông nghiệp", "Agricultural")}


def compact(vnd: int, lang: Lang) -> str:
    """Prices per m² as residents say them: 98,8tr (triệu) / 98.8M."""
    if vnd >= 1_000_000:
        text = f"{vnd / 1_000_000:.1f}".rstrip("0").rstrip(".")
        return pick(lang, text.replace(".", ",") + "tr", text + "M")
    text = f"{vnd / 1000:.0f}"
    return pick(lang, text + "k", text + "k")


def split_argument(index: Index, argument: str) -> tuple[str, str]:
    """``le duan tran phu`` -> (``le duan``, ``tran phu``): the longest leading words naming one street.

    At most ``SPLIT_MAX_WORDS`` leading words are tried, so at most that many searches are run; none when the
    whole argument names one street exactly (a selecting message: ``le duan hai chau``).
    """
    if index.exact(argument) is not None:
        return argument, ""
    words = argument.split()
    # "đường Lê Duẩn", "d. Le Duan": the word "street" is not part of any street's name here.
    if words and normalise_words(words[0]) == ["duong"]:
        words = words[1:]
    for size in range(min(len(words), SPLIT_MAX_WORDS), 0, -1):
        if index.lookup(" ".join(words[:size])).status == "found":
            return " ".join(words[:size]), " ".join(words[size:])
    return argument, ""


def pick_segments(street: Street, segment: str) -> tuple[Segment, ...]:
    wanted = fold(segment)
    if not wanted:
        return street.segments
    chosen = tuple(s for s in street.segments if wanted in fold(f"{s.from_point} {s.to_point}"))
    return chosen or street.segments


def show(street: Street, segment: str, lang: Lang, req: Request) -> Reply:
    segments = pick_segments(street, segment)
    first = segments[0]
    fields = [Field(pick(lang, "Căn cứ", "Source"), pick(
        lang, f"QĐ {first.decision}, hiệu lực {day(first.effective_date, lang)}",
        f"Decision {first.decision}, effective {day(first.effective_date, lang)}"))]
    for seg in segments:
        kind = LAND_TYPE.get(seg.land_type, (seg.land_type, seg.land_type))
        prices = "; ".join(f"VT{n} {compact(p, lang)}" for n, p in enumerate(seg.prices, 1))
        label = pick(lang, f"Đoạn {seg.from_point} - {seg.to_point}, {kind[0]}",
                     f"{seg.from_point} - {seg.to_point}, {kind[1]}")
        fields.append(Field(label, prices))
    title = pick(lang, f"Giá đất đường {street.name} (đồng/m²)", f"Land prices, {street.name} (VND/m²)")
    return Reply("giadat", "found", lang, title, fields=tuple(fields), footer=footer(req.catalog.land.meta))


@plugin("land_price")  # keyword, aliases and help: data/land_price/datapackage.json
def land(req: Request) -> Reply:
    index = req.catalog.land_index
    streets = req.catalog.land.streets
    name, segment = split_argument(index, req.argument)
    return resolve(
        replace(req, argument=name), intent="giadat", dataset="land_price", index=index,
        footer=footer(req.catalog.land.meta),
        detail=lambda row: ", ".join(streets[row].wards),
        narrowers=lambda row: streets[row].wards[:1],
        show=lambda row: show(streets[row], segment, req.lang, req),
        syntax=pick(req.lang, "GIADAT <tên đường>", "LAND <street>"),
    )
