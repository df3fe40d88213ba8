"""Agricultural land prices (GIADATNN): per pre-2025 commune or ward (real names), area and land type,
positions VT1-VT3. The figures are illustrative, modelled on the structure of decision 09/2020/QĐ-UBND, not
the legal prices."""

from __future__ import annotations

import random
from typing import Any

from catalogue_common import field, old_wards, shown, write

DECISION = "09/2020/QĐ-UBND"
# (commune or ward before July 2025, its areas): mountain communes have a plains part and a mountain part.
COMMUNES = (
    ("Hòa Bắc", ("miền núi",)),
    ("Hòa Liên", ("đồng bằng", "trung du")),
    ("Hòa Ninh", ("trung du", "miền núi")),
    ("Hòa Sơn", ("đồng bằng", "trung du")),
    ("Hòa Nhơn", ("đồng bằng", "trung du")),
    ("Hòa Phú", ("trung du", "miền núi")),
    ("Hòa Phong", ("đồng bằng",)),
    ("Hòa Châu", ("đồng bằng",)),
    ("Hòa Tiến", ("đồng bằng",)),
    ("Hòa Phước", ("đồng bằng",)),
    ("Hòa Khương", ("đồng bằng", "trung du")),
    ("Hòa Hiệp Bắc", ("đồng bằng",)),
    ("Hòa Hiệp Nam", ("đồng bằng",)),
    ("Hòa Khánh Bắc", ("đồng bằng",)),
    ("Hòa Khánh Nam", ("đồng bằng",)),
    ("Hòa Minh", ("đồng bằng",)),
    ("Hòa Phát", ("đồng bằng",)),
    ("Hòa An", ("đồng bằng",)),
    ("Hòa Thọ Đông", ("đồng bằng",)),
    ("Hòa Thọ Tây", ("đồng bằng",)),
    ("Hòa Xuân", ("đồng bằng",)),
    ("Khuê Trung", ("đồng bằng",)),
    ("Hòa Quý", ("đồng bằng",)),
    ("Hòa Hải", ("đồng bằng",)),
    ("Khuê Mỹ", ("đồng bằng",)),
    ("Thọ Quang", ("đồng bằng",)),
)
# land type -> base VT1 price on plains land (VND/m²)
LAND = {
    "Đất trồng lúa": 65_000,
    "Đất trồng cây hằng năm khác": 60_000,
    "Đất trồng cây lâu năm": 55_000,
    "Đất nuôi trồng thủy sản": 50_000,
    "Đất nông nghiệp khác": 45_000,
    "Đất rừng sản xuất": 22_000,
    "Đất rừng phòng hộ": 18_000,
    "Đất rừng đặc dụng": 16_000,
}
# what residents call each land type: one or two words they text
SHORT = {
    "Đất trồng lúa": "lúa",
    "Đất trồng cây hằng năm khác": "cây hằng năm",
    "Đất trồng cây lâu năm": "cây lâu năm",
    "Đất nuôi trồng thủy sản": "thủy sản",
    "Đất nông nghiệp khác": "nông nghiệp khác",
    "Đất rừng sản xuất": "rừng sản xuất",
    "Đất rừng phòng hộ": "rừng phòng hộ",
    "Đất rừng đặc dụng": "rừng đặc dụng",
}
FOREST = ("Đất rừng sản xuất", "Đất rừng phòng hộ", "Đất rừng đặc dụng")
AREA_FACTOR = {"đồng bằng": 1.0, "trung du": 0.75, "miền núi": 0.55}


def rows(seed: int = 1022) -> list[dict[str, Any]]:
    rng = random.Random(seed + 3)
    now = old_wards()
    made: list[dict[str, Any]] = []
    for commune, areas in COMMUNES:
        ward, district = now[commune]
        urban = 1.25 if district != "Hòa Vang" else 1.0  # farmland inside the old urban districts costs more
        for area in areas:
            for land, base in LAND.items():
                if land in FOREST and (district != "Hòa Vang" or (land != FOREST[0] and area == "đồng bằng")):
                    continue  # forest land lies in the outer communes, protected forest in their hills
                vt1 = round(base * AREA_FACTOR[area] * urban * rng.uniform(0.92, 1.08), -3)
                made.append(
                    {
                        "id": f"NN{len(made) + 1:04d}",
                        "commune": commune,
                        "area": area,
                        "land_type": land,
                        "land_short": SHORT[land],
                        "ward_now": ward,
                        "district": district,
                        "vt1": int(vt1),
                        "vt2": int(round(vt1 * 0.8, -3)),
                        "vt3": int(round(vt1 * 0.65, -3)),
                        "decision": DECISION,
                        "effective_date": "2020-01-01",
                    }
                )
    return made


def write_farmland() -> int:
    price = "đồng/m², minh họa"
    fields = [
        field("id", "string", "Mã", required=True),
        field("commune", "string", "Xã/Phường", required=True),
        field("area", "string", "Khu vực", enum=list(AREA_FACTOR)),
        field("land_type", "string", "Loại đất", enum=list(LAND)),
        field("land_short", "string", "Loại đất (gọi tắt)"),
        field("ward_now", "string", "Phường/Xã (từ 7/2025)"),
        field("district", "string", "Quận/Huyện (trước 2025)"),
        *(field(f"vt{n}", "integer", f"VT{n}", price, minimum=0) for n in (1, 2, 3)),
        field("decision", "string", "Quyết định"),
        field("effective_date", "date", "Ngày hiệu lực"),
    ]
    tongdai = {
        "keyword": "GIADATNN",
        "aliases": ["DATNN", "FARMLAND"],
        "english": ["FARMLAND"],
        "name": "commune",
        "qualifiers": ["land_short", "land_type", "area"],
        "location": {"ward": "ward_now", "district": "district"},
        "help": {
            "vi": "GIADATNN <xã/phường> [loại đất]: giá đất nông nghiệp VT1-VT3 theo khu vực",
            "en": "FARMLAND <commune> [land type]: agricultural land prices VT1-VT3 by area",
        },
        "example": "GIADATNN hoa phong lua",
        "category": {"vi": "Đất đai", "en": "Land"},
        "order": 31,
        "reply": {
            "title": ["land_type", "commune"],
            "fields": [
                shown("area", "Khu vực", "Area"),
                shown("vt1", "VT1 (đ/m²)", "VT1 (VND/m²)"),
                shown("vt2", "VT2 (đ/m²)", "VT2 (VND/m²)"),
                shown("vt3", "VT3 (đ/m²)", "VT3 (VND/m²)"),
                shown("ward_now", "Nay thuộc", "Now in"),
                shown("decision", "Căn cứ QĐ", "Decision"),
                shown("effective_date", "Hiệu lực", "Effective", sms=False),
            ],
            "line": ["land_type", "area"],
        },
    }
    return write(
        "farmland_prices",
        "Giá đất nông nghiệp (dữ liệu mẫu)",
        "Dữ liệu mẫu: giá minh họa, mô phỏng cấu trúc bảng giá đất nông nghiệp theo Quyết định 09/2020/QĐ-UBND, không "
        "phải giá pháp lý; tên xã, phường (trước 7/2025) là thật. Illustrative prices modelled on decision "
        "09/2020/QĐ-UBND, not the legal prices; commune and ward names are real.",
        "Sinh bởi data/tools/make_catalogue.py; tên xã, phường theo data/gazetteer/wards.csv",
        fields,
        rows(),
        tongdai,
    )
