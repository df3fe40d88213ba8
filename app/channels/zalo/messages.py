"""What the OA sends back: a reply as Zalo text or as a list template, the welcome menu, the places near a
shared location, and the short answers to what cannot be read. Plain data in, JSON-ready dicts out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.guard import please_wait
from app.message import InboundMessage
from app.reports.media import on_zalo
from app.services import Services
from handlers.dataset import line
from handlers.help import groups, menu
from handlers.i18n import footer, t
from handlers.registry import keywords
from handlers.render import render_zalo, shorten
from handlers.reply import Field, Option, Reply
from lookups.datasets.bus import distance_m
from lookups.datasets.table import TableData
from lookups.store import Catalog
from lookups.transit import stops_near

GUARD = "tongdai_guard"  # added to a stored event by the webhook: "limited", the sender was over the rate limit
LIST_MAX = 5  # elements of a list template: the official SDK's cap (a third party says 10)
BUTTONS_MAX = 5
TITLE_MAX = 100  # element and button titles
SUBTITLE_MAX = 300  # [unverified] no documented cap; kept short so the list stays readable
PAYLOAD_MAX = 1000  # what an oa.query.show button sends back
NEAR_COUNT = 3
NEAR_MAX_M = 30_000.0  # beyond this the "nearest" place is no help: say the location is outside our data

WELCOME = "Chào bạn! Đây là tổng đài tra cứu của thành phố. Chọn một mục bên dưới hoặc soạn:"
LOCATION_TIP = "Gửi vị trí của bạn để xem cơ sở y tế và trạm xe buýt gần nhất."
TEXT_ONLY = ("Xin lỗi, tổng đài chỉ đọc được tin nhắn chữ và vị trí. Vui lòng gửi nội dung cần tra cứu, "
             "ví dụ: ATTP Phở Hòa Lê Duẩn. Soạn HD để xem hướng dẫn.")


def text(body: str) -> dict[str, Any]:
    return {"text": body}


def render(reply: Reply) -> dict[str, Any]:
    """An ambiguous answer as a list whose rows send their choice back when tapped; anything else as text."""
    if reply.status == "ambiguous" and reply.options:
        return list_template(reply.options)
    return text(render_zalo(reply))


def list_template(options: tuple[Option, ...]) -> dict[str, Any]:
    elements = []
    for option in options[:LIST_MAX]:
        element: dict[str, Any] = {"title": shorten(option.label, TITLE_MAX)}
        if option.detail.strip():
            element["subtitle"] = shorten(option.detail, SUBTITLE_MAX)
        element["default_action"] = {"type": "oa.query.show", "payload": option.command[:PAYLOAD_MAX]}
        elements.append(element)
    return {"attachment": {"type": "template", "payload": {"template_type": "list", "elements": elements}}}


def welcome(catalog: Catalog) -> dict[str, Any]:
    """The menu's first page as text, and one button per category; a tap sends ``HD <category>``, which lists
    that category's keywords. With more categories than buttons, the last button opens the whole menu."""
    reply = menu(catalog, "vi", WELCOME)
    body = render_zalo(replace(reply, fields=(*reply.fields, Field("", LOCATION_TIP))))
    found = groups(keywords(catalog), "vi")
    shown = found if len(found) <= BUTTONS_MAX else found[:BUTTONS_MAX - 1]
    buttons = [{"title": shorten(f"{name}: {', '.join(c.keyword.upper() for c in cmds)}", TITLE_MAX),
                "type": "oa.query.show", "payload": f"HD {name}"} for name, cmds in shown]
    if len(shown) < len(found):
        buttons.append({"title": "Tất cả: HD", "type": "oa.query.show", "payload": "HD"})
    return {"text": body, "attachment": {"type": "template", "payload": {"buttons": buttons}}}


def apology() -> dict[str, Any]:
    return text(render_zalo(Reply("none", "error", "vi", t("error", "vi"), hint=t("error", "en"))))


