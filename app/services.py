"""Everything a request handler needs, built once per app: settings, data, metrics, and the answer path."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, current_app
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from app.channels.base import InboundMessage
from app.config import Settings
from handlers.dispatch import handle
from handlers.reply import Reply
from lookups.store import Catalog

log = logging.getLogger(__name__)
EXTENSION = "tongdai"


@dataclass
class Metrics:
    """Prometheus metrics of one app (a registry per app, so tests can build many apps)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.messages = Counter("tongdai_messages", "Messages answered", ["channel", "intent", "status"], registry=r)
        self.latency = Histogram("tongdai_reply_seconds", "Time to build a reply", ["channel"], registry=r,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5))
        self.rejected = Counter("tongdai_webhook_rejected", "Requests refused", ["channel", "reason"], registry=r)
        self.ignored = Counter("tongdai_events_ignored", "Well-formed events not answered", ["channel", "event"],
                               registry=r)
        self.send_failures = Counter("tongdai_send_failures", "Outbound sends that failed", ["channel", "reason"],
                                     registry=r)
        self.dead_letters = Gauge("tongdai_dead_letters", "Replies waiting in the dead-letter store", registry=r)
        self.status_callbacks = Counter("tongdai_status_callbacks", "Delivery status callbacks", ["channel", "status"],
                                        registry=r)


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    metrics: Metrics = field(default_factory=Metrics)

    def answer(self, msg: InboundMessage, now: datetime | None = None) -> Reply:
        """The one answer path of every channel: dispatch, count, time."""
        started = time.perf_counter()
        reply = handle(msg.text, self.catalog, now or datetime.now(UTC))
        self.metrics.latency.labels(msg.channel).observe(time.perf_counter() - started)
        self.metrics.messages.labels(msg.channel, reply.intent, reply.status).inc()
        return reply


def services(app: Flask | None = None) -> Services:
    found = (app or current_app).extensions[EXTENSION]
    assert isinstance(found, Services)
    return found
