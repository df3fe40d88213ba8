#!/usr/bin/env python3
"""Regenerate the sample pack: data/food_safety, data/land_price and data/clinics, from data/gazetteer.

Run from the repository root with the project's interpreter::

    .venv/bin/python data/tools/make_sample_pack.py

Deterministic: the same gazetteer always gives byte-identical files. Street and ward names are real;
establishments, certificates, inspections, violations, prices and phone numbers are invented.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sample_clinics import write_clinics
from sample_land import write_land

from lookups.datasets.synth import GazetteerStreet, generate_food_safety, load_gazetteer, write_jsonl
from lookups.datasets.synth_names import is_protected

DATA = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 1)
FOOD_TOTAL = 3000
FOOD_META = {
    "id": "food_safety",
    "title": "Cơ sở thực phẩm (dữ liệu mẫu)",
    "source": "Dữ liệu mẫu do data/tools/make_sample_pack.py sinh ra (lookups.datasets.synth, seed 1022) "
              "trên danh mục đường phố thật của Đà Nẵng (data/gazetteer).",
    "licence": "CC0-1.0 (sample data)",
    "as_of": AS_OF.isoformat(),
    "sample": True,
    "note": "Tên cơ sở, giấy chứng nhận, kiểm tra và vi phạm đều là dữ liệu mẫu hư cấu; tên đường, phường là "
            "thật. Invented sample data: establishments, certificates, inspections and violations are "
            "fictional and are not facts about any real business; street and ward names are real. Any "
            "match with a real business name is coincidental; a few well-known names (e.g. Phở Hòa, Bún "
            "chả cá Bà Lữ) appear only as matching test cases, always with a valid certificate and no "
            "violations, at invented addresses.",
}

# Hand-written cases where real lookups go wrong: one name at several addresses, near-duplicates,
# branches, old tone placement (Hoà/Hòa). (name, aliases, category, house, street, status, violation)
SPECIALS: tuple[tuple[str, tuple[str, ...], str, str, str, str, str], ...] = (
    ("Phở Hòa", (), "restaurant", "211", "Lê Duẩn", "valid", ""),
    ("Phở Hòa", (), "restaurant", "88", "Ngô Quyền", "valid", ""),
    ("Phở Hòa", ("Phở Hòa Điện Biên Phủ",), "restaurant", "320", "Điện Biên Phủ", "valid", ""),
    ("Bún chả cá Bà Lữ", (), "street_food", "319", "Hùng Vương", "valid", ""),
    ("Bún chả cá Bà Lữ", ("Bà Lữ Núi Thành",), "street_food", "K56/2", "Núi Thành", "valid", ""),
    ("Bún Chả Cá 109", ("Bún chả cá 109 Nguyễn Chí Thanh",), "street_food", "109",
     "Nguyễn Chí Thanh", "valid", ""),
    ("Bún Chả Cá 190", (), "street_food", "190", "Hoàng Diệu", "valid", ""),
    ("Quán Cơm Huế Bà Năm", ("Cơm Huế Bà Năm",), "restaurant", "57", "Hoàng Diệu", "valid", ""),
    ("Quán Cơm Huế Bà Năm", (), "restaurant", "K45/3", "Cách Mạng Tháng Tám", "expired", ""),
    ("Cơm Huế Bà Năm", (), "street_food", "142", "Hà Huy Tập", "commitment", ""),
    ("Quán Cơm Huế Cô Tư", ("Cơm Huế Cô Tư",), "restaurant", "12", "Lê Đình Dương", "valid", ""),
    ("Quán Cơm Huế Cô Tư", (), "restaurant", "230",
     "Tôn Đức Thắng", "none", "Không bảo đảm điều kiện vệ sinh nơi chế biến"),
    ("Mì Quảng Cô Ba", (), "street_food", "75", "Trưng Nữ Vương", "valid", ""),
    ("Mì Quảng Cô Ba 2", ("Mì Quảng Cô Ba chi nhánh 2",), "street_food", "402",
     "Nguyễn Văn Linh", "commitment", ""),
    ("Mì Quảng O Ba", (), "street_food", "K18/7", "Tôn Đản", "none", ""),
    ("Bánh xèo Dì Hai", (), "street_food", "K280/19", "Hoàng Diệu", "valid", ""),
    ("Bánh Xèo Dì Hai - Chi nhánh 2", (), "street_food", "61", "Lê Văn Hiến", "expired", ""),
    ("Bún bò Huế Mệ Tư", (), "street_food", "34", "Lê Đình Lý", "valid", ""),
    ("Bún bò Mệ Tư", (), "street_food", "K97/4",
     "Trần Cao Vân", "revoked", "Sử dụng nguyên liệu không rõ nguồn gốc, xuất xứ"),
    ("Nhà hàng Biển Xanh", (), "restaurant", "120", "Võ Nguyên Giáp", "valid", ""),
    ("Nhà hàng Hải sản Biển Xanh", ("Hải sản Biển Xanh",), "restaurant", "45", "Hoàng Sa", "valid", ""),
    ("Cà phê Sông Hàn", (), "cafe", "16", "Bạch Đằng", "valid", ""),
    ("Cafe Sông Hàn", (), "cafe", "203", "Trần Hưng Đạo", "none", ""),
    ("Quán Hòa", (), "restaurant", "88", "Nguyễn Tri Phương", "valid", ""),
    ("Quán Hoà", (), "street_food", "K15/2", "Lê Đình Lý", "commitment", ""),
    ("Bánh mì Cô Sáu", (), "street_food", "141", "Ông Ích Khiêm", "commitment", ""),
    ("Bánh mì Cô Sáu", (), "street_food", "27",
     "Lê Độ", "none", "Người trực tiếp chế biến không đeo găng tay, khẩu trang"),
    ("Bánh canh cá lóc O Thảo", ("Bánh canh O Thảo",), "street_food", "K9/11",
     "Nguyễn Phước Nguyên", "commitment", ""),
    ("Bánh canh O Thảo", (), "street_food", "318", "Trường Chinh", "valid", ""),
    ("Siêu thị mini Phúc Lộc", (), "grocery", "12", "Nguyễn Lương Bằng", "valid", ""),
)


def plus_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=28 if (day.month, day.day) == (2, 29) else day.day)


def special_records(start_id: int, streets: list[GazetteerStreet]) -> list[dict[str, object]]:
    """The hand-written cases as records.jsonl rows; dates are fixed offsets from AS_OF."""
    by_name = {s.street: s for s in streets}
    rows: list[dict[str, object]] = []
    for offset, (name, aliases, category, house, street, status, violation) in enumerate(SPECIALS):
        st = by_name[street]
        if is_protected(name) and (status != "valid" or violation):
            raise ValueError(f"protected name {name!r} must be valid with no violations")
        day = AS_OF - timedelta(days=90 + 31 * offset)  # all within the 3-year validity window
        issued = day - timedelta(days=3 * 365 + 60) if status == "expired" else day
        cert = None if status in ("commitment", "none") else {
            "number": f"{300 + offset}/{issued.year}/GCNATTP-BQL",
            "issued_by": "Ban Quản lý An toàn thực phẩm Đà Nẵng", "issued_on": issued.isoformat(),
            "expires_on": plus_years(issued, 3).isoformat(),
            "revoked_on": (day + timedelta(days=60)).isoformat() if status == "revoked" else None}
        ward = f"{'xã' if st.ward_kind == 'xa' else 'phường'} {st.ward}"
        commitment = None if status != "commitment" else {"signed_on": day.isoformat(),
                                                          "received_by": f"UBND {ward}"}
        inspected = day + timedelta(days=30)
        inspections = [{"date": inspected.isoformat(), "result": "failed" if violation else "passed",
                        "authority": "Ban Quản lý An toàn thực phẩm Đà Nẵng"}]
        violations = [{"date": inspected.isoformat(), "description": violation, "fine_vnd": 3_000_000,
                       "status": "paid"}] if violation else []
        rows.append({"id": f"FS{start_id + offset:07d}", "name": name, "aliases": list(aliases),
                     "category": category, "house_number": house, "street": st.street, "ward": st.ward,
                     "district": st.district, "certificate": cert, "commitment": commitment,
                     "inspections": inspections, "violations": violations})
    return rows


def write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_food_safety(streets: list[GazetteerStreet]) -> int:
    folder = DATA / "food_safety"
    folder.mkdir(exist_ok=True)
    generated = FOOD_TOTAL - len(SPECIALS)
    rows = [*generate_food_safety(generated, streets=streets, as_of=AS_OF, names="pool"),
            *special_records(generated + 1, streets)]
    write_jsonl(folder / "records.jsonl", rows)
    write_json(folder / "metadata.json", FOOD_META)
    return len(rows)


def main() -> None:
    streets = load_gazetteer(DATA)
    print(f"food_safety: {write_food_safety(streets)} records")
    print(f"land_price: {write_land(DATA / 'land_price', streets)} segments")
    print(f"clinics: {write_clinics(DATA / 'clinics', streets, DATA / 'gazetteer' / 'wards.csv')} facilities")


if __name__ == "__main__":
    main()
