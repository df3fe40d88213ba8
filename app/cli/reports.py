"""``tongdai db upgrade`` and ``tongdai reports list|show|update|merge|purge``: the operators' side of citizen
reports in the terminal (the same operations as ``/api/v1/reports``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.config import ConfigError, Settings
from handlers.report_status import SETTABLE, STATUSES

if TYPE_CHECKING:
    from app.services import Services
    from lookups.store import Catalog

COMMANDS = ("db", "reports")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="the reports database: apply migrations, show the revision")
    acts = db.add_subparsers(dest="action", required=True)
    acts.add_parser("upgrade", help="apply every migration not yet applied (DATABASE_URL, else the SQLite file)")
    acts.add_parser("current", help="the database's revision and the latest one")
    reports = sub.add_parser("reports", help="citizen reports (PA tickets): list, show, update, merge, purge")
    racts = reports.add_subparsers(dest="action", required=True)
    listing = racts.add_parser("list", help="tickets, newest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--service", help="service code, e.g. giao_thong")
    listing.add_argument("--ward", help="ward name today, e.g. 'Hải Châu'")
    listing.add_argument("--since", help="filed since this date or time (Da Nang time unless an offset is given)")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    show = racts.add_parser("show", help="one ticket with its history")
    show.add_argument("code")
    change = racts.add_parser("update", help="change status, public note and/or agency; a note is sent to the "
                                             "reporter")
    change.add_argument("code")
    change.add_argument("--status", choices=[s for s in SETTABLE if s != "duplicate"])
    change.add_argument("--note", default="", help="public note: what the reporter is told")
    change.add_argument("--agency", default="")
    merge = racts.add_parser("merge", help="mark CODE a duplicate of --into; its reporter is told the other code")
    merge.add_argument("code")
    merge.add_argument("--into", required=True)
    purge = racts.add_parser("purge", help="remove contact details of tickets closed before DATE (retention)")
    purge.add_argument("--before", required=True, help="YYYY-MM-DD (Da Nang time) or an ISO 8601 time")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.reports.operations import OperationError
    from app.services import Services

    settings = Settings.from_env()
    try:
        if args.command == "db":
            return _db(args, settings)
        return _reports(args, Services(settings, catalog))
    except (ConfigError, OperationError) as exc:
        print(f"tongdai: {exc}", file=sys.stderr)
        return 2


def _actor() -> str:
    return "operator:" + (os.environ.get("USER") or "cli")


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _reports(args: argparse.Namespace, svc: Services) -> int:
    from app.reports.operations import Filters, operations_of
    from app.reports.operators import aware

    ops, now = operations_of(svc), datetime.now(UTC)
    if args.action == "list":
        since = aware(args.since, "--since") if args.since else None
        tickets = ops.list(Filters(args.status or "", args.service or "", args.ward or "", since, args.limit))
        for t in tickets:
            print(json.dumps(t, ensure_ascii=False) if args.json else
                  f"{t['code']:<9} {t['status']:<11} {t['service_code']:<11} {t['created_at'][:16]}  "
                  f"{t['address'] or '-'}  [{t['agency']}]")
        if not args.json:
            print(f"{len(tickets)} ticket(s)")
        return 0
    if args.action == "show":
        _print(ops.show(args.code))
    elif args.action == "update":
        _print(ops.update(args.code, status=args.status or "", note=args.note, agency=args.agency, actor=_actor(),
                          now=now))
    elif args.action == "merge":
        _print(ops.merge(args.code, args.into, actor=_actor(), now=now))
    else:
        print(f"contact details removed from {ops.purge(aware(args.before, '--before'), actor=_actor(), now=now)} "
              f"closed ticket(s)")
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from app.reports.db import current, database_url, head, make_engine, upgrade, where

    engine = make_engine(database_url(settings))
    try:
        before = current(engine)
        if args.action == "current":
            print(f"{where(engine)}: revision {before or 'none'} (latest {head()})")
            return 0
        upgrade(engine)
        print(f"{where(engine)}: revision {before or 'none'} -> {current(engine)}")
        return 0
    finally:
        engine.dispose()
