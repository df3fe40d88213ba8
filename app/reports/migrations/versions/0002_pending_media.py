"""Zalo locations and photos sent before the PA they belong to (kept 10 minutes, then attached or dropped).

Revision ID: 0002_pending_media
Revises: 0001_reports
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_pending_media"
down_revision = "0001_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_media",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_hash", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_pending_media_sender_created", "pending_media", ["sender_hash", "created_at"])


def downgrade() -> None:
    op.drop_table("pending_media")
