"""Query statistics in the state store, per day (Da Nang time): messages by channel, intent and status, distinct
senders (a HyperLogLog of salted hashes), and the queries that found nothing, per dataset, as sorted sets of
their folded text. Written in the same batch as the rest of a message's state; read by ``tongdai stats`` and
``GET /api/v1/stats``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.config import Settings
from app.state.store import Op, StateStore
from handlers.dispatch import Parsed
from handlers.reply import Reply
from lookups.clock import VIETNAM
from lookups.text import fold

QUERY_TEXT = 100  # characters of an unmatched query kept: enough to read what was asked
TOP = 20


def day_of(now: datetime) -> str:
    return now.astimezone(VIETNAM).date().isoformat()


def stat_ops(settings: Settings, day: str, channel: str, reply: Reply | None, outcome: str, who: str,
             parsed: Parsed | None) -> list[Op]:
    """The writes that count one message (a rate-limited or looping one under intent ``guard``)."""
    ttl = settings.TONGDAI_STATS_DAYS * 86400
    intent, status = (reply.intent, reply.status) if reply and outcome == "answered" else ("guard", outcome)
    ops = [Op("hincr", f"stats:{day}:counts", f"{channel}|{intent}|{status}", ttl)]
    if who:
        ops.append(Op("pfadd", f"stats:{day}:senders", who, ttl))
    dataset = parsed.command.dataset if parsed and parsed.command is not None else ""
    if status == "not_found" and dataset and parsed:
        query = fold(parsed.argument)[:QUERY_TEXT]
        if query:
            # The datasets with unmatched queries that day, so the reader need not know the list of datasets.
            ops.append(Op("hincr", f"stats:{day}:unmatched", dataset, ttl))
            ops.append(Op("zincr", f"stats:{day}:unmatched:{dataset}", query, ttl))
    return ops


def read_stats(store: StateStore, day: date, top: int = TOP) -> dict[str, Any] | None:
    """The day's statistics as JSON-ready data, or None when the store cannot be reached."""
    name = day.isoformat()
    first = store.execute([Op("hgetall", f"stats:{name}:unmatched")])
    if first is None:
        return None
    unmatched = sorted(first[0])
    ops = [Op("hgetall", f"stats:{name}:counts"), Op("pfcount", f"stats:{name}:senders")]
    ops += [Op("ztop", f"stats:{name}:unmatched:{dataset}", count=top) for dataset in unmatched]
    got = store.execute(ops)
    if got is None:
        return None
    counts: dict[str, int] = got[0]
    rows = []
    totals: dict[str, dict[str, int]] = {"channel": {}, "intent": {}, "status": {}}
    for key, count in sorted(counts.items()):
        channel, intent, status = (key.split("|") + ["", ""])[:3]
        rows.append({"channel": channel, "intent": intent, "status": status, "count": count})
        for label, value in (("channel", channel), ("intent", intent), ("status", status)):
            totals[label][value] = totals[label].get(value, 0) + count
    return {
        "day": name, "store": store.backend, "messages": sum(counts.values()), "senders": got[1],
        "by_channel": totals["channel"], "by_intent": totals["intent"], "by_status": totals["status"],
        "counts": rows,
        "unmatched": {dataset: [{"query": query, "count": int(score)} for query, score in got[2 + i]]
                      for i, dataset in enumerate(unmatched)},
    }
