"""``TicketStore`` on SQLAlchemy: what the PA/TT keywords and Open311 read and write."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Select, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.reports.media_types import Media
from app.reports.models import AttachmentRow, HistoryRow, PendingMediaRow, TicketRow
from handlers.reports import codes
from handlers.reports.store import Filed, NewTicket, Place, Status, Ticket

log = logging.getLogger(__name__)
MEDIA_WINDOW = timedelta(minutes=10)  # a Zalo location or photo belongs to a PA sent this close to it
CODE_TRIES = 8  # fresh codes tried before one more character is used (a nearly full space of 4 characters)


def to_ticket(row: TicketRow, media_base: str = "") -> Ticket:
    return Ticket(
        code=row.code, description=row.description, service_code=row.service_code, agency=row.agency,
        status=_status(row.status), public_note=row.public_note, duplicate_of=row.duplicate_of,
        place=Place(row.street, row.ward, row.address, row.lat, row.lon), channel=row.channel,
        anonymous=row.anonymous, created_at=row.created_at, updated_at=row.updated_at, due_at=row.due_at,
        closed_at=row.closed_at, lang=row.lang,
        media_urls=tuple(f"{media_base}/{a.path}" if a.path else a.source_url for a in row.attachments))


def _latest_ids(sender_hash: str, within: int) -> Select[Any]:
    """The ids of the sender's latest ``within`` tickets (those a resident may still give a place)."""
    return (select(TicketRow.id).where(TicketRow.sender_hash == sender_hash)
            .order_by(TicketRow.created_at.desc(), TicketRow.id.desc()).limit(within))


def _status(value: str) -> Status:
    for status in ("received", "in_progress", "resolved", "duplicate", "rejected"):
        if value == status:
            return status
    raise ValueError(f"unknown ticket status {value!r}")


