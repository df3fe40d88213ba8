"""The conversation a sender has with the service between two messages: the numbered list on offer ("2" picks
from it, THEM shows more, HUY cancels) and the question about a report's place. Kept in the state store under
``conv:<channel>:<sender hash>`` for ``CONVERSATION_TTL`` seconds; ``app.exchange`` reads and writes it in its
batches (``post``)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from app.message import InboundMessage
from app.resources import Resources
from app.state.store import Batch, Op
from handlers.choice import Choice, Listing, cancelled, expired, next_page, numbered, offers, out_of_range
from handlers.dispatch import handle
from handlers.render import render_json, reply_from_json
from handlers.reply import Lang, Reply
from handlers.reports.keywords import place_answer

CONVERSATION_TTL, LANG_TTL = 420, 86400


def choose(svc: Resources, msg: InboundMessage, now: datetime, choice: Choice, got: dict[str, Any], post: Batch,
            tag: str) -> Reply:
    stored = got.get("conv")
    listing = listing_of(stored) if stored else None
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
            return offer(reply, post, tag)
    remember(listing, post, tag)  # kept, so the resident can pick another one from the same list
    return reply


def placed(msg: InboundMessage, now: datetime, stored: str, post: Batch, tag: str) -> Reply | None:
    """A message without a keyword after a report was asked "where?": its place, and the question is closed."""
    try:
        question = json.loads(stored)
        code = str(question["place"])
        lang: Lang = "en" if question.get("lang") == "en" else "vi"
    except (ValueError, KeyError, TypeError):  # a list on offer, or written by another version
        return None
    post.add("conv", Op("delete", f"conv:{tag}"))
    return place_answer(code, msg.text, lang, now)


def offer(reply: Reply, post: Batch, tag: str) -> Reply:
    """Remember a reply that offers choices, and ask for a number instead of a command."""
    listing = Listing(replace(reply, matches=()))
    remember(listing, post, tag)
    post.add("lang", Op("set", f"lang:{tag}", reply.lang, LANG_TTL))
    return numbered(reply, listing.has_next())


def remember(listing: Listing, post: Batch, tag: str) -> None:
    if not tag:
        return
    value = json.dumps({"reply": render_json(listing.reply), "page": listing.page}, ensure_ascii=False,
                       separators=(",", ":"))
    post.add("conv", Op("set", f"conv:{tag}", value, CONVERSATION_TTL))


def listing_of(stored: str) -> Listing | None:
    try:
        data = json.loads(stored)
        return Listing(reply_from_json(data["reply"]), int(data["page"]))
    except (ValueError, KeyError, TypeError):  # written by another version: as good as expired
        return None
