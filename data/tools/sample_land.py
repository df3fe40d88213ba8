"""Sample land prices by street segment (data/land_price), modelled on Da Nang's 09/2020/QĐ-UBND.

The figures are illustrative, not the decision's: a price level per street (central riverside and beach
streets highest), decreasing along the street and from VT1 (street front) to VT5 (deepest alley).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from lookups.datasets.synth import GazetteerStreet

DECISION = "09/2020/QĐ-UBND"
EFFECTIVE = "2020-01-01"  # placeholder: the decision's real effective date is not verified here
META = {
    "id": "land_price",
    "title": "Giá đất theo đoạn đường (dữ liệu mẫu)",
    "source": "Giá minh họa do data/tools/make_sample_pack.py sinh ra, mô phỏng cấu trúc bảng giá đất "
              "Đà Nẵng (Quyết định 09/2020/QĐ-UBND) trên tên đường thật (data/gazetteer).",
    "licence": "CC0-1.0 (sample data)",
    "as_of": "2026-11-01",
    "sample": True,
    "note": "Giá là số liệu minh họa, không phải giá pháp lý; tra cứu giá chính thức tại quyết định của "
            "UBND thành phố. Illustrative sample values modelled on decision 09/2020/QĐ-UBND, not legal "
            "figures; segment end points are real cross streets only for a few major streets, elsewhere "
            "illustrative. effective_date 2020-01-01 is a placeholder (the decision's own effective date "
            "was not verified).",
}

# VT1 urban residential price (VND/m², first segment) for streets known to be expensive.
LEVELS = {
    "Bạch Đằng": 98_800_000, "Lê Duẩn": 98_800_000, "Trần Phú": 86_000_000, "Võ Nguyên Giáp": 90_000_000,
    "Phạm Văn Đồng": 85_000_000, "Hùng Vương": 80_000_000, "Nguyễn Văn Linh": 80_000_000,
    "Phan Châu Trinh": 75_000_000, "Võ Văn Kiệt": 72_000_000, "Nguyễn Chí Thanh": 68_000_000,
    "Yên Bái": 62_000_000, "Lê Lợi": 60_000_000, "Trần Hưng Đạo": 60_000_000, "2 Tháng 9": 60_000_000,
    "Hàm Nghi": 58_000_000, "Quang Trung": 58_000_000, "Hoàng Diệu": 55_000_000, "Điện Biên Phủ": 55_000_000,
    "Hồ Nghinh": 52_000_000, "Ông Ích Khiêm": 50_000_000, "Duy Tân": 50_000_000, "Hoàng Sa": 50_000_000,
    "Trưng Nữ Vương": 45_000_000, "Hải Phòng": 45_000_000, "Ngô Quyền": 45_000_000, "Pasteur": 45_000_000,
    "Núi Thành": 40_000_000, "Nguyễn Tất Thành": 40_000_000, "Nguyễn Văn Thoại": 42_000_000,
    "Trường Sa": 38_000_000, "Nguyễn Hữu Thọ": 35_000_000, "Lê Văn Hiến": 30_000_000,
}
DISTRICT_LEVELS = {  # (low, high) VT1 for other streets, by pre-2025 district
    "Hải Châu": (28_000_000, 45_000_000), "Thanh Khê": (18_000_000, 32_000_000),
    "Sơn Trà": (18_000_000, 34_000_000), "Ngũ Hành Sơn": (16_000_000, 30_000_000),
    "Cẩm Lệ": (11_000_000, 20_000_000), "Liên Chiểu": (9_000_000, 18_000_000),
    "Hòa Vang": (2_500_000, 6_000_000),
}
# Wards (post-2025) whose streets also get agricultural land prices.
OUTER = {"Hòa Vang", "Bà Nà", "Hòa Tiến", "Hòa Xuân", "Hải Vân", "Liên Chiểu", "Hòa Khánh"}
# Segment end points for streets whose cross streets are known; other streets get illustrative ones.
POINTS = {
    "Bạch Đằng": ("Đống Đa", "Lê Duẩn", "Nguyễn Văn Linh", "Trần Thị Lý"),
    "Trần Phú": ("Đống Đa", "Lê Duẩn", "Hùng Vương", "Nguyễn Văn Linh"),
    "Lê Duẩn": ("Bạch Đằng", "Lê Lợi", "Ông Ích Khiêm", "Lý Thái Tổ"),
    "Hùng Vương": ("Bạch Đằng", "Phan Châu Trinh", "Ông Ích Khiêm", "Cuối đường"),
    "Phạm Văn Đồng": ("Cầu sông Hàn", "Ngô Quyền", "Võ Nguyên Giáp"),
    "Võ Văn Kiệt": ("Cầu Rồng", "Ngô Quyền", "Võ Nguyên Giáp"),
    "Võ Nguyên Giáp": ("Phạm Văn Đồng", "Võ Văn Kiệt", "Nguyễn Văn Thoại", "Cuối đường"),
    "Ngô Quyền": ("Đầu đường", "Phạm Văn Đồng", "Võ Văn Kiệt", "Nguyễn Văn Thoại"),
    "Trần Hưng Đạo": ("Đầu đường", "Phạm Văn Đồng", "Võ Văn Kiệt", "Cuối đường"),
    "Nguyễn Văn Thoại": ("Đầu đường", "Ngô Quyền", "Võ Nguyên Giáp"),
    "Điện Biên Phủ": ("Lý Thái Tổ", "Hà Huy Tập", "Ngã ba Huế"),
    "Tôn Đức Thắng": ("Ngã ba Huế", "Hoàng Văn Thái", "Cuối đường"),
    "Trường Chinh": ("Ngã ba Huế", "Tôn Đản", "Cuối đường"),
    "Lê Văn Hiến": ("Ngũ Hành Sơn", "Minh Mạng", "Trần Đại Nghĩa"),
    "Hoàng Sa": ("Phạm Văn Đồng", "Cuối đường"),
}
# Wards of successive segments for long streets crossing ward boundaries (last one repeats).
SEGMENT_WARDS = {
    "Võ Nguyên Giáp": ("An Hải", "An Hải", "Ngũ Hành Sơn"), "Nguyễn Tất Thành": ("Hải Châu", "Thanh Khê",
                                                                                  "Hòa Khánh", "Liên Chiểu"),
    "Trường Chinh": ("An Khê", "An Khê", "Cẩm Lệ"), "Điện Biên Phủ": ("Thanh Khê", "Thanh Khê", "An Khê"),
    "Tôn Đức Thắng": ("Hòa Khánh", "Hòa Khánh", "Liên Chiểu"), "Ngô Quyền": ("Sơn Trà", "An Hải"),
    "Lê Duẩn": ("Hải Châu", "Hải Châu", "Thanh Khê"),
    "Nguyễn Văn Linh": ("Hải Châu", "Hải Châu", "Thanh Khê"),
    "2 Tháng 9": ("Hải Châu", "Hòa Cường"), "Nguyễn Hữu Thọ": ("Hòa Cường", "Hòa Cường", "Cẩm Lệ"),
    "Nguyễn Lương Bằng": ("Liên Chiểu", "Liên Chiểu", "Hải Vân"),
}
COLUMNS = ["id", "street", "from_point", "to_point", "ward", "land_type", "vt1", "vt2", "vt3", "vt4", "vt5",
           "decision", "effective_date"]


def _points(st: GazetteerStreet, streets: list[GazetteerStreet], rng: random.Random) -> list[str]:
    if st.street in POINTS:
        return list(POINTS[st.street])
    n = rng.choices((1, 2, 3, 4), weights=(5, 20, 40, 35))[0]
    same_ward = [s.street for s in streets if s.ward == st.ward and s.street != st.street]
    middle = rng.sample(same_ward, min(n - 1, len(same_ward)))
    return ["Đầu đường", *middle, "Cuối đường"]


def _positions(vt1: int, rng: random.Random, step: int = 1000) -> list[int]:
    """VT1..VT5 strictly decreasing, rounded to ``step``."""
    ratios = (1.0, rng.uniform(0.5, 0.56), rng.uniform(0.36, 0.42), rng.uniform(0.26, 0.31),
              rng.uniform(0.18, 0.22))
    return [max(step, round(vt1 * q / step) * step) for q in ratios]


def segment_rows(streets: list[GazetteerStreet]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for st in sorted(streets, key=lambda s: s.street):
        rng = random.Random(f"land:{st.street}")
        low, high = DISTRICT_LEVELS[st.district]
        level = LEVELS.get(st.street) or rng.uniform(low, high)
        points = _points(st, streets, rng)
        wards = SEGMENT_WARDS.get(st.street, (st.ward,))
        for k, (start, stop) in enumerate(zip(points, points[1:], strict=False)):
            vt1 = round(level * (1 - 0.12 * k) * rng.uniform(0.96, 1.04), -4)
            residential = _positions(int(vt1), rng)
            commercial = [int(round(p * rng.uniform(0.7, 0.8), -3)) for p in residential]
            commercial = [min(c, commercial[i - 1] - 1000) if i else c for i, c in enumerate(commercial)]
            priced = [("urban_residential", residential), ("commercial", commercial)]
            if st.ward in OUTER:
                priced.append(("agricultural", _positions(rng.randrange(70, 130) * 1000, rng)))
            for land_type, prices in priced:
                rows.append({"id": f"LP{len(rows) + 1:04d}", "street": st.street, "from_point": start,
                             "to_point": stop, "ward": wards[min(k, len(wards) - 1)], "land_type": land_type,
                             **{f"vt{i}": p for i, p in enumerate(prices, 1)},
                             "decision": DECISION, "effective_date": EFFECTIVE})
    return rows


def write_land(folder: Path, streets: list[GazetteerStreet]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rows = segment_rows(streets)
    with (folder / "segments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    meta = json.dumps(META, ensure_ascii=False, indent=2) + "\n"
    (folder / "metadata.json").write_text(meta, encoding="utf-8")
    return len(rows)
