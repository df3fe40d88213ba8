"""Alembic environment: ``app.reports.db`` hands over an open connection (``config.attributes``), so the URL
with its password never goes through Alembic's ini parsing."""

from __future__ import annotations

from alembic import context

from app.reports.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
