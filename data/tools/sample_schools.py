"""Schools (TRUONG): public high schools under real names, and generated kindergartens, primary and lower
secondary schools named the way Vietnamese schools are (after historical figures, flowers), on real streets.
Addresses, phones and pupil counts are invented (phones in a form no real number takes)."""

from __future__ import annotations

import random
from typing import Any

from catalogue_common import field, house, phone, shown, streets, write

# Public upper-secondary schools of Da Nang (real names; the streets given here are approximate).
HIGH = ("Phan Châu Trinh", "Trần Phú", "Hoàng Hoa Thám", "Nguyễn Hiền", "Thái Phiên", "Nguyễn Trãi",
        "Phan Thành Tài", "Phạm Phú Thứ", "Ông Ích Khiêm", "Ngũ Hành Sơn", "Ngô Quyền", "Tôn Thất Tùng",
        "Nguyễn Thượng Hiền", "Cẩm Lệ", "Sơn Trà", "Thanh Khê", "Liên Chiểu", "Hòa Vang", "Nguyễn Văn Thoại")
FIGURES = ("Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Lý Thường Kiệt", "Quang Trung", "Hai Bà Trưng", "Lê Văn Tám",
           "Kim Đồng", "Võ Thị Sáu", "Nguyễn Du", "Chu Văn An", "Lê Lai", "Phan Bội Châu", "Trần Quốc Toản",
           "Hùng Vương", "Ngô Gia Tự", "Nguyễn Văn Trỗi", "Lê Hồng Phong", "Trần Cao Vân", "Phù Đổng",
           "Tô Hiến Thành", "Hoàng Văn Thụ", "Nguyễn Bỉnh Khiêm", "Lương Thế Vinh", "Đinh Bộ Lĩnh", "Trưng Vương",
           "Bạch Đằng", "Lý Tự Trọng", "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Trần Quang Khải", "Lê Quý Đôn",
           "Nguyễn Khuyến", "Tây Sơn", "Hàm Nghi", "Duy Tân", "Nguyễn Trung Trực", "Mạc Đĩnh Chi", "Lê Đình Chinh",
           "Đoàn Thị Điểm", "Phan Đình Phùng", "Nguyễn Thái Học", "Trần Văn Ơn", "Hoàng Diệu", "Lê Thánh Tông",
           "Yết Kiêu", "Dã Tượng", "Phạm Ngũ Lão", "Ngô Sĩ Liên", "Nguyễn Công Trứ", "Cao Bá Quát", "Tô Vĩnh Diện",
           "Bế Văn Đàn", "Phan Đăng Lưu", "Nguyễn Tri Phương", "Trần Bình Trọng", "Lê Anh Xuân", "Hồ Xuân Hương",
           "Nguyễn Chí Thanh", "Võ Văn Tần")
FLOWERS = ("Hoa Sen", "Hoa Hồng", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Bình Minh", "Tuổi Thơ", "Ánh Dương",
           "Sao Mai", "Hướng Dương", "Hoa Mai", "Hoa Phượng", "Hoa Cúc", "Hoa Lan", "Bông Sen", "Thỏ Ngọc",
           "Chim Non", "Búp Bê", "Tuổi Hồng", "Măng Non", "Hoa Ban", "Hoa Đào", "Rạng Đông", "Ban Mai",
           "Thiên Thần", "Hoa Sữa", "Bé Ngoan", "Sóc Nâu", "Cầu Vồng", "Mặt Trời")
PRIVATE = ("Trí Tuệ Việt", "Sao Việt", "Tuệ Đức", "Minh Tâm", "Tân Thế Kỷ", "Hòa Bình Xanh", "Hạt Giống Mới",
           "Cánh Diều", "Ươm Mầm", "Tâm An", "Hải Âu", "Thành Công Mới")
LEVELS = {"mn": ("Mầm non", "MN"), "th": ("Tiểu học", "TH"), "thcs": ("THCS", "THCS"), "thpt": ("THPT", "THPT"),
          "lc": ("Liên cấp", "")}


def _row(n: int, rng: random.Random, level: str, name: str, alias: str, public: bool,
         place: dict[str, str], numbered: bool = True) -> dict[str, Any]:
    pupils = {"mn": (120, 450), "th": (600, 1600), "thcs": (700, 1800), "thpt": (900, 2200), "lc": (300, 1200)}
    return {"id": f"TRG{n:04d}", "name": name, "aliases": alias, "level": LEVELS[level][0],
            "ownership": "Công lập" if public else "Tư thục",
            "address": f"{house(rng)} {place['street']}" if numbered else place["street"],
            "street": place["street"], "ward": place["ward"], "district": place["district"], "phone": phone(n),
            "students": rng.randint(*pupils[level]) // 10 * 10,
            # the street's gazetteer point, moved a little: near it, not on it
            "lat": f"{float(place['lat']) + rng.uniform(-0.002, 0.002):.5f}",
            "lon": f"{float(place['lon']) + rng.uniform(-0.002, 0.002):.5f}"}


