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
from typing import TYPE_CHECKING, Any

from app.channels.base import InboundMessage
from app.consent import CHANNELS as CONSENT_CHANNELS
from app.consent import consent_key
from app.guard import limit_ops, sender_hash, uncount, verdict
from app.state import Op
from app.stats import day_of, stat_ops
from handlers.choice import Choice, Listing, cancelled, choice_of, expired, next_page, numbered, offers, out_of_range
from handlers.dispatch import Parsed, cache_key, handle, parse, respond
from handlers.i18n import t
from handlers.optout import Consent, consent_of, started, stopped
from handlers.render import render_json, reply_from_json
from handlers.reply import Lang, Reply
from handlers.reports.context import current
from handlers.reports.keywords import place_answer

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger(__name__)
DEDUP_TTL, CONVERSATION_TTL, LANG_TTL = 86400, 420, 86400
CLAIM_TTL = 30  # a claim whose reply never came (the process died) lets a retry be answered after this long
PENDING, SILENT = "~", "-"  # a claimed message id whose reply is being built; one that got no reply
WAIT_FOR_FIRST = 2.0  # seconds a retried delivery waits for the first one's reply before giving up


@dataclass(frozen=True)
class Answer:
    reply: Reply | None  # None: nothing is said to the sender
    text: str | None  # the rendering, when a renderer was given (None: nothing is said)
    outcome: str = "answered"  # or duplicate, limited (the one "please wait"), dropped, loop


class Batch:
    """Ops with names, so results are read by name."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self._at: dict[str, int] = {}

    def add(self, name: str, op: Op) -> None:
        self._at[name] = len(self.ops)
        self.ops.append(op)

    def run(self, svc: Services) -> dict[str, Any] | None:
        results = svc.state.execute(self.ops) if self.ops else ([] if svc.state.available else None)
        return None if results is None else {name: results[at] for name, at in self._at.items()}


def run(svc: Services, msg: InboundMessage, now: datetime, *, render: Callable[[Reply], str] | None = None,
        guard: bool = False, fixed: Reply | None = None) -> Answer:
    """Answer ``msg``; with ``guard``, de-duplicate its message id and apply the sender's limits first."""
    settings = svc.settings
    who = sender_hash(settings.sender_salt, msg.channel, msg.sender) if msg.sender else ""
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
    got = pre.run(svc)
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
        post.run(svc)
    return Answer(reply, text, outcome)


def _consent(svc: Services, msg: InboundMessage, found: tuple[Consent, Lang], stored: str | None) -> Reply | None:
    """Record an opt-out or opt-in durably (``app.consent``) and acknowledge it in the sender's language: the
    word's, or the one of their last lookups. A STOP from a sender already opted out is not acknowledged again
    (None: nothing is said), so that two machines cannot bounce opt-outs back and forth."""
    action, lang = found
    lang = "en" if stored == "en" else "vi" if stored == "vi" else lang
    who = consent_key(svc.settings.sender_salt, msg.channel, msg.sender)
    try:
        changed = svc.consent.set_out(msg.channel, who, action == "stop", "keyword")
    except Exception:  # not recorded: say so, so that the resident sends it again
        log.exception("could not record %s from %s sender %s", action, msg.channel, who[:8])
        return Reply("none", "error", lang, t("error", lang))
    log.info("%s sender %s: %s (%s)", msg.channel, who[:8], action, "recorded" if changed else "unchanged")
    if action == "start":
        return started(lang)
    return stopped(lang) if changed else None


def _duplicate(svc: Services, msg: InboundMessage, seen: str | None) -> Answer:
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


