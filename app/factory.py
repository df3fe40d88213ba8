"""The application factory: ``create_app`` reads the settings, loads the catalog and registers the channels turned on
(``app.channels.registry``), the reports, the console and the outbox worker. Reached as ``app.create_app``."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.channels.base import WebhookError
from app.config import Settings
from app.services import EXTENSION, Services
from handlers.registry import keywords
from lookups.store import Catalog

log = logging.getLogger(__name__)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record made while a request is being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request
            record.request_id = "-"
        return True


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """``config`` overrides environment settings by name (``{"TONGDAI_ENV": "production"}``) and may pass a
    ready ``CATALOG``; everything else comes from the environment."""
    config = dict(config or {})
    catalog = config.pop("CATALOG", None)
    settings = Settings.from_env(**config)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.TONGDAI_MAX_BODY
    init_app(app, settings, catalog)
    return app


_OPENED_BEFORE_FORK: list[Catalog] = []  # the gunicorn master's catalog (``open_catalog_before_fork``)


def open_catalog_before_fork(settings: Settings) -> None:
    """In the gunicorn master: open every dataset once, so the forked workers share its objects (the maps are
    shared anyway; the small datasets' records and the index headers then are too). No reload thread runs in the
    master: each worker checks the pointers from its own start (``_catalog``)."""
    catalog = Catalog(settings.data_dir, reload_every=0, state_dir=settings.state_dir)
    catalog.warm()
    _OPENED_BEFORE_FORK[:] = [catalog]


def _catalog(settings: Settings) -> Catalog:
    for catalog in _OPENED_BEFORE_FORK:
        if catalog.data_dir == settings.data_dir:
            catalog.reload_every = settings.TONGDAI_RELOAD_SECONDS
            catalog.refresh(wait=True)  # a version imported since the master opened it: opened, never built here
            return catalog
    return Catalog(settings.data_dir, reload_every=settings.TONGDAI_RELOAD_SECONDS, state_dir=settings.state_dir)


def init_app(app: Flask, settings: Settings, catalog: Catalog | None = None) -> None:
    settings.check()
    catalog = catalog or _catalog(settings)
    catalog.warm()
    keywords(catalog)  # a declared keyword that clashes with a command word stops the start, naming the file
    app.extensions[EXTENSION] = Services(settings, catalog)
    # Behind one proxy (Heroku router, nginx): trust its X-Forwarded-* so signed URLs match.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    for handler in logging.getLogger().handlers:
        handler.addFilter(RequestIdFilter())
    _install_hooks(app)
    # Imported here, not with this module: what the settings turn on (and what imports Flask's app context).
    from app import console, health, reports
    from app.channels.registry import CHANNELS
    from app.outbound.worker import start_worker

    app.register_blueprint(health.blueprint)
    for channel in CHANNELS:
        if channel.name in settings.channels:
            app.register_blueprint(channel.blueprint)
    reports.init_app(app)  # citizen reports: PA/TT, operators' API, Open311
    if "console" in settings.channels:
        console.init_app(app)  # the operators' web console under /console/
    # The outbox worker thread (a no-op unless a channel sends from the outbox and TONGDAI_WORKER_THREAD != 0).
    start_worker(app)


def _install_hooks(app: Flask) -> None:
    @app.before_request
    def assign_request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
        try:  # Werkzeug decodes the query string strictly (raw bytes, not percent-escapes) when it is first read
            request.query_string.decode()
        except UnicodeDecodeError:
            raise WebhookError("the query string is not UTF-8") from None

    @app.after_request
    def echo_request_id(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    @app.errorhandler(WebhookError)
    def refused(exc: WebhookError) -> tuple[Response, int]:
        return jsonify(error=str(exc)), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return jsonify(error=exc.description or exc.name), exc.code or 500

    @app.errorhandler(Exception)
    def crashed(exc: Exception) -> tuple[Response, int]:
        log.exception("unhandled error in %s %s (request %s)", request.method, request.path, g.get("request_id"))
        return jsonify(error="internal error", request_id=g.get("request_id")), 500
