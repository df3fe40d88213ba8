"""The tables of citizen reports: tickets, their history (every change: who, when, what), and attachments.

Times are stored in UTC (``UtcDateTime``: SQLite keeps no time zone, so values are made aware again on the way
out). The schema itself is created by the Alembic migrations in ``app/reports/migrations``, never by
``create_all``, so a database is always at a known revision.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime in, an aware UTC datetime out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    description: Mapped[str] = mapped_column(Text)
    service_code: Mapped[str] = mapped_column(String(64), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    public_note: Mapped[str] = mapped_column(Text, default="")
    duplicate_of: Mapped[str] = mapped_column(String(8), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    ward: Mapped[str] = mapped_column(String(100), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender_hash: Mapped[str] = mapped_column(String(40), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")  # phone or Zalo id; emptied by purge
    text_hash: Mapped[str] = mapped_column(String(40), default="")
    lang: Mapped[str] = mapped_column(String(2), default="vi")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    token: Mapped[str] = mapped_column(String(40), default="", index=True)  # Open311 token of a POST
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    history: Mapped[list[HistoryRow]] = relationship(back_populates="ticket", order_by="HistoryRow.id")
    attachments: Mapped[list[AttachmentRow]] = relationship(back_populates="ticket", order_by="AttachmentRow.id")

    __table_args__ = (Index("ix_tickets_sender_created", "sender_hash", "created_at"),)


class HistoryRow(Base):
    __tablename__ = "ticket_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))  # "resident:twilio", "operator:<name>", "open311"
    action: Mapped[str] = mapped_column(String(20))  # created, update, merged, merged_into, purged, attachment
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16), default="")
    public_note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # what else changed, in words
    ticket: Mapped[TicketRow] = relationship(back_populates="history")


class AttachmentRow(Base):
    __tablename__ = "ticket_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # photo
    source_url: Mapped[str] = mapped_column(Text, default="")  # where it came from (Zalo's link does not last)
    path: Mapped[str] = mapped_column(Text, default="")  # our copy, relative to the media folder
    content_type: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ticket: Mapped[TicketRow] = relationship(back_populates="attachments")


class PendingMediaRow(Base):
    """A Zalo location or photo sent before its PA: attached when the PA comes within 10 minutes."""

    __tablename__ = "pending_media"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_hash: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # location | photo
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_url: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_pending_media_sender_created", "sender_hash", "created_at"),)
