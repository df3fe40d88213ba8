"""``tongdai db upgrade`` and ``tongdai reports list|show|update|merge|purge``: the operators' side of citizen
reports in the terminal (the same operations as ``/api/v1/reports``)."""

from __future__ import annotations

import argparse
import sys

from app.config import ConfigError, Settings
from app.reports.db import current, database_url, head, make_engine, upgrade, where
from lookups.store import Catalog

COMMANDS = ("db", "reports")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="the reports database: apply migrations, show the revision")
    acts = db.add_subparsers(dest="action", required=True)
    acts.add_parser("upgrade", help="apply every migration not yet applied (DATABASE_URL, else the SQLite file)")
    acts.add_parser("current", help="the database's revision and the latest one")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    settings = Settings.from_env()
    try:
        if args.command == "db":
            return _db(args, settings)
    except ConfigError as exc:
        print(f"tongdai: {exc}", file=sys.stderr)
        return 2
    return 2


def _db(args: argparse.Namespace, settings: Settings) -> int:
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
