"""One message through the state store: de-duplication, rate and loop limits, the conversation (numbered
choices), the result cache and the day's statistics, around the lookup engine.

Every read a message needs goes to the store as one batch before the answer, and every write as one batch
after it: two round trips to Redis on a cache hit or a miss alike. When the store cannot be reached the batch
comes back ``None`` and the message is answered as a stateless channel would answer it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app import conversation
from app.conversation import CONVERSATION_TTL, LANG_TTL
from app.guard import limit_ops, uncount, verdict
from app.message import InboundMessage
from app.outbound.consent import CHANNELS as CONSENT_CHANNELS
from app.outbound.consent import record
from app.resources import Resources
from app.state.store import Batch, Op
from app.stats import day_of, stat_ops
from handlers.choice import Choice, choice_of, offers
from handlers.dispatch import Parsed, cache_key, handle, handle_parsed, parse
from handlers.i18n import t
from handlers.optout import Consent, consent_of, started, stopped
from handlers.render import render_json, reply_from_json
from handlers.reply import Lang, Reply
from handlers.reports.context import current

log = logging.getLogger(__name__)
DEDUP_TTL = 86400
CLAIM_TTL = 30  # a claim whose reply never came (the process died) lets a retry be answered after this long
PENDING, SILENT = "~", "-"  # a claimed message id whose reply is being built; one that got no reply
WAIT_FOR_FIRST = 2.0  # seconds a retried delivery waits for the first one's reply before giving up


@dataclass(frozen=True)
class Answer:
    reply: Reply | None  # None: nothing is said to the sender
    text: str | None  # the rendering, when a renderer was given (None: nothing is said)
    outcome: str = "answered"  # or duplicate, limited (the one "please wait"), dropped, loop


def run(svc: Resources, msg: InboundMessage, now: datetime, who: str, *, render: Callable[[Reply], str] | None = None,
        guard: bool = False, fixed: Reply | None = None) -> Answer:
    """Answer ``msg`` from ``who`` (``app.guard.sender_hash``, "" without a sender); with ``guard``, de-duplicate its
    message id and apply the sender's limits first."""
    settings = svc.settings
    tag = f"{msg.channel}:{who}"
    consent = consent_of(msg.text) if who and fixed is None and msg.channel in CONSENT_CHANNELS else None
    choice = choice_of(msg.text) if who and fixed is None and consent is None else None
    try:
        parsed: Parsed | None = parse(msg.text, svc.catalog)
        cached = settings.TONGDAI_CACHE_TTL > 0 and not choice and not fixed and not consent
        key = cache_key(parsed, svc.catalog) if parsed and cached else None
    except Exception:  # the answer below reports it; a broken index must not break the state handling
        parsed, key = None, None
    # "BUS 05" is answered in the language the sender last used: read it with the cached answers in both.
    follows = bool(parsed and parsed.follows_sender and who and not choice and not fixed)
    pre = Batch()
    if guard and msg.message_id:
        pre.add("seen", Op("get", f"dedup:{msg.channel}:{msg.message_id}"))
        pre.add("claim", Op("setnx", f"dedup:{msg.channel}:{msg.message_id}", PENDING, CLAIM_TTL))
    counting = limit_ops(settings, msg, now, who) if guard else []
    for name, op in counting:
        pre.add(name, op)
    if choice or (who and parsed and parsed.command is None and parsed.argument and consent is None and not fixed):
        pre.add("conv", Op("get", f"conv:{tag}"))  # a list on offer, or a question about a report's place
    if choice or consent or follows:
        pre.add("lang", Op("get", f"lang:{tag}"))
    english = cache_key(replace(parsed, lang="en"), svc.catalog) if follows and key and parsed else None
    if key:
        pre.add("cache", Op("get", f"cache:{key}"))
    if english:
        pre.add("cache_en", Op("get", f"cache:{english}"))
    got = pre.run(svc.state)
    state = got is not None
    got = got or {}
    if follows and parsed and got.get("lang") == "en":
        parsed, key = replace(parsed, lang="en"), english
        got["cache"] = got.get("cache_en")
    if "claim" in got and not got["claim"]:
        taken_back = uncount(counting, got)  # a replay under another sender must not count against that one
        if taken_back:
            svc.state.execute(taken_back)
        return _duplicate(svc, msg, got["seen"])
    post = Batch()
    limited = verdict(svc, msg, got, parsed.lang if parsed else "vi", who)
    reply: Reply | None = None
    if isinstance(limited, str):
        outcome = limited
    else:
        reply, outcome = limited or fixed, "limited" if limited else "answered"
    if reply is None and outcome == "answered" and consent:
        reply = _consent(svc, msg, consent, got.get("lang"))
        outcome = "answered" if reply else "repeat"
    elif reply is None and outcome == "answered":
        reply = _answer(svc, msg, now, parsed, key, choice, got, post, tag if who and state else "")
    text: str | None = render(reply) if render and reply else None
    if guard and msg.message_id:  # what a retry of this message id will be answered with, for a day
        post.add("dedup", Op("set", f"dedup:{msg.channel}:{msg.message_id}",
                             SILENT if reply is None else "=" + (text or ""), DEDUP_TTL))
    for n, op in enumerate(stat_ops(settings, day_of(now), msg.channel, reply, outcome, who, parsed)):
        post.add(f"stat{n}", op)
    if state:
        post.run(svc.state)
    return Answer(reply, text, outcome)


