"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric

from app.resources import LIVE_GAUGES
from app.services import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


def redis_state() -> str:
    """``up``, ``down`` or ``not configured``. A Redis outage leaves /readyz at 200: every lookup is still answered
    (without cache, conversations or limits), and a 503 from every instance at once, as a shared Redis would
    cause, would have the load balancer take the whole hotline down instead of a convenience."""
    state = services().state
    if state.backend != "redis":
        return "not configured"
    return "up" if state.ping() else "down"


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    svc = services()
    checks: dict[str, str] = {}
    try:
        for meta, count in svc.catalog.metas():
            checks[meta.id] = f"{count} records, version {meta.version}"
    except Exception as exc:  # a broken data directory makes us unready, not crashed
        checks["data"] = f"error: {exc}"
        return jsonify(status="unready", checks=checks, redis=redis_state()), 503
    return jsonify(status="ready", checks=checks, redis=redis_state()), 200


@blueprint.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(exposition_registry()), mimetype=CONTENT_TYPE_LATEST)


class _Only:
    """The metric families of ``source`` whose names are (or are not) in ``names``."""

    def __init__(self, source: Any, names: frozenset[str], keep: bool) -> None:
        self.source, self.names, self.keep = source, names, keep

    def collect(self) -> Iterator[Metric]:
        return (m for m in self.source.collect() if (m.name in self.names) == self.keep)


def exposition_registry() -> CollectorRegistry:
    """This process's registry, or, under several gunicorn workers (``PROMETHEUS_MULTIPROC_DIR`` set, as
    gunicorn.conf.py does), the sum over all workers: a scrape must not depend on which worker answers.
    Gauges read from a shared store at scrape time (dead letters, Redis up) are this process's reading."""
    own = services().metrics
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return own.registry
    registry = CollectorRegistry()
    live = frozenset(LIVE_GAUGES)
    registry.register(_Only(multiprocess.MultiProcessCollector(None), live, keep=False))  # type: ignore[no-untyped-call]
    registry.register(_Only(own.registry, live, keep=True))
    return registry
