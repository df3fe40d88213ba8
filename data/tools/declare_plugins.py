"""Write the datapackage.json of the four plugin datasets (food_safety, clinics, land_price, bus).

Their data model lives in code (lookups/datasets/<id>.py); the declaration says how residents reach them
(keyword, aliases, help, menu category) and describes their files in Table Schema terms. Run from the
repository root; the output is deterministic:

    .venv/bin/python data/tools/declare_plugins.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1]
HEALTH = {"vi": "Y tế, thực phẩm", "en": "Health, food"}
TRANSPORT = {"vi": "Giao thông", "en": "Transport"}
LAND = {"vi": "Đất đai", "en": "Land"}
ADDRESS = [("house_number", "string", "Số nhà"), ("street", "string", "Đường"), ("ward", "string", "Phường/Xã"),
           ("district", "string", "Quận/Huyện (trước 2025)")]


def fields(*specs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"name": n, "type": t, "title": title} for n, t, title in specs]


def package(dataset: str, resource: dict[str, Any], tongdai: dict[str, Any]) -> dict[str, Any]:
    meta = json.loads((DATA / dataset / "metadata.json").read_text(encoding="utf-8"))
    return {
        "name": dataset, "title": meta["title"], "description": meta.get("note", ""),
        "sources": [{"title": meta["source"]}], "licenses": [{"name": meta["licence"]}],
        "resources": [resource], "tongdai": tongdai,
    }


def main() -> None:
    packages = {
        "food_safety": package("food_safety", {
            "name": "records", "path": "records.jsonl", "format": "jsonl", "encoding": "utf-8",
            "schema": {"fields": fields(("id", "string", "Mã"), ("name", "string", "Tên cơ sở"),
                                        ("aliases", "array", "Tên khác"), ("category", "string", "Loại hình"),
                                        *ADDRESS, ("certificate", "object", "Giấy chứng nhận ATTP"),
                                        ("commitment", "object", "Bản cam kết"),
                                        ("inspections", "array", "Kiểm tra"), ("violations", "array", "Vi phạm")),
                       "primaryKey": ["id"]}}, {
            "plugin": "food_safety", "keyword": "ATTP", "aliases": ["VSATTP", "ATVSTP", "FOOD"],
            "english": ["FOOD"], "name": "name", "alias_field": "aliases",
            "location": {"street": "street", "ward": "ward", "district": "district"},
            "help": {"vi": "ATTP <tên cơ sở> [đường/phường]: giấy chứng nhận an toàn thực phẩm, kiểm tra, vi phạm",
                     "en": "FOOD <place name> [street/ward]: food-safety certificate, inspections, violations"},
            "example": "ATTP pho hoa le duan", "category": HEALTH, "order": 10}),
        "clinics": package("clinics", {
            "name": "records", "path": "records.jsonl", "format": "jsonl", "encoding": "utf-8",
            "schema": {"fields": fields(("id", "string", "Mã"), ("name", "string", "Tên cơ sở"),
                                        ("aliases", "array", "Tên khác"), ("type", "string", "Loại"), *ADDRESS,
                                        ("phone", "string", "Điện thoại"), ("hours", "string", "Giờ làm việc"),
                                        ("specialties", "array", "Chuyên khoa"), ("bhyt", "boolean", "BHYT"),
                                        ("emergency_24h", "boolean", "Cấp cứu 24/7"), ("lat", "number", "Vĩ độ"),
                                        ("lon", "number", "Kinh độ")),
                       "primaryKey": ["id"]}}, {
            "plugin": "clinics", "keyword": "KCB", "aliases": ["BV", "BENHVIEN", "PHONGKHAM", "CLINIC"],
            "english": ["CLINIC"], "name": "name", "alias_field": "aliases",
            "location": {"street": "street", "ward": "ward", "district": "district", "lat": "lat", "lon": "lon"},
            "help": {"vi": "KCB <tên cơ sở | chuyên khoa | phường>: bệnh viện, phòng khám, cấp cứu (KCB cap cuu)",
                     "en": "CLINIC <name | specialty | ward>: hospitals, clinics; CLINIC emergency for 24/7 care"},
            "example": "KCB nhi hai chau", "category": HEALTH, "order": 12}),
        "land_price": package("land_price", {
            "name": "segments", "path": "segments.csv", "format": "csv", "encoding": "utf-8",
            "schema": {"fields": fields(("id", "string", "Mã"), ("street", "string", "Tên đường"),
                                        ("from_point", "string", "Từ"), ("to_point", "string", "Đến"),
                                        ("ward", "string", "Phường/Xã"), ("land_type", "string", "Loại đất"),
                                        *((f"vt{n}", "integer", f"VT{n}") for n in range(1, 6)),
                                        ("decision", "string", "Quyết định"),
                                        ("effective_date", "date", "Ngày hiệu lực")),
                       "primaryKey": ["id"]}}, {
            "plugin": "land_price", "keyword": "GIADAT", "aliases": ["GD", "LAND"], "english": ["LAND"],
            "name": "street", "location": {"ward": "ward"},
            "help": {"vi": "GIADAT <tên đường> [đoạn]: giá đất theo đoạn đường, vị trí VT1-VT5",
                     "en": "LAND <street> [segment]: land prices per street segment, positions VT1-VT5"},
            "example": "GIADAT le duan", "category": LAND, "order": 30}),
        "bus": package("bus", {
            "name": "stops", "path": "gtfs/stops.txt", "format": "csv", "encoding": "utf-8",
            "profile": "GTFS stops.txt (the whole feed is in gtfs/)",
            "schema": {"fields": fields(("stop_id", "string", "Mã điểm dừng"), ("stop_code", "string", "Mã trạm"),
                                        ("stop_name", "string", "Tên điểm dừng"), ("stop_desc", "string", "Đường"),
                                        ("stop_lat", "number", "Vĩ độ"), ("stop_lon", "number", "Kinh độ"),
                                        ("location_type", "integer", "Loại"), ("ward", "string", "Phường/Xã")),
                       "primaryKey": ["stop_id"]}}, {
            "plugin": "bus", "keyword": "BUS", "aliases": ["XEBUYT", "XB"], "english": ["BUS"],
            "name": "stop_name", "location": {"street": "stop_desc", "ward": "ward", "lat": "stop_lat",
                                              "lon": "stop_lon"},
            "help": {"vi": "BUS <tuyến | điểm dừng | điểm đi, điểm đến>: tuyến xe buýt, giờ chạy, giá vé",
                     "en": "BUS <route | stop | from, to>: bus routes, hours, fares, how to get there"},
            "example": "BUS cho han, san bay", "category": TRANSPORT, "order": 20}),
    }
    for dataset, doc in packages.items():
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        (DATA / dataset / "datapackage.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