def _consent(svc: Resources, msg: InboundMessage, found: tuple[Consent, Lang], stored: str | None) -> Reply | None:
    """Record an opt-out or opt-in durably (``app.outbound.consent``) and acknowledge it in the sender's language: the
    word's, or the one of their last lookups. A STOP from a sender already opted out is not acknowledged again
    (None: nothing is said), so that two machines cannot bounce opt-outs back and forth."""
    action, lang = found
    lang = "en" if stored == "en" else "vi" if stored == "vi" else lang
    changed = record(svc.consent, svc.settings.sender_salt, msg.channel, msg.sender, action == "stop", "keyword")
    if changed is None:  # not recorded: say so, so that the resident sends it again
        return Reply("none", "error", lang, t("error", lang))
    log.info("%s sender: %s (%s)", msg.channel, action, "recorded" if changed else "unchanged")
    if action == "start":
        return started(lang)
    return stopped(lang) if changed else None


def _duplicate(svc: Resources, msg: InboundMessage, seen: str | None) -> Answer:
    """A delivery of a message id already answered: the same reply again, and no second lookup."""
    svc.metrics.duplicates.labels(msg.channel).inc()
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while (seen is None or seen == PENDING) and time.monotonic() < deadline:  # the first copy is in progress
        time.sleep(0.05)
        found = svc.state.execute([Op("get", f"dedup:{msg.channel}:{msg.message_id}")])
        seen = found[0] if found else None
    log.info("%s message %s delivered again: answered as the first time", msg.channel, msg.message_id)
    if seen is None or not seen.startswith("="):
        return Answer(None, None, "duplicate")
    return Answer(None, seen[1:], "duplicate")


def _answer(svc: Resources, msg: InboundMessage, now: datetime, parsed: Parsed | None, key: str | None,
            choice: Choice | None, got: dict[str, Any], post: Batch, tag: str) -> Reply:
    """The reply itself: an answer to the list on offer, or a lookup of ``parsed`` (from the cache when it has it;
    None when parsing failed, which ``handle`` then reports). ``tag`` is empty when there is no conversation to
    keep (no sender, or the store is down)."""
    if choice:
        return conversation.choose(svc, msg, now, choice, got, post, tag)
    stored = got.get("conv")
    placed = conversation.placed(msg, now, stored, post, tag) if isinstance(stored, str) and tag else None
    if placed is not None:
        return placed
    catalog = svc.catalog
    if key and got.get("cache"):
        svc.metrics.cache.labels("hit").inc()
        reply = reply_from_json(json.loads(got["cache"]))
    else:
        # Parsed once, for the cache key: in the sender's language already when the message follows it (``run``).
        reply = handle_parsed(parsed, catalog, now) if parsed else handle(msg.text, catalog, now)
        if key:
            svc.metrics.cache.labels("miss").inc()
            if reply.status != "error":
                value = json.dumps(render_json(reply), ensure_ascii=False, separators=(",", ":"))
                post.add("cache", Op("set", f"cache:{key}", value, svc.settings.TONGDAI_CACHE_TTL))
    if not tag:
        return reply
    if offers(reply):
        return conversation.offer(reply, post, tag)
    reporter = current()
    if reporter is not None and reporter.asked_place:  # "Ở đâu?": the next message is the place of that ticket
        question = {"place": reporter.asked_place[-1], "lang": reply.lang}
        post.add("conv", Op("set", f"conv:{tag}", json.dumps(question), CONVERSATION_TTL))
    else:
        post.add("conv", Op("delete", f"conv:{tag}"))  # a new message that is not an answer to the list starts over
    post.add("lang", Op("set", f"lang:{tag}", reply.lang, LANG_TTL))
    return reply
