"""``tongdai stats [--day YYYY-MM-DD] [--json]``: the day's query statistics from the state store (Redis), the
same figures as ``GET /api/v1/stats``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from app.config import Settings

if TYPE_CHECKING:
    from lookups.store import Catalog

COMMANDS = ("stats",)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give the day as YYYY-MM-DD") from None


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = sub.add_parser("stats", help="messages per channel, intent and status, and unmatched queries, per day")
    stats.add_argument("--day", type=_day, help="the day (Da Nang time), YYYY-MM-DD; default today")
    stats.add_argument("--top", type=int, default=10, help="unmatched queries shown per dataset (default 10)")
    stats.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.outbound.consent import open_consent, opted_out
    from app.state import open_store
    from app.stats import day_of, read_stats

    settings = Settings.from_env()
    # The stores report an outage in the words a long-running service needs; this command says it once, below.
    loud = getattr(args, "verbose", False)
    quiet = [] if loud else [logging.getLogger(name) for name in ("app.state.redis", "app.outbound.consent")]
    for logger in quiet:
        logger.disabled = True
    try:
        optouts = opted_out(open_consent(settings))  # durable in every set-up (app.outbound.consent)
        if not settings.REDIS_URL:
            print("\n".join(optout_lines(optouts)))
            print("tongdai stats: REDIS_URL is not set; without Redis each process keeps its own statistics "
                  "(ask the running service: GET /api/v1/stats)", file=sys.stderr)
            return 2
        store = open_store(settings)
        try:
            day = args.day or date.fromisoformat(day_of(datetime.now(UTC)))
            found = read_stats(store, day, top=args.top)
        finally:
            store.close()
    finally:
        for logger in quiet:
            logger.disabled = False
    if found is None:
        print(f"tongdai stats: Redis at {getattr(store, 'url', '?')} cannot be reached", file=sys.stderr)
        return 1
    found["opted_out"] = optouts
    print(json.dumps(found, ensure_ascii=False, indent=2) if args.json else "\n".join(table(found)))
    return 0


def table(found: dict[str, Any]) -> list[str]:
    lines = [f"{found['day']}: {found['messages']} messages from about {found['senders']} senders"]
    if found["counts"]:
        lines += ["", f"{'channel':<10} {'intent':<10} {'status':<14} {'count':>7}"]
        lines += [f"{r['channel']:<10} {r['intent']:<10} {r['status']:<14} {r['count']:>7}" for r in found["counts"]]
    for dataset, rows in found["unmatched"].items():
        if rows:
            lines += ["", f"not found in {dataset}:"]
            lines += [f"{r['count']:>7}  {r['query']}" for r in rows]
    return [*lines, "", *optout_lines(found.get("opted_out"))]


def optout_lines(counts: dict[str, int] | None) -> list[str]:
    """Who has opted out of notices, now (not per day)."""
    if counts is None:
        return ["opted out of notices: unknown (the opt-out store cannot be read)"]
    listed = ", ".join(f"{channel} {n}" for channel, n in sorted(counts.items())) or "nobody"
    return [f"opted out of notices: {listed}"]
