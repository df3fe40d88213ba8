"""Foreign-language centres (NGOAINGU): invented centres with invented licence numbers and dates, on real
streets. All details are sample data; phones take a form no real number takes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from catalogue_common import field, house, phone, shown, streets, write

from lookups.text import fold

FIRST = ("Ánh", "Tri", "Sao", "Việt", "Hoàn", "Tân", "Minh", "Đông", "Hải", "Bình", "Thiên", "Kim", "Phúc", "An")
SECOND = ("Dương", "Thức", "Mai", "Tiến", "Cầu", "Kỷ", "Trí", "Phương", "Âu", "Minh", "Long", "Ngọc", "Khang", "Hòa")
KINDS = (
    "Trung tâm Ngoại ngữ",
    "Trung tâm Anh ngữ",
    "Trung tâm Ngoại ngữ - Tin học",
    "Trung tâm Nhật ngữ",
    "Trung tâm Hàn ngữ",
    "Trung tâm Hoa ngữ",
)
LANGUAGES = {
    "Trung tâm Anh ngữ": ("Tiếng Anh",),
    "Trung tâm Nhật ngữ": ("Tiếng Nhật",),
    "Trung tâm Hàn ngữ": ("Tiếng Hàn",),
    "Trung tâm Hoa ngữ": ("Tiếng Trung",),
}
OTHERS = ("Tiếng Anh", "Tiếng Nhật", "Tiếng Hàn", "Tiếng Trung", "Tiếng Pháp", "Tiếng Đức")
HOURS = ("08:00-21:00 T2-CN", "17:30-21:00 T2-T6, 08:00-17:00 T7-CN", "07:30-21:30 T2-T7")


def rows(seed: int = 1022) -> list[dict[str, Any]]:
    rng = random.Random(seed + 1)
    places = streets()
    brands = [f"{a} {b}" for a in FIRST for b in SECOND if a != b]
    made: list[dict[str, Any]] = []
    for n, brand in enumerate(rng.sample(brands, 96), 1):
        kind = rng.choice(KINDS)
        langs = LANGUAGES.get(kind) or tuple(rng.sample(OTHERS, rng.randint(1, 3)))
        place = rng.choice(places)
        issued = date(2012, 1, 1) + timedelta(days=rng.randint(0, 5000))
        made.append(
            {
                "id": f"NN{n:04d}",
                "name": f"{kind} {brand}",
                "aliases": brand,
                "languages": "; ".join(langs),
                "licence_number": f"{rng.randint(100, 2999)}/QĐ-SGDĐT",
                "licence_date": issued.isoformat(),
                "address": f"{house(rng)} {place['street']}",
                "street": place["street"],
                "ward": place["ward"],
                "district": place["district"],
                "phone": phone(n),
                "hours": rng.choice(HOURS),
            }
        )
    for n, base in enumerate(rng.sample(made, 12), len(made) + 1):  # branches: one name, two addresses
        place = rng.choice(places)
        made.append(
            {
                **base,
                "id": f"NN{n:04d}",
                "name": f"{base['name']} (cơ sở 2)",
                "address": f"{house(rng)} {place['street']}",
                "street": place["street"],
                "ward": place["ward"],
                "district": place["district"],
                "phone": phone(n),
            }
        )
    return made


def write_language() -> int:
    made = rows()
    fields = [
        field("id", "string", "Mã", required=True),
        field("name", "string", "Tên trung tâm", required=True),
        field("aliases", "string", "Tên gọi khác"),
        field("languages", "string", "Ngoại ngữ giảng dạy"),
        field("licence_number", "string", "Số quyết định cấp phép"),
        field("licence_date", "date", "Ngày cấp phép"),
        field("address", "string", "Địa chỉ"),
        field("street", "string", "Đường"),
        field("ward", "string", "Phường/Xã"),
        field("district", "string", "Quận/Huyện (trước 2025)"),
        field("phone", "string", "Điện thoại"),
        field("hours", "string", "Giờ làm việc"),
    ]
    tongdai = {
        "keyword": "NGOAINGU",
        "aliases": ["ANHNGU", "LANGUAGE"],
        "english": ["LANGUAGE"],
        "name": "name",
        "alias_field": "aliases",
        "location": {"address": "address", "street": "street", "ward": "ward", "district": "district"},
        "help": {
            "vi": "NGOAINGU <tên trung tâm>: giấy phép, ngoại ngữ dạy, địa chỉ",
            "en": "LANGUAGE <centre name>: licence, languages taught, address",
        },
        "example": f"NGOAINGU {fold(made[0]['aliases'])}",
        "category": {"vi": "Giáo dục", "en": "Education"},
        "order": 41,
        "reply": {
            "fields": [
                shown("licence_number", "Giấy phép số", "Licence no."),
                shown("licence_date", "Ngày cấp", "Issued"),
                shown("languages", "Ngoại ngữ", "Languages"),
                shown("address", "Địa chỉ", "Address"),
                shown("ward", "Phường/Xã", "Ward"),
                shown("phone", "Điện thoại", "Phone"),
                shown("hours", "Giờ làm việc", "Hours", sms=False),
            ],
            "line": ["address", "ward"],
        },
    }
    return write(
        "language_centres",
        "Trung tâm ngoại ngữ (dữ liệu mẫu)",
        "Dữ liệu mẫu hư cấu: tên trung tâm, số và ngày cấp phép, điện thoại (dạng 0236 0000 xxx, không gọi "
        "được), giờ làm việc đều là hư cấu; tên đường, phường là thật. Invented sample data: centres, "
        "licences and phones (not dialable) are fictional; street and ward names are real.",
        "Sinh bởi data/tools/make_catalogue.py trên danh mục đường phố thật (data/gazetteer)",
        fields,
        made,
        tongdai,
    )
