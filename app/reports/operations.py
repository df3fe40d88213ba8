"""What operators do to tickets, shared by ``tongdai reports`` and ``/api/v1/reports``: list, show, update,
merge, purge. Every change is a history entry (who, when, what); a change with a public note tells the reporter.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select, update

from app.message import masked
from app.reports.desk import store_of
from app.reports.models import HistoryRow, TicketRow
from app.reports.notify import Notice, Notifier, default_notifier, deliver, describe
from app.reports.repository import SqlTicketStore, to_ticket
from handlers.render import render_sms
from handlers.reply import Lang
from handlers.report_status import CLOSED, SETTABLE, STATUSES
from handlers.reports import codes
from handlers.reports.catalog import ServiceCatalog
from handlers.reports.view import ticket_reply

if TYPE_CHECKING:
    from app.config import Settings
    from handlers.reports.context import Desk

log = logging.getLogger(__name__)
MAX_NOTE = 1000
MAX_LIST = 1000


class OperationError(Exception):
    """An operator's request that cannot be done; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Filters:
    status: str = ""
    service: str = ""
    ward: str = ""
    since: datetime | None = None
    limit: int = 100
    before: datetime | None = None  # filed before then: the console's "older than a week"


class Operations:
    def __init__(self, store: SqlTicketStore, services: ServiceCatalog, notifier: Notifier | None) -> None:
        self.store, self.services, self.notifier = store, services, notifier

    def list(self, filters: Filters) -> list[dict[str, Any]]:
        if filters.status and filters.status not in STATUSES:
            raise OperationError(f"status must be one of {', '.join(STATUSES)}")
        query = select(TicketRow)  # the summaries show no attachments: none are loaded
        if filters.status:
            query = query.where(TicketRow.status == filters.status)
        if filters.service:
            query = query.where(TicketRow.service_code == filters.service)
        if filters.ward:
            query = query.where(TicketRow.ward == filters.ward)
        if filters.since:
            query = query.where(TicketRow.created_at >= filters.since)
        if filters.before:
            query = query.where(TicketRow.created_at < filters.before)
        limit = max(1, min(filters.limit, MAX_LIST))
        with self.store.session() as session:
            rows = session.scalars(query.order_by(TicketRow.created_at.desc(), TicketRow.id.desc()).limit(limit))
            return [self.summary(row) for row in rows]

    def show(self, typed: str) -> dict[str, Any]:
        with self.store.session() as session:
            row = self._row(session, typed)
            return {**self.summary(row), "description": row.description,
                    "history": [_history(h) for h in row.history],
                    "attachments": [{"kind": a.kind, "created_at": a.created_at.isoformat(),
                                     "url": f"{self.store.media_base}/{a.path}" if a.path else a.source_url}
                                    for a in row.attachments]}

    def update(self, typed: str, *, status: str = "", note: str = "", agency: str = "", actor: str,
               now: datetime) -> dict[str, Any]:
        if status and status not in SETTABLE:
            raise OperationError(f"status must be one of {', '.join(SETTABLE)}")
        if status == "duplicate":
            raise OperationError("use merge to mark a ticket as a duplicate of another")
        if not (status or note or agency):
            raise OperationError("give a status, a note or an agency")
        if len(note) > MAX_NOTE or len(agency) > 200:
            raise OperationError(f"the note is limited to {MAX_NOTE} characters, the agency to 200")
        with self.store.session() as session, session.begin():
            row = self._row(session, typed)
            history = self._change(row, status or row.status, note.strip(), agency.strip(), actor, now, "update")
            session.flush()
            notice_key = f"report:{row.code}:{history.id}"
        self._tell(typed, notice_key, bool(note.strip()))
        return self.show(typed)

    def merge(self, typed: str, into: str, *, actor: str, now: datetime) -> dict[str, Any]:
        with self.store.session() as session, session.begin():
            row, survivor = self._row(session, typed), self._row(session, into)
            if row.id == survivor.id:
                raise OperationError("a ticket cannot be merged into itself")
            if survivor.status == "duplicate":
                raise OperationError(f"PA-{survivor.code} is itself a duplicate of PA-{survivor.duplicate_of}; "
                                     f"merge into that one")
            row.duplicate_of = survivor.code
            note = f"Trùng với phản ánh PA-{survivor.code}, được xử lý tại đó."
            history = self._change(row, "duplicate", note, "", actor, now, "merged")
            session.add(HistoryRow(ticket_id=survivor.id, at=now, actor=actor, action="merged_in",
                                   from_status=survivor.status, to_status=survivor.status, public_note="",
                                   detail=f"PA-{row.code} merged into this ticket"))
            # tickets merged into the duplicate before follow it to the survivor
            session.execute(update(TicketRow).where(TicketRow.duplicate_of == row.code)
                            .values(duplicate_of=survivor.code))
            session.flush()
            notice_key = f"report:{row.code}:{history.id}"
        self._tell(typed, notice_key, True)
        return self.show(typed)

    def purge(self, before: datetime, *, actor: str, now: datetime) -> int:
        """Remove the contact of closed tickets closed before ``before`` (retention); returns how many."""
        with self.store.session() as session, session.begin():
            rows = session.scalars(select(TicketRow).where(
                TicketRow.status.in_(sorted(CLOSED)), TicketRow.closed_at < before, TicketRow.contact != "")).all()
            for row in rows:
                row.contact, row.purged_at = "", now
                session.add(HistoryRow(ticket_id=row.id, at=now, actor=actor, action="purged", from_status=row.status,
                                       to_status=row.status, public_note="", detail="contact details removed"))
            return len(rows)

    def summary(self, row: TicketRow) -> dict[str, Any]:
        service = self.services.services.get(row.service_code)
        return {"code": codes.display(row.code), "status": row.status, "service_code": row.service_code,
                "service_name": service.name_vi if service else row.service_code, "agency": row.agency,
                "public_note": row.public_note, "duplicate_of": codes.display(row.duplicate_of) if row.duplicate_of
                else "", "address": row.address, "ward": row.ward, "lat": row.lat, "long": row.lon,
                "channel": row.channel, "anonymous": row.anonymous, "contact": masked(row.contact),
                "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat(),
                "due_at": row.due_at.isoformat() if row.due_at else None,
                "closed_at": row.closed_at.isoformat() if row.closed_at else None,
                "purged_at": row.purged_at.isoformat() if row.purged_at else None}

    def _row(self, session: Any, typed: str) -> TicketRow:
        code = codes.normalise(typed)
        row = session.scalars(select(TicketRow).where(TicketRow.code == code)).first() if code else None
        if row is None:
            raise OperationError(f"no ticket {typed!r}", 404)
        assert isinstance(row, TicketRow)
        return row

    def _change(self, row: TicketRow, status: str, note: str, agency: str, actor: str, now: datetime,
                action: str) -> HistoryRow:
        changed = [f"agency {row.agency!r} -> {agency!r}"] if agency and agency != row.agency else []
        entry = HistoryRow(at=now, actor=actor, action=action, from_status=row.status, to_status=status,
                           public_note=note, detail="; ".join(changed))
        row.history.append(entry)
        row.status, row.updated_at = status, now
        row.public_note = note or row.public_note
        row.agency = agency or row.agency
        row.closed_at = (row.closed_at or now) if status in CLOSED else None
        return entry

    def _tell(self, typed: str, key: str, has_note: bool) -> None:
        """The reporter hears of a change that carries a public note, on the channel they used; the ticket's
        history says what became of the notice."""
        if not has_note or self.notifier is None:
            return
        row = self.store.row(codes.normalise(typed) or typed)
        if row is None:
            return
        if row.anonymous or not row.contact:
            detail = "no notice: " + ("the report is anonymous" if row.anonymous else "no contact is kept")
        else:
            lang: Lang = "en" if row.lang == "en" else "vi"
            reply = ticket_reply(to_ticket(row), self.services, lang)
            notice = Notice(row.channel, row.contact, row.code, render_sms(reply), key, reply)
            detail = describe(deliver(self.notifier, notice), row.channel, key)
        with self.store.session() as session, session.begin():
            session.add(HistoryRow(ticket_id=row.id, at=row.updated_at, actor="system", action="notice",
                                   from_status=row.status, to_status=row.status, public_note="", detail=detail))


def _history(entry: HistoryRow) -> dict[str, Any]:
    return {"at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action,
            "from_status": entry.from_status, "to_status": entry.to_status, "public_note": entry.public_note,
            "detail": entry.detail}


_OPERATIONS: weakref.WeakKeyDictionary[SqlTicketStore, Operations] = weakref.WeakKeyDictionary()


class Service(Protocol):
    """What the operations need of the service (``app.resources.Resources``, which opens the desk and so imports
    this package: named here by what it has, not imported): its settings and its reports desk."""

    @property
    def settings(self) -> Settings: ...

    @property
    def reports(self) -> Desk: ...


def operations_of(svc: Service) -> Operations:
    """The operators' operations on this service's reports, notifying through each reporter's channel."""
    store = store_of(svc.reports)
    found = _OPERATIONS.get(store)
    if found is None:
        found = _OPERATIONS[store] = Operations(store, svc.reports.services, default_notifier(svc.settings))
    return found