def metres(distance: float) -> str:
    if distance < 1000:
        return f"{distance:.0f} m"
    return f"{distance / 1000:.1f} km".replace(".", ",") if distance < 10_000 else f"{distance / 1000:.0f} km"


def near(catalog: Catalog, lat: float, lon: float) -> Reply:
    """The nearest health facilities and bus stops, by straight-line distance."""
    facilities = sorted(((f, distance_m(lat, lon, f.lat, f.lon)) for f in catalog.clinics.records if f.lat or f.lon),
                        key=lambda pair: (pair[1], pair[0].id))[:NEAR_COUNT]
    stops = stops_near(catalog.bus, lat, lon, NEAR_COUNT)
    nearest = min([d for _, d in facilities] + [d for _, d in stops], default=float("inf"))
    if nearest > NEAR_MAX_M:
        title = "Vị trí này ở ngoài vùng dữ liệu của tổng đài"
        detail = f" (nơi gần nhất cách {metres(nearest)})" if nearest != float("inf") else ""
        return Reply("location", "not_found", "vi", title + detail + ".", hint=t("menu_hint", "vi"))
    fields = [Field("Y tế", f"{f.name} — {', '.join(p for p in (f.address, f.ward) if p)} ({metres(d)})")
              for f, d in facilities if d <= NEAR_MAX_M]
    fields += [Field("Trạm xe buýt", f"{s.code} {s.name} ({metres(d)})") for s, d in stops if d <= NEAR_MAX_M]
    fields += near_tables(catalog, lat, lon)
    return Reply("location", "found", "vi", "Gần vị trí của bạn:", fields=tuple(fields),
                 hint="Soạn KCB <tên> để xem chi tiết cơ sở y tế, MT <mã trạm> để xem xe sắp đến.",
                 footer=footer(catalog.clinics.meta))


def near_tables(catalog: Catalog, lat: float, lon: float) -> list[Field]:
    """The nearest record of every declared table with lat/lon fields (``tongdai.location``)."""
    fields = []
    for decl in catalog.declarations:
        lat_field, lon_field = decl.where("lat"), decl.where("lon")
        if decl.plugin or not (lat_field and lon_field):
            continue
        data: TableData = catalog.data(decl.id)
        placed = [(distance_m(lat, lon, float(r[lat_field]), float(r[lon_field])), n)
                  for n, r in enumerate(data.records) if r.get(lat_field) is not None and r.get(lon_field) is not None]
        if placed and (best := min(placed))[0] <= NEAR_MAX_M:
            record = data.records[best[1]]
            fields.append(Field(decl.category[0], f"{record[decl.name]} — {line(data.decl, record, 'vi')} "
                                                  f"({metres(best[0])}; soạn {decl.keyword.upper()} <tên>)"))
    return fields


def build(msg: InboundMessage, services: Services) -> dict[str, Any] | None:
    """The message answering ``msg`` (a stored event: text, location, follow or unsupported); None when nothing is
    to be said (a STOP from a user already opted out)."""
    if msg.extra.get("guard") == "limited":
        return text(render_zalo(please_wait("vi")))
    if msg.kind == "text":
        found = services.answer_or_nothing(msg)
        return None if found is None else render(found)
    if msg.kind == "follow":
        return welcome(services.catalog)
    if msg.kind in ("location", "unsupported") and (said := on_zalo(services, msg)):  # a report's place or photo
        return text(said)
    if msg.kind == "location" and msg.latitude is not None and msg.longitude is not None:
        reply = near(services.catalog, msg.latitude, msg.longitude)
        services.metrics.messages.labels(msg.channel, reply.intent, reply.status).inc()
        return text(render_zalo(reply))
    return text(TEXT_ONLY)


def envelope(user_id: str, message: dict[str, Any]) -> dict[str, Any]:
    """The request body of ``POST /v3.0/oa/message/cs``."""
    return {"recipient": {"user_id": user_id}, "message": message}
