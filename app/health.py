"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

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
    return Response(generate_latest(services().metrics.registry), mimetype=CONTENT_TYPE_LATEST)
