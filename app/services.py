"""The answer path every channel shares (``Services.answer`` and ``respond``), on the app's resources
(``app.resources``), and ``services()``, which finds them from a request."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

from app import exchange
from app.exchange import Answer
from app.message import InboundMessage, sender_hash
from app.resources import Resources
from handlers.reply import Reply
from handlers.reports.context import Reporter, reporting

EXTENSION = "tongdai"


class Services(Resources):
    """Everything a request handler needs: the resources, and the answer path on them."""

    def answer(self, msg: InboundMessage, now: datetime | None = None) -> Reply:
        """The answer path of every channel: conversation, cache, lookup, statistics. Always a reply."""
        found = self.answer_or_nothing(msg, now)
        assert found is not None  # only a repeated STOP goes unanswered, and only on a channel one can opt out of
        return found

    def answer_or_nothing(self, msg: InboundMessage, now: datetime | None = None) -> Reply | None:
        """``answer``, or None when nothing is to be said (a STOP from a sender already opted out)."""
        return self._run(msg, now, guard=False).reply

    def respond(self, msg: InboundMessage, render: Callable[[Reply], str] | None = None, *,
                reply: Reply | None = None, now: datetime | None = None) -> Answer:
        """``answer`` for a provider that may deliver a message twice and a sender who may flood: the message id
        is de-duplicated (a retry gets the stored rendering again) and the sender's limits apply, so the result
        may say nothing (``text`` None). ``reply`` answers instead of a lookup (a picture: "send text")."""
        return self._run(msg, now, guard=True, render=render, fixed=reply)

    def _run(self, msg: InboundMessage, now: datetime | None, *, guard: bool,
             render: Callable[[Reply], str] | None = None, fixed: Reply | None = None) -> Answer:
        started = time.perf_counter()
        who = sender_hash(self.settings.sender_salt, msg.channel, msg.sender) if msg.sender else ""
        reporter = Reporter(lambda: self.reports, msg.channel, msg.sender, who)
        # the cache key and the answer read the same dataset versions; PA and TT learn who is asking
        with self.catalog.pinned(), reporting(reporter):
            found = exchange.run(self, msg, now or self.now(), who, render=render, guard=guard, fixed=fixed)
        if found.reply is not None and found.outcome == "answered":
            self.metrics.latency.labels(msg.channel).observe(time.perf_counter() - started)
            intent = "media" if fixed is not None else found.reply.intent
            self.metrics.messages.labels(msg.channel, intent, found.reply.status).inc()
        return found


def services(app: Flask | None = None) -> Services:
    found = (app or current_app).extensions[EXTENSION]
    assert isinstance(found, Services)
    return found
