"""What every part of a request needs, built once per app: settings, data, the state and consent stores, the
reports desk and the metrics. ``app.services.Services`` adds the answer path on top."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from app.config import Settings
from app.outbound.consent import ConsentStore, open_consent
from app.state import open_store
from app.state.store import StateStore
from handlers.reports.context import Desk
from lookups.store import Catalog

LIVE_GAUGES = ("tongdai_dead_letters", "tongdai_redis_up")  # read from shared stores when scraped


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
        self.cache = Counter("tongdai_cache_lookups", "Result cache lookups", ["result"], registry=r)
        self.duplicates = Counter("tongdai_duplicates", "Provider retries answered from the stored reply",
                                  ["channel"], registry=r)
        self.guarded = Counter("tongdai_guarded", "Messages held back by the rate limit or as a loop",
                               ["channel", "reason"], registry=r)
        self.loops = Counter("tongdai_loops_detected", "Senders found repeating one text", ["channel"], registry=r)
        self.choices = Counter("tongdai_choices", "Answers to a numbered list", ["channel", "action"], registry=r)
        self.redis_up = Gauge("tongdai_redis_up", "1 while Redis answers (always 1 without REDIS_URL)", registry=r)
        self.redis_outages = Counter("tongdai_redis_outages", "Times Redis became unreachable", registry=r)


@dataclass
class Resources:
    """Built once per app (``create_app``) or per command; the stores are opened from the settings when not given."""

    settings: Settings
    catalog: Catalog
    metrics: Metrics = field(default_factory=Metrics)
    state: StateStore = field(default=None)  # type: ignore[assignment]  # opened from settings when not given
    desk: Desk | None = None  # citizen reports (app.reports); opened on first use when not given
    _desk_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    consent: ConsentStore = field(default=None)  # type: ignore[assignment]  # opt-outs, durable (app.outbound.consent)

    def __post_init__(self) -> None:
        if self.state is None:
            self.state = open_store(self.settings)
        if self.consent is None:
            self.consent = open_consent(self.settings)
        self.metrics.redis_up.set_function(lambda: 1.0 if self.state.available else 0.0)
        listeners = getattr(self.state, "listeners", None)
        if listeners is not None:
            listeners.append(lambda up: None if up else self.metrics.redis_outages.inc())

    def now(self) -> datetime:
        """The time every freshness check reads (one place, so that tests can move it)."""
        return datetime.now(UTC)

    @property
    def reports(self) -> Desk:
        with self._desk_lock:
            if self.desk is None:
                from app.reports.desk import open_desk

                self.desk = open_desk(self.settings, self.catalog.data_dir)
            return self.desk
