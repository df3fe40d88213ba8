"""Deterministic synthetic food-safety records on the real street gazetteer (``data/gazetteer``).

Names (``synth_names.py``), certificates, inspections and violations are invented; streets and wards are real.
The same ``count``, ``seed``, gazetteer and ``as_of`` always give the same records, byte for byte.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lookups.datasets.base import DataError
from lookups.datasets.declared import FILE
from lookups.datasets.food_safety import CATEGORIES
from lookups.datasets.synth_names import NAME_STYLES, alias_of, is_protected, namer, words


@dataclass(frozen=True)
class GazetteerStreet:
    street: str
    ward: str
    district: str
    lat: float
    lon: float
    ward_kind: str = "phuong"  # "phuong" or "xa", from wards.csv


def load_gazetteer(data_dir: Path) -> list[GazetteerStreet]:
    """Streets of ``<data_dir>/gazetteer/streets.csv``, with ward kinds from ``wards.csv`` when present."""
    folder = data_dir / "gazetteer"
    try:
        path = folder / "wards.csv"
        wards = path.read_text(encoding="utf-8-sig") if path.exists() else ""
        kinds = {row["ward"]: row["kind"] for row in csv.DictReader(wards.splitlines())}
        streets = csv.DictReader((folder / "streets.csv").read_text(encoding="utf-8-sig").splitlines())
        return [GazetteerStreet(row["street"], row["ward"], row["district"], float(row["lat"]),
                                float(row["lon"]), kinds.get(row["ward"], "phuong")) for row in streets]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{folder}: {exc!r}") from exc


_STATUSES, _STATUS_CUTS = ("valid", "expired", "revoked", "commitment", "none"), (0.55, 0.67, 0.70, 0.90)
_CATEGORY_CUTS = {  # cumulative category weights by kind of status ("cert" in CATEGORIES order)
    "cert": ((0.35, 0.44, 0.54, 0.64, 0.77, 0.92), CATEGORIES),
    "commitment": ((0.6, 0.8, 0.95), words("street_food|cafe|grocery|bakery")),
    "none": ((0.5, 0.7, 0.9), words("street_food|cafe|grocery|restaurant"))}
_ISSUERS = (("Ban Quản lý An toàn thực phẩm Đà Nẵng", "BQL"),) * 6 + (("Sở Y tế Đà Nẵng", "SYT"),
            ("Sở Công Thương Đà Nẵng", "SCT"), ("Sở Nông nghiệp và Môi trường Đà Nẵng", "SNN"))
_AUTHORITIES = words("Ban Quản lý An toàn thực phẩm Đà Nẵng|Đoàn kiểm tra liên ngành ATTP thành phố|"
                  "Chi cục An toàn vệ sinh thực phẩm Đà Nẵng|Đội Quản lý thị trường số 3|UBND {ward}")
# "description=cheapest-dearest fine" (indexes into _FINES); "!": only for status none or expired.
_VIOLATIONS = tuple((d, int(lo), int(hi)) for d, lo, hi in (re.split("[=-]", v) for v in words(
    "Không bảo đảm điều kiện vệ sinh nơi chế biến=0-5|Kinh doanh thực phẩm quá hạn sử dụng=5-9|"
    "Người trực tiếp chế biến không đeo găng tay, khẩu trang=0-2|Không lưu mẫu thức ăn theo quy định=1-4|"
    "Sử dụng nguyên liệu không rõ nguồn gốc, xuất xứ=4-9|Sử dụng phụ gia ngoài danh mục được phép=7-10|"
    "Bảo quản thực phẩm không đúng nhiệt độ quy định=2-6|Không khám sức khỏe định kỳ cho người chế biến=1-4|"
    "Người trực tiếp chế biến chưa được tập huấn kiến thức ATTP=1-4|"
    "!Không có giấy chứng nhận cơ sở đủ điều kiện ATTP=5-8")))
_FINES = tuple(k * 100_000 for k in (10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 400))  # VND
_P_VIOLATION = {"valid": 0.08, "expired": 0.15, "revoked": 0.9, "commitment": 0.1, "none": 0.25}


def _house(r: Callable[[], float]) -> str:
    """``123``, ``45A``, ``45/7`` or a kiệt (alley) address ``K12/3``, ``K12/3/4``."""
    u, n = r(), 1 + int(r() ** 1.7 * 520)
    if u < 0.68:
        return f"{n}{'ABC'[int(r() * 3)]}" if u >= 0.62 else str(n)
    if u < 0.80:
        return f"{n}/{1 + int(r() * 40)}"
    return f"K{n}/{1 + int(r() * 60)}" + (f"/{1 + int(r() * 15)}" if u >= 0.96 else "")


def generate_food_safety(count: int, *, seed: int = 1022, streets: list[GazetteerStreet], as_of: date,
                         names: str = "realistic") -> Iterator[dict[str, object]]:
    """Yield ``count`` records in ``records.jsonl`` format, ids ``FS0000001``..., dated before ``as_of``.

    ``names``: ``realistic`` (about as many names as records, chains with branches) or ``pool`` (the first
    generator's small pool, kept so that the sample pack and the figures measured on it can be made again).
    """
    if not streets:
        raise ValueError("streets must not be empty")
    if names not in NAME_STYLES:
        raise ValueError(f"names must be one of {', '.join(NAME_STYLES)}")
    r, randint, end = (rng := random.Random(seed)).random, rng.randint, as_of.toordinal()
    name_of = namer(r, count, names == "realistic")
    iso = cache(lambda ordinal: date.fromordinal(ordinal).isoformat())
    plus3 = cache(lambda d: d.replace(year=d.year + 3, day=min(d.day, 28 + 3 * (d.month != 2))).isoformat())
    for number in range(1, count + 1):
        st = streets[int(r() * len(streets))]
        status = _STATUSES[bisect(_STATUS_CUTS, r())]
        cuts, cats = _CATEGORY_CUTS["cert" if status in ("valid", "expired", "revoked") else status]
        category, house = cats[bisect(cuts, r())], _house(r)
        protected = is_protected(name := name_of(category, house, st.street))
        status = "valid" if protected else status
        ward_label = f"{'xã' if st.ward_kind == 'xa' else 'phường'} {st.ward}"
        cert: dict[str, object] | None = None
        commitment: dict[str, object] | None = None
        start, revoked = end - 4 * 365, 0  # revoked: ordinal of the revocation, 0 for none
        if status in ("valid", "expired", "revoked"):
            lo, hi = (3 * 365 + 12, 6 * 365) if status == "expired" else (60, 3 * 365 - 2)
            issued = end - randint(lo, hi)
            day, (issuer, suffix) = date.fromordinal(issued), _ISSUERS[int(r() * len(_ISSUERS))]
            revoked = randint(issued + 30, end - 1) if status == "revoked" else 0
            cert = {"number": f"{randint(1, 1999)}/{day.year}/GCNATTP-{suffix}", "issued_by": issuer,
                    "issued_on": iso(issued), "expires_on": plus3(day),
                    "revoked_on": iso(revoked) if revoked else None}
            start = max(start, issued)
        elif status == "commitment":
            signed = end - randint(10, 4 * 365)
            commitment = {"signed_on": iso(signed), "received_by": f"UBND {ward_label}"}
            start = max(start, signed)
        u, has_viol = r(), not protected and r() < _P_VIOLATION[status]
        n_insp = max(0 if u < 0.3 else 1 if u < 0.65 else 2 if u < 0.9 else 3, int(has_viol))
        last = revoked - 8 if revoked else end - 1  # so violations (inspection + 0-7 days) precede revocation
        days = sorted(randint(min(start + 1, last), last) for _ in range(n_insp))
        inspections: list[dict[str, object]] = []
        for day_ord in days:
            v, authority = r(), _AUTHORITIES[int(r() * len(_AUTHORITIES))].replace("{ward}", ward_label)
            result = "passed" if protected or v < 0.8 else "warning" if v < 0.93 else "failed"
            inspections.append({"date": iso(day_ord), "result": result, "authority": authority})
        violations: list[dict[str, object]] = []
        for _ in range(1 + int(r() ** 2 * 3) if has_viol else 0):
            k = int(r() * len(inspections))
            inspections[k]["result"] = "failed" if r() < 0.6 else "warning"
            desc, lo, hi = _VIOLATIONS[int(r() * len(_VIOLATIONS))]
            if desc[0] == "!":
                desc, lo, hi = (desc[1:], lo, hi) if status in ("none", "expired") else _VIOLATIONS[0]
            when, s = min(days[k] + randint(0, 7), end - 1), r()
            violations.append({"date": iso(when), "description": desc, "fine_vnd": _FINES[randint(lo, hi)],
                               "status": "paid" if s < 0.7 or when < end - 400 else
                               "unpaid" if s < 0.9 else "appealed"})
        aliases = []
        if r() < 0.15:  # a second name people use for it
            aliases.append(alias_of(name, st.street))
        yield {"id": f"FS{number:07d}", "name": name, "aliases": aliases, "category": category,
               "house_number": house, "street": st.street, "ward": st.ward, "district": st.district,
               "certificate": cert, "commitment": commitment, "inspections": inspections,
               "violations": violations}


def write_jsonl(path: Path, rows: Iterable[dict[str, object]]) -> None:
    """Write rows one JSON object per line, streamed through a temporary file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with tmp.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
        handle.writelines(encode(row) + "\n" for row in rows)
    tmp.replace(path)


def synth_data_dir(count: int, out: Path, source: Path, *, seed: int = 1022, names: str = "realistic") -> Path:
    """Write a whole data directory at ``out``: ``count`` synthetic food-safety records, the rest copied."""
    src, dst = source.resolve(), out.resolve()
    if src == dst:
        raise ValueError("out must differ from source")
    dst.mkdir(parents=True, exist_ok=True)
    for folder in sorted(src.iterdir()):  # every other dataset, the gazetteer and the mappings, as they are
        if folder.is_dir() and folder.name not in ("food_safety", "versions", "tools"):
            # Built files are derived, and a copy's built folder would be under its own data directory anyway.
            shutil.copytree(folder, dst / folder.name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("built"))
    meta = json.loads((src / "food_safety" / "metadata.json").read_text(encoding="utf-8"))
    shown = format(count, ",").replace(",", ".")
    meta["title"] = f"{meta.get('title', 'Cơ sở thực phẩm')}: {shown} bản ghi tổng hợp"
    meta["sample"] = True
    (dst / "food_safety").mkdir(exist_ok=True)
    rows = generate_food_safety(count, seed=seed, streets=load_gazetteer(dst),
                                as_of=date.fromisoformat(str(meta["as_of"])), names=names)
    write_jsonl(dst / "food_safety" / "records.jsonl", rows)
    if (src / "food_safety" / FILE).is_file():
        shutil.copy(src / "food_safety" / FILE, dst / "food_safety" / FILE)
    (dst / "food_safety" / "metadata.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return dst
