"""Web service. Thin for now: a health check and a query endpoint over the same dispatcher as the CLI."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request

from handlers.dispatch import handle
from handlers.render import render
from lookups.datasets.base import default_data_dir
from lookups.store import Catalog

log = logging.getLogger(__name__)
CHANNELS = ("sms", "zalo", "json")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(config or {})
    init_app(app)
    return app


def init_app(app: Flask) -> None:
    catalog = app.config.get("CATALOG") or Catalog(app.config.get("DATA_DIR") or default_data_dir())
    catalog.warm()
    app.extensions["tongdai.catalog"] = catalog

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.route("/ask", methods=["GET", "POST"])
    def ask() -> tuple[Response, int] | Response:
        body = request.get_json(silent=True) or {}
        text = request.values.get("text", body.get("text") if isinstance(body, dict) else None)
        channel = request.values.get("channel", "json")
        if not isinstance(text, str):
            return jsonify(error="send the message as ?text=... or JSON {\"text\": ...}"), 400
        if channel not in CHANNELS:
            return jsonify(error=f"channel must be one of {', '.join(CHANNELS)}"), 400
        reply = handle(text, catalog)
        rendered = render(reply, channel)
        return jsonify(reply=render(reply, "json"), rendered=rendered)
