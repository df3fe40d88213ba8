"""The console's ticket queue through the Flask test client: the "older than a week" filter is part of the
database query, so the list limit counts only old tickets (it used to cut the newest 300 and then drop them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from reports_kit import code_in, twilio_sms
from sqlalchemy import update
from test_console_auth import CONSOLE, signed_in

from app.console import reports_views
from app.reports.desk import store_of
from app.reports.models import TicketRow
from app.services import services


def test_old_tickets_are_found_behind_a_full_page_of_new_ones(reports_app: Callable[..., Flask],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    app = reports_app(**CONSOLE)
    monkeypatch.setattr(reports_views, "LIST_LIMIT", 2)
    old = code_in(twilio_sms(app, "PA rac thai o cho Han", sender="+84905000201"))
    new = [code_in(twilio_sms(app, f"PA den duong hong duong Hung Vuong so {n}", sender=f"+8490500030{n}"))
           for n in range(3)]
    with store_of(services(app).reports).session() as session, session.begin():
        session.execute(update(TicketRow).where(TicketRow.code == old)
                        .values(created_at=datetime.now(UTC) - timedelta(days=9)))
    client = signed_in(app, "lan", "operator")
    listed = client.get("/console/reports?age=old").get_data(as_text=True)
    assert f"PA-{old}" in listed and not any(f"PA-{code}" in listed for code in new)
    recent = client.get("/console/reports?age=7").get_data(as_text=True)
    assert f"PA-{old}" not in recent and sum(f"PA-{code}" in recent for code in new) == 2  # the limit
