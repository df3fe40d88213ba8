"""Sample health facilities (data/clinics): real public names, invented private clinics and pharmacies.

Real hospitals keep their public names and, where known with confidence, their address; otherwise only a
plausible street. Their phone numbers are left empty rather than guessed (except the 115 emergency line).
Private clinics, pharmacies, their phones and hours are invented.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from lookups.datasets.synth import GazetteerStreet

META = {
    "id": "clinics",
    "title": "Cơ sở khám chữa bệnh và nhà thuốc (dữ liệu mẫu)",
    "source": "Danh sách mẫu do data/tools/make_sample_pack.py sinh ra: tên các bệnh viện lớn và trạm y tế "
              "là tên thật; phòng khám tư, nhà thuốc là hư cấu; đường phố thật (data/gazetteer).",
    "licence": "CC0-1.0 (sample data)",
    "as_of": "2026-11-01",
    "sample": True,
    "note": "Dữ liệu mẫu. Phòng khám tư, nhà thuốc, số điện thoại và giờ mở cửa của chúng là hư cấu. "
            "Tên bệnh viện, trung tâm y tế, trạm y tế là thật; địa chỉ không có số nhà là gần đúng; "
            "số điện thoại của cơ sở thật được để trống. Sample data: invented private clinics and "
            "pharmacies, with invented phones in a form no real number takes (0236 0xxx xxx) and hours; "
            "real public facility names, "
            "approximate addresses where no house number is given, phones left blank. Cấp cứu: gọi 115.",
}
ER = ["cấp cứu", "nội", "ngoại", "nhi", "sản", "tim mạch", "chấn thương chỉnh hình"]
# name, aliases, house number ("" when not known with confidence), street, ward/district override,
# specialties, bhyt, emergency_24h
HOSPITALS: list[tuple[str, list[str], str, str, str, list[str], bool, bool]] = [
    ("Bệnh viện Đà Nẵng", ["BV Đà Nẵng", "Bệnh viện Đa khoa Đà Nẵng"], "124", "Hải Phòng", "",
     [*ER, "thần kinh", "tiêu hóa", "hồi sức"], True, True),
    ("Bệnh viện C Đà Nẵng", ["BV C", "Bệnh viện C"], "122", "Hải Phòng", "",
     ["cấp cứu", "nội", "ngoại", "tim mạch", "tiêu hóa", "thận"], True, True),
    ("Bệnh viện Phụ sản - Nhi Đà Nẵng", ["Phụ sản Nhi", "BV Phụ sản Nhi", "Bệnh viện Sản Nhi"], "402",
     "Lê Văn Hiến", "", ["sản", "nhi", "phụ khoa", "sơ sinh", "cấp cứu"], True, True),
    ("Bệnh viện Ung Bướu Đà Nẵng", ["BV Ung Bướu", "Bệnh viện Ung thư Đà Nẵng"], "", "Hoàng Thị Loan", "",
     ["ung bướu", "xạ trị", "hóa trị", "cấp cứu"], True, True),
    ("Bệnh viện Mắt Đà Nẵng", ["BV Mắt"], "", "Nguyễn Chí Thanh", "", ["mắt", "cấp cứu"], True, True),
    ("Bệnh viện Da Liễu Đà Nẵng", ["BV Da Liễu"], "", "Nguyễn Lương Bằng", "", ["da liễu"], True, False),
    ("Bệnh viện Tâm thần Đà Nẵng", ["BV Tâm thần"], "", "Nguyễn Lương Bằng", "", ["tâm thần", "cấp cứu"],
     True, True),
    ("Bệnh viện Y học cổ truyền Đà Nẵng", ["BV Y học cổ truyền", "BV YHCT"], "", "Phan Bội Châu", "",
     ["y học cổ truyền", "châm cứu", "phục hồi chức năng"], True, False),
    ("Bệnh viện Phục hồi chức năng Đà Nẵng", ["BV Phục hồi chức năng", "BV PHCN"], "", "Ngô Thì Nhậm", "",
     ["phục hồi chức năng", "vật lý trị liệu"], True, False),
    ("Bệnh viện Phổi Đà Nẵng", ["BV Phổi", "Bệnh viện Lao và Bệnh phổi"], "", "Hoàng Thị Loan", "",
     ["hô hấp", "lao"], True, False),
    ("Bệnh viện Hoàn Mỹ Đà Nẵng", ["Hoàn Mỹ", "BV Hoàn Mỹ"], "291", "Nguyễn Văn Linh", "Thanh Khê",
     ER, True, True),
    ("Bệnh viện Đa khoa Quốc tế Vinmec Đà Nẵng", ["Vinmec", "Vinmec Đà Nẵng"], "", "30 Tháng 4", "",
     [*ER, "ung bướu"], False, True),
    ("Bệnh viện Quân y 17", ["BV 17", "Quân y 17", "Viện 17"], "02", "Nguyễn Hữu Thọ", "", ER, True, True),
    ("Bệnh viện Gia Đình", ["BV Gia Đình", "Family Hospital"], "73", "Nguyễn Hữu Thọ", "", ER, True, True),
    ("Bệnh viện Đa khoa Tâm Trí Đà Nẵng", ["Tâm Trí", "BV Tâm Trí"], "64", "Cách Mạng Tháng Tám", "", ER,
     True, True),
    ("Bệnh viện Đa khoa Bình Dân Đà Nẵng", ["BV Bình Dân"], "376", "Trần Cao Vân", "", ER, True, True),
    ("Bệnh viện 199", ["BV 199", "Bệnh viện 199 Bộ Công an"], "216", "Nguyễn Công Trứ", "", ER, True, True),
    ("Bệnh viện Đa khoa Thiện Nhân", ["BV Thiện Nhân"], "", "Đống Đa", "", ER, True, True),
    ("Bệnh viện Đa khoa Vĩnh Toàn", ["BV Vĩnh Toàn"], "49", "Lê Độ", "", ER, True, True),
    ("Trung tâm Cấp cứu 115 Đà Nẵng", ["Cấp cứu 115", "115"], "", "Lê Lợi", "", ["cấp cứu"], True, True),
]
# District health centres (pre-2025 district names, as residents still call them): district -> street.
CENTRES = {"Hải Châu": "Lê Lợi", "Thanh Khê": "Hà Huy Tập", "Sơn Trà": "Ngô Quyền",
           "Ngũ Hành Sơn": "Lê Văn Hiến", "Liên Chiểu": "Tôn Đức Thắng", "Cẩm Lệ": "Ông Ích Đường",
           "Hòa Vang": "Quốc lộ 14B"}
KINDS = [  # invented clinics: name pattern ({doc}: a doctor, {brand}: a brand), specialties, short label
    ("Phòng khám Nhi Bác sĩ {doc}", ["nhi"], "Nhi"), ("Phòng khám Nhi {brand}", ["nhi"], "Nhi"),
    ("Phòng khám Răng Hàm Mặt {brand}", ["răng hàm mặt"], ""), ("Nha khoa {brand}", ["răng hàm mặt"], ""),
    ("Phòng khám Tai Mũi Họng Bác sĩ {doc}", ["tai mũi họng"], "Tai Mũi Họng"),
    ("Phòng khám Sản phụ khoa Bác sĩ {doc}", ["sản", "phụ khoa"], "Sản"),
    ("Phòng khám Da liễu Bác sĩ {doc}", ["da liễu"], "Da liễu"), ("Phòng khám Mắt {brand}", ["mắt"], ""),
    ("Phòng khám Đa khoa {brand}", ["nội", "ngoại", "nhi", "sản", "xét nghiệm"], ""),
    ("Phòng khám Tim mạch Bác sĩ {doc}", ["tim mạch", "nội"], "Tim mạch"),
    ("Phòng khám Nội tổng hợp Bác sĩ {doc}", ["nội"], "Nội"),
    ("Phòng khám Y học cổ truyền {brand}", ["y học cổ truyền", "châm cứu"], ""),
    ("Phòng khám Chấn thương chỉnh hình Bác sĩ {doc}", ["chấn thương chỉnh hình"], "Chấn thương"),
    ("Phòng khám Tiêu hóa Bác sĩ {doc}", ["tiêu hóa", "nội"], "Tiêu hóa"),
    ("Phòng khám Siêu âm - Chẩn đoán hình ảnh {brand}", ["siêu âm", "chẩn đoán hình ảnh"], ""),
]
def _split(text: str) -> list[str]:
    return text.split("|")


BRANDS = _split("Phúc An|Thiện Tâm|Tâm An|Nhân Ái|Bình An|An Phước|Kim Ngân|Ngọc Anh|Thiên Ân|"
                "Phước Lộc|Vạn An|Minh Khang|Gia An|An Bình|Tâm Đức|Đức Tín|Song An|Mỹ An|Sông Hàn|"
                "Biển Đông|Thanh Xuân|Hải Đăng|Khánh An|Trường Thọ|Bảo Tín|Hoàng Gia|Tân Phước|"
                "Hướng Dương|Ánh Dương|Sao Mai")
FAMILY = _split("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Trương|Lương")
FEMALE = ("Thị|Ngọc|Thùy|Hoài|Minh", "Châu|Hà|Hạnh|Hoa|Linh|Mai|Ngân|Quyên|Tâm|Thảo|Trâm|Uyên|Vy|Yến")
MALE = ("Văn|Hữu|Quốc|Đức|Minh|Thanh", "Bảo|Dũng|Duy|Hiếu|Khoa|Khánh|Long|Nam|Phong|Quân|Sơn|Trung|Tú")
CLINIC_HOURS = ("07:00-20:00 T2-CN", "17:00-20:00 T2-T7", "07:00-11:00, 14:00-20:00 T2-CN",
                "08:00-20:00 T2-T7", "07:30-21:00 T2-CN", "16:30-20:30 T2-T6")
PHARMACY_HOURS = ("06:30-22:00 T2-CN", "07:00-21:30 T2-CN", "07:00-22:00 T2-CN", "24/7")


def _phone(rng: random.Random) -> str:
    # A subscriber number starting with 0 is a form no Vietnamese number takes: an invented phone must not ring.
    return f"0236 0{rng.randint(100, 999)} {rng.randint(100, 999)}"


def _doctor(rng: random.Random) -> tuple[str, str]:
    middles, givens = rng.choice((FEMALE, MALE))
    given = rng.choice(givens.split("|"))
    return f"{rng.choice(FAMILY)} {rng.choice(middles.split('|'))} {given}", given


def facility_rows(streets: list[GazetteerStreet], wards_csv: Path) -> list[dict[str, object]]:
    rng = random.Random("clinics")
    by_name = {s.street: s for s in streets}
    rows: list[dict[str, object]] = []

    def add(name: str, aliases: list[str], kind: str, house: str, st: GazetteerStreet, phone: str, hours: str,
            specialties: list[str], bhyt: bool, emergency: bool, ward: str = "", district: str = "") -> None:
        rows.append({"id": f"KCB{len(rows) + 1:04d}", "name": name, "aliases": aliases, "type": kind,
                     "house_number": house, "street": st.street, "ward": ward or st.ward,
                     "district": district or st.district, "phone": phone, "hours": hours,
                     "specialties": specialties, "bhyt": bhyt, "emergency_24h": emergency,
                     "lat": round(st.lat + rng.uniform(-0.003, 0.003), 5),
                     "lon": round(st.lon + rng.uniform(-0.003, 0.003), 5)})

    for name, aliases, house, street, place, specialties, bhyt, emergency in HOSPITALS:
        phone = "115" if "115" in aliases else ""
        add(name, aliases, "hospital", house, by_name[street], phone, "24/7", specialties, bhyt, emergency,
            place, place)
    for district, street in CENTRES.items():
        unit = "huyện" if district == "Hòa Vang" else "quận"
        add(f"Trung tâm Y tế {unit} {district}", [f"TTYT {district}", f"Bệnh viện {unit} {district}"],
            "hospital", "", by_name[street], "", "24/7",
            ["cấp cứu", "nội", "ngoại", "nhi", "sản", "tiêm chủng"], True, True)
    with wards_csv.open(encoding="utf-8-sig", newline="") as handle:
        wards = [(row["ward"], row["kind"]) for row in csv.DictReader(handle)]
    for ward, kind in wards:
        label = "xã" if kind == "xa" else "phường"
        st = next(s for s in sorted(streets, key=lambda s: s.street) if s.ward == ward)
        add(f"Trạm Y tế {label} {ward}", [f"Trạm y tế {ward}", f"TYT {ward}"], "health_station", "", st, "",
            "07:00-17:00 T2-T6", ["nội", "nhi", "tiêm chủng", "sơ cứu"], True, False)
    ordered = sorted(streets, key=lambda s: s.street)
    for _ in range(175):
        pattern, specialties, label = rng.choice(KINDS)
        doctor, given = _doctor(rng)
        name = pattern.format(doc=doctor, brand=rng.choice(BRANDS))
        aliases = [f"Phòng khám {label} Bác sĩ {given}"] if label and rng.random() < 0.4 else []
        add(name, aliases, "clinic", str(rng.randint(1, 480)), rng.choice(ordered), _phone(rng),
            rng.choice(CLINIC_HOURS), specialties, rng.random() < 0.15, False)
    for _ in range(115):
        st = rng.choice(ordered)
        prefix = "Quầy thuốc" if st.ward_kind == "xa" else "Nhà thuốc"
        number = f" {rng.randint(2, 9)}" if rng.random() < 0.25 else ""
        add(f"{prefix} {rng.choice(BRANDS)}{number}", [], "pharmacy", str(rng.randint(1, 480)), st,
            _phone(rng), rng.choice(PHARMACY_HOURS), [], False, False)
    return rows


def write_clinics(folder: Path, streets: list[GazetteerStreet], wards_csv: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rows = facility_rows(streets, wards_csv)
    with (folder / "records.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    meta = json.dumps(META, ensure_ascii=False, indent=2) + "\n"
    (folder / "metadata.json").write_text(meta, encoding="utf-8")
    return len(rows)
