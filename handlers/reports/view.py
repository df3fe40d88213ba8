"""A ticket as residents read it: in a TT reply, and in the notification of a change."""

from __future__ import annotations

from datetime import datetime

from handlers.i18n import pick
from handlers.reply import Field, Lang, Reply
from handlers.reports.catalog import ServiceCatalog
from handlers.reports.codes import display
from handlers.reports.store import Ticket
from lookups.clock import VIETNAM

LABELS: dict[str, tuple[str, str]] = {
    "received": ("Đã tiếp nhận", "Received"),
    "in_progress": ("Đang xử lý", "In progress"),
    "resolved": ("Đã xử lý", "Resolved"),
    "duplicate": ("Trùng với {code}", "Duplicate of {code}"),
    "rejected": ("Không thuộc thẩm quyền", "Not ours to handle"),
}


def local(moment: datetime) -> datetime:
    return moment.astimezone(VIETNAM)


def when(moment: datetime, lang: Lang) -> str:
    at = local(moment)
    return at.strftime("%Y-%m-%d %H:%M") if lang == "en" else at.strftime("%H:%M %d/%m/%Y")


def status_label(ticket: Ticket, lang: Lang) -> str:
    vi, en = LABELS[ticket.status]
    return pick(lang, vi, en).format(code=display(ticket.duplicate_of) if ticket.duplicate_of else "?")


def service_name(services: ServiceCatalog, code: str, lang: Lang) -> str:
    found = services.services.get(code)
    return found.name(lang) if found else code


def ticket_reply(ticket: Ticket, services: ServiceCatalog, lang: Lang, title: str = "") -> Reply:
    """Status, category, place, agency, the last public note and the dates."""
    fields = [Field(pick(lang, "Trạng thái", "Status"), status_label(ticket, lang)),
              Field(pick(lang, "Loại", "Category"), service_name(services, ticket.service_code, lang))]
    if ticket.place.address:
        fields.append(Field(pick(lang, "Địa điểm", "Place"), ticket.place.address))
    fields.append(Field(pick(lang, "Cơ quan xử lý", "Agency"), ticket.agency))
    if ticket.public_note:
        fields.append(Field(pick(lang, "Ghi chú", "Note"), ticket.public_note))
    fields.append(Field(pick(lang, "Ngày gửi", "Filed"), when(ticket.created_at, lang)))
    if ticket.updated_at > ticket.created_at:
        fields.append(Field(pick(lang, "Cập nhật", "Updated"), when(ticket.updated_at, lang)))
    if ticket.due_at and ticket.status in ("received", "in_progress"):
        fields.append(Field(pick(lang, "Hạn xử lý", "Due"), when(ticket.due_at, lang)))
    return Reply("tt", "found", lang, title or f"{display(ticket.code)}: {status_label(ticket, lang)}",
                 fields=tuple(fields))
