"""Transport services (VANTAI): invented taxi firms and coach lines with invented licences, hotlines (a form no
real number takes) and routes between real places."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from catalogue_common import field, house, phone, shown, streets, write

BRANDS = ("Sông Hàn Xanh", "Biển Mỹ Khê", "Sơn Trà Xanh", "Hải Vân Mới", "Ngũ Hành", "Cầu Rồng Vàng", "Tiên Sa Mới",
          "Hòa Khánh Xanh", "Non Nước", "Thuận Phước", "Bà Nà Xanh", "Cẩm Lệ Mới", "Liên Chiểu Xanh", "Hàn Giang",
          "Phước Mỹ", "Trường Sa Xanh", "Mân Thái", "An Đồn")
ROUTES = ("Đà Nẵng - Huế", "Đà Nẵng - Hội An", "Đà Nẵng - Tam Kỳ", "Đà Nẵng - Quảng Ngãi", "Đà Nẵng - Quy Nhơn",
          "Đà Nẵng - Đồng Hới", "Đà Nẵng - Kon Tum", "Đà Nẵng - Pleiku", "Đà Nẵng - Buôn Ma Thuột",
          "Đà Nẵng - Hà Nội", "Đà Nẵng - TP Hồ Chí Minh", "Đà Nẵng - Nha Trang", "Đà Nẵng - Lao Bảo")
KINDS = {"taxi": "Taxi", "coach": "Xe khách tuyến cố định", "contract": "Xe hợp đồng, du lịch"}


def rows(seed: int = 1022) -> list[dict[str, Any]]:
    rng = random.Random(seed + 2)
    places = streets()
    made: list[dict[str, Any]] = []
    for n, (brand, kind) in enumerate(((b, rng.choice(tuple(KINDS))) for b in BRANDS * 2), 1):
        name = f"{'Taxi' if kind == 'taxi' else 'Nhà xe'} {brand}"
        if any(r["name"] == name for r in made):
            kind = "contract" if kind != "contract" else "coach"
            name = f"Xe du lịch {brand}"
        place = rng.choice(places)
        until = date(2025, 6, 1) + timedelta(days=rng.randint(0, 2000))
        served = "Nội thành Đà Nẵng, sân bay, Hội An" if kind == "taxi" else "; ".join(
            rng.sample(ROUTES, rng.randint(1, 3)))
        made.append({"id": f"VT{n:03d}", "name": name, "aliases": brand, "kind": KINDS[kind],
                     "licence_number": f"{rng.randint(10, 999):03d}/GP-SGTVT", "licence_until": until.isoformat(),
                     "hotline": phone(500 + n), "routes": served, "vehicles": rng.randint(8, 400),
                     "address": f"{house(rng)} {place['street']}", "street": place["street"], "ward": place["ward"]})
    return made


def write_transport() -> int:
    fields = [field("id", "string", "Mã", required=True), field("name", "string", "Tên đơn vị", required=True),
              field("aliases", "string", "Tên gọi khác"),
              field("kind", "string", "Loại hình", enum=list(KINDS.values())),
              field("licence_number", "string", "Số giấy phép kinh doanh vận tải"),
              field("licence_until", "date", "Giấy phép có hiệu lực đến"),
              field("hotline", "string", "Đường dây nóng"), field("routes", "string", "Tuyến/phạm vi hoạt động"),
              field("vehicles", "integer", "Số phương tiện", minimum=0), field("address", "string", "Địa chỉ"),
              field("street", "string", "Đường"), field("ward", "string", "Phường/Xã")]
    tongdai = {
        "keyword": "VANTAI", "aliases": ["TAXI", "XEKHACH", "TRANSPORT"], "english": ["TRANSPORT"], "name": "name",
        "alias_field": "aliases", "qualifiers": ["kind"],
        "location": {"address": "address", "street": "street", "ward": "ward"},
        "help": {"vi": "VANTAI <tên hãng taxi, nhà xe>: giấy phép, đường dây nóng, tuyến",
                 "en": "TRANSPORT <taxi firm or coach line>: licence, hotline, routes"},
        "example": "VANTAI taxi song han xanh", "category": {"vi": "Giao thông", "en": "Transport"}, "order": 22,
        "reply": {"fields": [shown("kind", "Loại hình", "Service"), shown("licence_number", "Giấy phép", "Licence"),
                             shown("hotline", "Đường dây nóng", "Hotline"), shown("routes", "Tuyến", "Routes"),
                             shown("vehicles", "Số xe", "Vehicles", sms=False),
                             shown("address", "Địa chỉ", "Address", sms=False)],
                  "line": ["kind", "routes"]},
        "status": {"field": "licence_until", "vi": "Tình trạng giấy phép", "en": "Licence status",
                   "valid": {"vi": "còn hiệu lực", "en": "valid"}, "expired": {"vi": "hết hạn", "en": "expired"},
                   "missing": {"vi": "không rõ", "en": "unknown"}}}
    return write("transport", "Đơn vị vận tải: taxi, xe khách (dữ liệu mẫu)",
                 "Dữ liệu mẫu hư cấu: tên hãng, giấy phép, đường dây nóng (dạng 0236 0000 xxx, không gọi được), số "
                 "xe đều là hư cấu và không nói về doanh nghiệp thật nào; tên đường, địa danh là thật. Invented "
                 "sample data: operators, licences and hotlines (not dialable) are fictional.",
                 "Sinh bởi data/tools/make_catalogue.py", fields, rows(), tongdai)