def rows(seed: int = 1022) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    places = streets()
    made: list[dict[str, Any]] = []

    def add(level: str, name: str, alias: str, public: bool = True, numbered: bool = True) -> None:
        made.append(_row(len(made) + 1, rng, level, name, alias, public, rng.choice(places), numbered))

    for who in HIGH:
        add("thpt", f"Trường THPT {who}", f"THPT {who}; cấp 3 {who}; {who}", numbered=False)
    add("thpt", "Trường THPT chuyên Lê Quý Đôn", "chuyên Lê Quý Đôn; THPT Lê Quý Đôn", numbered=False)
    for who in FIGURES:  # the same name at two levels, as in every city
        add("th", f"Trường Tiểu học {who}", f"TH {who}; cấp 1 {who}; {who}")
        add("thcs", f"Trường THCS {who}", f"THCS {who}; cấp 2 {who}; {who}")
    for who in rng.sample(FIGURES, 40):  # and a few names twice at one level, in different wards
        level = rng.choice(("th", "thcs"))
        add(level, f"Trường {LEVELS[level][0]} {who}", f"{LEVELS[level][1]} {who}; {who}")
    for flower in FLOWERS:
        for _ in range(rng.randint(3, 5)):
            add("mn", f"Trường Mầm non {flower}", f"MN {flower}; {flower}")
    for brand in PRIVATE:
        add("lc", f"Trường Liên cấp {brand}", f"{brand}", public=False)
        add("mn", f"Trường Mầm non tư thục {brand}", f"MN {brand}", public=False)
    return made


def write_schools() -> int:
    fields = [field("id", "string", "Mã trường", required=True), field("name", "string", "Tên trường", required=True),
              field("aliases", "string", "Tên gọi khác", "Phân cách bằng dấu chấm phẩy"),
              field("level", "string", "Cấp học", enum=["Mầm non", "Tiểu học", "THCS", "THPT", "Liên cấp"]),
              field("ownership", "string", "Loại hình", enum=["Công lập", "Tư thục"]),
              field("address", "string", "Địa chỉ"), field("street", "string", "Đường"),
              field("ward", "string", "Phường/Xã"), field("district", "string", "Quận/Huyện (trước 2025)"),
              field("phone", "string", "Điện thoại"), field("students", "integer", "Số học sinh", minimum=0),
              field("lat", "number", "Vĩ độ", "Gần đúng: điểm của tuyến đường"),
              field("lon", "number", "Kinh độ", "Gần đúng: điểm của tuyến đường")]
    tongdai = {
        "keyword": "TRUONG", "aliases": ["TRUONGHOC", "SCHOOL"], "english": ["SCHOOL"], "name": "name",
        "alias_field": "aliases", "qualifiers": ["level"],
        "location": {"address": "address", "street": "street", "ward": "ward", "district": "district",
                     "lat": "lat", "lon": "lon"},
        "help": {"vi": "TRUONG <tên trường> [phường]: cấp học, công lập/tư thục, địa chỉ, điện thoại",
                 "en": "SCHOOL <school name> [ward]: level, public or private, address, phone"},
        "example": "TRUONG thcs le loi", "category": {"vi": "Giáo dục", "en": "Education"}, "order": 40,
        "reply": {"fields": [shown("level", "Cấp học", "Level"), shown("ownership", "Loại hình", "Type"),
                             shown("address", "Địa chỉ", "Address"), shown("ward", "Phường/Xã", "Ward"),
                             shown("phone", "Điện thoại", "Phone"),
                             shown("students", "Số học sinh", "Pupils", sms=False)],
                  "line": ["level", "address", "ward"]}}
    return write("schools", "Trường học (dữ liệu mẫu)",
                 "Dữ liệu mẫu. Tên các trường THPT công lập là tên thật; các trường mầm non, tiểu học, THCS, "
                 "liên cấp được sinh theo cách đặt tên thường gặp và là hư cấu; địa chỉ, điện thoại (dạng 0236 "
                 "0000 xxx, không gọi được), số học sinh là hư cấu. Sample data: real public high-school names, "
                 "invented other schools, addresses, phones (not dialable) and pupil counts.",
                 "Sinh bởi data/tools/make_catalogue.py trên danh mục đường phố thật (data/gazetteer)",
                 fields, rows(), tongdai)