class SqlTicketStore:
    def __init__(self, engine: Engine, media_base: str = "", copy: Callable[[str], Media] | None = None) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.media_base = media_base  # the URL prefix attachments are served under, for media_urls
        self.copy = copy  # our copy of a photo at a link (``app.reports.photos.copy_photo``); None: links only

    def session(self) -> Session:
        return self.sessions()

    def create(self, ticket: NewTicket, now: datetime) -> Ticket:
        # Core inserts, not the ORM's unit of work: a ticket is filed on every PA, and this is a third of the CPU.
        place = ticket.place
        actor = "open311" if ticket.channel == "open311" else f"resident:{ticket.channel}"
        for attempt in range(CODE_TRIES * 2):
            code = codes.new_code(codes.BODY if attempt < CODE_TRIES else codes.BODY + 1)
            try:
                with self.engine.begin() as conn:
                    ticket_id = conn.execute(insert(TicketRow).values(
                        code=code, description=ticket.description, service_code=ticket.service_code,
                        agency=ticket.agency, status="received", public_note="", duplicate_of="", street=place.street,
                        ward=place.ward, address=place.address, lat=place.lat, lon=place.lon, channel=ticket.channel,
                        sender_hash=ticket.sender_hash, contact=ticket.contact, text_hash=ticket.text_hash,
                        lang=ticket.lang, anonymous=ticket.anonymous, token=ticket.token, created_at=now,
                        updated_at=now, due_at=ticket.due_at).returning(TicketRow.id)).scalar_one()
                    conn.execute(insert(HistoryRow).values(
                        ticket_id=ticket_id, at=now, actor=actor, action="created", from_status="",
                        to_status="received", public_note="",
                        detail=f"service {ticket.service_code}, agency {ticket.agency}"))
                    if ticket.media_url:  # given by an Open311 client: kept as its link
                        conn.execute(insert(AttachmentRow).values(ticket_id=ticket_id, kind="photo",
                                                                  source_url=ticket.media_url, path="",
                                                                  content_type="", created_at=now))
                    # locations and photos arrive by Zalo only: other channels need not look for them
                    zalo = ticket.channel == "zalo" and ticket.sender_hash
                    waiting = self._pending(conn, ticket.sender_hash, now) if zalo else []
                    place, urls = self._apply(conn, ticket_id, place, waiting, now, "resident:zalo")
            except IntegrityError:
                log.info("ticket code %s taken; drawing another", code)
                continue
            if any(m.kind == "photo" and not m.path for m in waiting):
                urls = self._copy_waiting(ticket_id, waiting, urls)
            urls = ((ticket.media_url,) if ticket.media_url else ()) + urls
            return Ticket(code, ticket.description, ticket.service_code, ticket.agency, "received", "", "", place,
                          ticket.channel, ticket.anonymous, now, now, ticket.due_at, None, ticket.lang, urls)
        raise RuntimeError("no free ticket code after repeated draws")

    def _copy_waiting(self, ticket_id: int, waiting: list[Media], urls: tuple[str, ...]) -> tuple[str, ...]:
        """Copy the photos that waited for this PA (their links were kept, not fetched: most photos sent to the OA
        are not reports), outside the ticket's transaction; a photo that cannot be copied keeps its link."""
        if self.copy is None:
            return urls
        copied: dict[str, str] = {}
        for item in waiting:
            if item.kind != "photo" or item.path or item.source_url in copied:
                continue
            try:
                media = self.copy(item.source_url)
                if not media.path:
                    continue
                with self.engine.begin() as conn:
                    conn.execute(update(AttachmentRow).where(AttachmentRow.ticket_id == ticket_id,
                                                             AttachmentRow.source_url == item.source_url,
                                                             AttachmentRow.path == "")
                                 .values(path=media.path, content_type=media.content_type))
            except Exception:  # the ticket is filed: a failed copy must not fail the PA's answer
                log.exception("photo %s of ticket %d not copied; its link is kept", item.source_url[:80], ticket_id)
                continue
            copied[item.source_url] = f"{self.media_base}/{media.path}"
        return tuple(copied.get(url, url) for url in urls)

    def attach(self, sender_hash: str, media: list[Media], now: datetime, window: timedelta) -> str | None:
        """Attach ``media`` to the sender's latest ticket filed within ``window`` and return its code; without one,
        keep the media for the sender's next PA (``create`` takes what is younger than ``window``)."""
        with self.engine.begin() as conn:
            found = conn.execute(select(TicketRow.id, TicketRow.code, TicketRow.street, TicketRow.ward,
                                        TicketRow.address, TicketRow.lat, TicketRow.lon)
                                 .where(TicketRow.sender_hash == sender_hash, TicketRow.created_at >= now - window)
                                 .order_by(TicketRow.created_at.desc()).limit(1)).first()
            if found is None:
                for item in media:
                    conn.execute(insert(PendingMediaRow).values(
                        sender_hash=sender_hash, kind=item.kind, lat=item.lat, lon=item.lon,
                        source_url=item.source_url, path=item.path, content_type=item.content_type, created_at=now))
                conn.execute(delete(PendingMediaRow).where(PendingMediaRow.created_at < now - window))
                return None
            place = Place(found.street, found.ward, found.address, found.lat, found.lon)
            self._apply(conn, found.id, place, media, now, "resident:zalo")
            return str(found.code)

    def set_place(self, code: str, sender_hash: str, place: Place, now: datetime, within: int) -> bool:
        with self.engine.begin() as conn:
            found = conn.execute(update(TicketRow).where(TicketRow.code == code,
                                                         TicketRow.id.in_(_latest_ids(sender_hash, within)))
                                 .values(street=place.street, ward=place.ward, address=place.address, updated_at=now)
                                 .returning(TicketRow.id)).scalar()
            if found is None:
                return False
            conn.execute(insert(HistoryRow).values(ticket_id=found, at=now, actor="resident", action="place",
                                                   from_status="", to_status="", public_note="",
                                                   detail=f"place {place.address}"))
        return True

    def owns(self, code: str, sender_hash: str, within: int) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(TicketRow.id).where(TicketRow.code == code,
                                                           TicketRow.id.in_(_latest_ids(sender_hash, within)))
                                ).first() is not None

    def latest_code(self, sender_hash: str, since: datetime) -> str | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(TicketRow.code).where(TicketRow.sender_hash == sender_hash,
                                                              TicketRow.created_at >= since)
                                 .order_by(TicketRow.created_at.desc()).limit(1)).scalar()
            return str(found) if found else None

    def _pending(self, conn: Connection, sender_hash: str, now: datetime) -> list[Media]:
        rows = conn.execute(select(PendingMediaRow).where(PendingMediaRow.sender_hash == sender_hash,
                                                          PendingMediaRow.created_at >= now - MEDIA_WINDOW)
                            .order_by(PendingMediaRow.id)).all()
        if rows:
            conn.execute(delete(PendingMediaRow).where(PendingMediaRow.sender_hash == sender_hash))
        return [Media(r.kind, r.lat, r.lon, r.source_url, r.path, r.content_type) for r in rows]

    def _apply(self, conn: Connection, ticket_id: int, place: Place, media: list[Media], now: datetime,
               actor: str) -> tuple[Place, tuple[str, ...]]:
        """Store ``media`` on a ticket: the last location sets its coordinates, each photo is an attachment."""
        urls: list[str] = []
        for item in media:
            if item.kind == "location" and item.lat is not None and item.lon is not None:
                place = replace(place, lat=item.lat, lon=item.lon)
                conn.execute(update(TicketRow).where(TicketRow.id == ticket_id).values(lat=item.lat, lon=item.lon))
                detail = f"location {item.lat:.6f}, {item.lon:.6f}"
            elif item.kind == "photo":
                conn.execute(insert(AttachmentRow).values(ticket_id=ticket_id, kind="photo", source_url=item.source_url,
                                                          path=item.path, content_type=item.content_type,
                                                          created_at=now))
                urls.append(f"{self.media_base}/{item.path}" if item.path else item.source_url)
                detail = f"photo {item.path or item.source_url[:80]}"
            else:
                continue
            conn.execute(insert(HistoryRow).values(ticket_id=ticket_id, at=now, actor=actor, action="attachment",
                                                   from_status="", to_status="", public_note="", detail=detail))
        return place, tuple(urls)

    def recent(self, sender_hash: str, since: datetime, limit: int) -> list[Filed]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(TicketRow.code, TicketRow.text_hash, TicketRow.created_at)
                                .where(TicketRow.sender_hash == sender_hash, TicketRow.created_at >= since)
                                .order_by(TicketRow.created_at.desc()).limit(limit))
            return [Filed(code, text_hash, created_at) for code, text_hash, created_at in rows]

    def get(self, code: str) -> Ticket | None:
        row = self.row(code)
        return to_ticket(row, self.media_base) if row else None

    def row(self, code: str) -> TicketRow | None:
        with self.session() as session:
            return session.scalars(select(TicketRow).options(selectinload(TicketRow.attachments))
                                   .where(TicketRow.code == code.upper())).first()

    def existing(self, codes_: set[str]) -> set[str]:
        if not codes_:
            return set()
        with self.session() as session:
            return set(session.scalars(select(TicketRow.code).where(TicketRow.code.in_(sorted(codes_)))))

    def latest(self, sender_hash: str, limit: int) -> list[Ticket]:
        with self.session() as session:
            rows = session.scalars(select(TicketRow).options(selectinload(TicketRow.attachments))
                                   .where(TicketRow.sender_hash == sender_hash)
                                   .order_by(TicketRow.created_at.desc(), TicketRow.id.desc()).limit(limit))
            return [to_ticket(row, self.media_base) for row in rows]
