"""Citizen reports: tickets, their history and attachments.

Revision ID: 0001_reports
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_reports"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("service_code", sa.String(64), nullable=False, index=True),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("public_note", sa.Text, nullable=False),
        sa.Column("duplicate_of", sa.String(8), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("ward", sa.String(100), nullable=False, index=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender_hash", sa.String(40), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("text_hash", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("token", sa.String(40), nullable=False, index=True),
        sa.Column("created_at", WHEN, nullable=False, index=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("purged_at", WHEN, nullable=True),
    )
    op.create_index("ix_tickets_sender_created", "tickets", ["sender_hash", "created_at"])
    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("public_note", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ticket_attachments")
    op.drop_table("ticket_history")
    op.drop_table("tickets")
