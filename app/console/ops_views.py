"""``/console/traffic``, ``/console/unmatched``, ``/console/failed`` and ``/console/health``."""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import text
from werkzeug.wrappers import Response

from app.console import failed_source
from app.console.i18n import translate
from app.console.svg import bars, columns
from app.console.web import accounts, audit, blueprint, lang, requires
from app.health import redis_state
from app.reports.db import current, head, where
from app.reports.desk import store_of
from app.services import services
from app.stats import read_stats
from lookups.clock import VIETNAM

HEARTBEATS = "console-workers"
HEARTBEAT_EVERY, HEARTBEAT_STALE = 10.0, 120.0


def _days(count: int) -> list[date]:
    today = datetime.now(UTC).astimezone(VIETNAM).date()
    return [today - timedelta(days=n) for n in range(count - 1, -1, -1)]


def _not_found_rate(day: dict[str, Any]) -> float:
    return day["by_status"].get("not_found", 0) / day["messages"] if day["messages"] else 0.0


@blueprint.get("/traffic")
def traffic() -> str:
    store = services().state
    days = [(d, read_stats(store, d)) for d in _days(30)]
    if any(stats is None for _, stats in days):
        return render_template("console/traffic.html", unavailable=True)
    month = [(d.isoformat(), stats) for d, stats in days if stats is not None]
    today = month[-1][1]
    charts = {
        "channel": bars(sorted(today["by_channel"].items(), key=lambda kv: -kv[1]), translate("By channel", lang())),
        "intent": bars(sorted(today["by_intent"].items(), key=lambda kv: -kv[1])[:12], translate("By keyword", lang())),
        "status": bars(sorted(today["by_status"].items(), key=lambda kv: -kv[1]), translate("By decision", lang())),
        "month": columns([(d, s["messages"]) for d, s in month], translate("Messages per day", lang()),
                         overlay=[_not_found_rate(s) for _, s in month]),
    }
    total = sum(s["messages"] for _, s in month)
    missed = sum(s["by_status"].get("not_found", 0) for _, s in month)
    return render_template("console/traffic.html", unavailable=False, today=today, charts=charts,
                           rate=_not_found_rate(today), month_total=total,
                           month_rate=missed / total if total else 0.0,
                           month_senders=max((s["senders"] for _, s in month), default=0))


@blueprint.get("/unmatched")
def unmatched() -> str:
    period = request.args.get("days", "7")
    count = {"1": 1, "7": 7, "30": 30}.get(period, 7)
    merged: dict[str, dict[str, int]] = {}
    available = True
    for day in _days(count):
        stats = read_stats(services().state, day, top=50)
        if stats is None:
            available = False
            break
        for dataset, rows in stats["unmatched"].items():
            into = merged.setdefault(dataset, {})
            for row in rows:
                into[row["query"]] = into.get(row["query"], 0) + row["count"]
    found = {dataset: sorted(queries.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
             for dataset, queries in sorted(merged.items())}
    return render_template("console/unmatched.html", found=found, days=str(count), available=available)


@blueprint.get("/failed")
def failed() -> str:
    return render_template("console/failed.html", letters=failed_source.letters())


@blueprint.post("/failed/resend")
@requires("operator")
def resend() -> Response:
    which = request.form.get("id", "")
    ids = None if which == "all" else [int(which)] if which.isdigit() else []
    results = failed_source.resend(ids) if ids != [] else []
    for letter_id, sent, outcome in results:
        audit("deadletter.resend", f"letter:{letter_id}", outcome)
        flash(f"{letter_id}: {'OK' if sent else 'FAILED'} {outcome}")
    if not results:
        flash(translate("No dead letters.", lang()))
    return redirect(url_for("console.failed"))


def beat() -> None:
    """This process's loaded data versions, written now and then beside the others' (the state directory is
    shared by every web and worker process), so the health page can show each one."""
    svc = services()
    folder = svc.settings.state_dir / HEARTBEATS
    me = folder / f"{socket.gethostname()}-{os.getpid()}.json"
    try:
        if me.exists() and time.time() - me.stat().st_mtime < HEARTBEAT_EVERY:
            return
        folder.mkdir(parents=True, exist_ok=True)
        temp = me.with_suffix(".tmp")
        temp.write_text(json.dumps({"process": me.stem, "versions": svc.catalog.versions(), "at": time.time()}))
        temp.replace(me)
    except OSError:
        pass  # a read-only state directory costs the health page one line, not a request


@blueprint.before_app_request
def heartbeat() -> None:
    beat()


def _workers(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            seen = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if time.time() - seen.get("at", 0) < HEARTBEAT_STALE:
            seen["ago"] = int(time.time() - seen["at"])
            found.append(seen)
    return found


@blueprint.get("/health")
def health() -> str:
    svc = services()
    try:
        engine = store_of(svc.reports).engine
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        at, latest = current(engine), head()
        database = {"ok": at == latest, "where": where(engine), "revision": at, "head": latest}
    except Exception as exc:  # noqa: BLE001 (the page reports any failure of the database as it is)
        database = {"ok": False, "where": "-", "revision": str(exc)[:200], "head": ""}
    try:
        box: dict[str, Any] = {"ok": True, **failed_source.depth()}
    except Exception as exc:  # noqa: BLE001
        box = {"ok": False, "error": str(exc)[:200]}
    beat()
    return render_template("console/health.html", redis=redis_state(), database=database, outbox=box,
                           workers=_workers(svc.settings.state_dir / HEARTBEATS),
                           audit=accounts().recent(30))
