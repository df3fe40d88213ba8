"""ATTP: food-safety status of an establishment (certificate, inspections, violations)."""

from __future__ import annotations

from datetime import date

from handlers.common import reader, resolve
from handlers.i18n import day, footer, money, pick
from handlers.registry import Request, plugin
from handlers.reply import Field, Lang, Reply
from lookups.datasets.food_safety import Establishment

CATEGORY = {
    "restaurant": ("Nhà hàng/quán ăn", "Restaurant"), "street_food": ("Thức ăn đường phố", "Street food"),
    "catering": ("Bếp ăn/suất ăn", "Catering"), "bakery": ("Bánh", "Bakery"),
    "grocery": ("Tạp hóa/thực phẩm", "Grocery"), "cafe": ("Cà phê/giải khát", "Cafe"),
    "canteen": ("Căng tin", "Canteen"),
}
RESULT = {"passed": ("Đạt", "passed"), "warning": ("Nhắc nhở", "warning"), "failed": ("Không đạt", "failed")}
PAYMENT = {"paid": ("đã nộp phạt", "paid"), "unpaid": ("chưa nộp phạt", "unpaid"),
           "appealed": ("đang khiếu nại", "under appeal")}


def certificate_text(est: Establishment, lang: Lang, on: date) -> str:
    status = est.status(on)
    cert, comm = est.certificate, est.commitment
    if cert is not None and status == "valid":
        return pick(lang, f"CÒN HIỆU LỰC đến {day(cert.expires_on, lang)} (số {cert.number})",
                    f"VALID until {day(cert.expires_on, lang)} (no. {cert.number})")
    if cert is not None and status == "expired":
        return pick(lang, f"HẾT HẠN từ {day(cert.expires_on, lang)} (số {cert.number})",
                    f"EXPIRED on {day(cert.expires_on, lang)} (no. {cert.number})")
    if cert is not None and cert.revoked_on is not None:
        return pick(lang, f"BỊ THU HỒI ngày {day(cert.revoked_on, lang)} (số {cert.number})",
                    f"REVOKED on {day(cert.revoked_on, lang)} (no. {cert.number})")
    if comm is not None:
        return pick(lang, f"Bản cam kết ATTP ký ngày {day(comm.signed_on, lang)} ({comm.received_by})",
                    f"Signed food-safety commitment, {day(comm.signed_on, lang)} ({comm.received_by})")
    return pick(lang, "KHÔNG có giấy chứng nhận hay bản cam kết", "NO certificate or commitment on file")


def show(est: Establishment, lang: Lang, req: Request) -> Reply:
    as_of = req.catalog.food.meta.as_of
    fields = [
        Field(pick(lang, "Địa chỉ", "Address"), f"{est.address}, {est.ward}"),
        Field(pick(lang, "Giấy chứng nhận ATTP", "Food-safety certificate"), certificate_text(est, lang, as_of)),
    ]
    if est.violations:
        last = est.violations[0]
        state = PAYMENT.get(last.status, (last.status, last.status))
        fields.append(Field(pick(lang, "Vi phạm", "Violations"), pick(
            lang,
            f"{len(est.violations)} lần; gần nhất {day(last.date, lang)}: {last.description}, "
            f"phạt {money(last.fine_vnd, lang)} ({state[0]})",
            f"{len(est.violations)}; latest {day(last.date, lang)}: {last.description}, "
            f"fine {money(last.fine_vnd, lang)} ({state[1]})")))
    else:
        fields.append(Field(pick(lang, "Vi phạm", "Violations"), pick(lang, "Không có", "None on record")))
    if est.inspections:
        last_insp = est.inspections[0]
        result = RESULT.get(last_insp.result, (last_insp.result, last_insp.result))
        fields.append(Field(pick(lang, "Kiểm tra gần nhất", "Last inspection"),
                            f"{day(last_insp.date, lang)}: {result[0] if lang == 'vi' else result[1]}"))
    else:
        fields.append(Field(pick(lang, "Kiểm tra gần nhất", "Last inspection"), pick(lang, "Chưa có", "None")))
    kind = CATEGORY.get(est.category, (est.category, est.category))
    fields.append(Field(pick(lang, "Loại hình", "Type"), kind[0] if lang == "vi" else kind[1]))
    return Reply("attp", "found", lang, est.name, fields=tuple(fields), footer=footer(req.catalog.food.meta))


@plugin("food_safety")  # keyword, aliases and help: data/food_safety/datapackage.json
def attp(req: Request) -> Reply:
    record = reader(req.catalog.food.records)
    return resolve(
        req, intent="attp", dataset="food_safety", index=req.catalog.food_index,
        footer=footer(req.catalog.food.meta),
        detail=lambda row: f"{record(row).address}, {record(row).ward}",
        narrowers=lambda row: (record(row).street, record(row).ward, record(row).address),
        show=lambda row: show(record(row), req.lang, req),
        syntax=pick(req.lang, "ATTP <tên cơ sở>", "FOOD <place name>"),
    )