def _answer(svc: Services, msg: InboundMessage, now: datetime, parsed: Parsed | None, key: str | None,
            choice: Choice | None, got: dict[str, Any], post: Batch, tag: str) -> Reply:
    """The reply itself: an answer to the list on offer, or a lookup (from the cache when it has it).
    ``tag`` is empty when there is no conversation to keep (no sender, or the store is down)."""
    if choice:
        return _choose(svc, msg, now, choice, got, post, tag)
    stored = got.get("conv")
    placed = _placed(msg, now, stored, post, tag) if isinstance(stored, str) and tag else None
    if placed is not None:
        return placed
    catalog = svc.catalog
    if key and got.get("cache"):
        svc.metrics.cache.labels("hit").inc()
        reply = reply_from_json(json.loads(got["cache"]))
    else:
        # ``parsed`` already follows the sender's last language ("BUS 05"); None when reading it failed.
        reply = respond(parsed, catalog, now) if parsed else handle(msg.text, catalog, now)
        if key:
            svc.metrics.cache.labels("miss").inc()
            if reply.status != "error":
                value = json.dumps(render_json(reply), ensure_ascii=False, separators=(",", ":"))
                post.add("cache", Op("set", f"cache:{key}", value, svc.settings.TONGDAI_CACHE_TTL))
    if not tag:
        return reply
    if offers(reply):
        return _offer(reply, post, tag)
    reporter = current()
    if reporter is not None and reporter.asked_place:  # "Ở đâu?": the next message is the place of that ticket
        question = {"place": reporter.asked_place[-1], "lang": reply.lang}
        post.add("conv", Op("set", f"conv:{tag}", json.dumps(question), CONVERSATION_TTL))
    else:
        post.add("conv", Op("delete", f"conv:{tag}"))  # a new message that is not an answer to the list starts over
    post.add("lang", Op("set", f"lang:{tag}", reply.lang, LANG_TTL))
    return reply


def _choose(svc: Services, msg: InboundMessage, now: datetime, choice: Choice, got: dict[str, Any], post: Batch,
            tag: str) -> Reply:
    stored = got.get("conv")
    listing = _listing(stored) if stored else None
    lang: Lang = listing.reply.lang if listing else ("en" if got.get("lang") == "en" else "vi")
    svc.metrics.choices.labels(msg.channel, choice.action if listing or choice.action == "cancel" else "expired").inc()
    if choice.action == "cancel":
        if tag:
            post.add("conv", Op("delete", f"conv:{tag}"))
        return cancelled(lang)
    if listing is None:
        return expired(lang)
    if choice.action == "more":
        listing, reply = next_page(listing)
    else:
        option = listing.picked(choice.number)
        reply = handle(option.command, svc.catalog, now, listing.reply.lang) if option else out_of_range(listing)
        if offers(reply):  # the option led to another list (it should not): that list is the one on offer now
            return _offer(reply, post, tag)
    _remember(listing, post, tag)  # kept, so the resident can pick another one from the same list
    return reply


def _placed(msg: InboundMessage, now: datetime, stored: str, post: Batch, tag: str) -> Reply | None:
    """A message without a keyword after a report was asked "where?": its place, and the question is closed."""
    try:
        question = json.loads(stored)
        code = str(question["place"])
        lang: Lang = "en" if question.get("lang") == "en" else "vi"
    except (ValueError, KeyError, TypeError):  # a list on offer, or written by another version
        return None
    post.add("conv", Op("delete", f"conv:{tag}"))
    return place_answer(code, msg.text, lang, now)


def _offer(reply: Reply, post: Batch, tag: str) -> Reply:
    """Remember a reply that offers choices, and ask for a number instead of a command."""
    listing = Listing(replace(reply, matches=()))
    _remember(listing, post, tag)
    post.add("lang", Op("set", f"lang:{tag}", reply.lang, LANG_TTL))
    return numbered(reply, listing.has_next())


def _remember(listing: Listing, post: Batch, tag: str) -> None:
    if not tag:
        return
    value = json.dumps({"reply": render_json(listing.reply), "page": listing.page}, ensure_ascii=False,
                       separators=(",", ":"))
    post.add("conv", Op("set", f"conv:{tag}", value, CONVERSATION_TTL))


def _listing(stored: str) -> Listing | None:
    try:
        data = json.loads(stored)
        return Listing(reply_from_json(data["reply"]), int(data["page"]))
    except (ValueError, KeyError, TypeError):  # written by another version: as good as expired
        return None
