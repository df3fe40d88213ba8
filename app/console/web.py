"""The console's blueprint and what every page shares: the signed-in operator, roles, the CSRF token, the
language, and the audit log.

Every page but sign-in needs an operator; every POST needs the session's CSRF token (a form without it is refused
with 400 before any view runs); a view that changes something names the least role allowed to do it
(``requires``), checked on the server whatever the page showed.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.console.accounts import Accounts
from app.console.i18n import LANGS, translate
from app.console.roles import Operator
from app.reports.desk import store_of
from app.services import services
from lookups.clock import VIETNAM

blueprint = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
                      static_folder="static", static_url_path="/static")
OPEN_ENDPOINTS = frozenset({"console.login", "console.static", "console.language"})
View = TypeVar("View", bound=Callable[..., Any])
ACCOUNTS = "tongdai.console.accounts"
UPLOADS = frozenset({"console.upload"})
UPLOAD_LIMIT = 50 * 1024 * 1024  # a data file; every other request keeps the service's TONGDAI_MAX_BODY


def accounts() -> Accounts:
    found = current_app.extensions.get(ACCOUNTS)
    if found is None:
        found = current_app.extensions[ACCOUNTS] = Accounts(store_of(services().reports))
    return cast(Accounts, found)


def operator() -> Operator:
    found = g.get("operator")
    assert isinstance(found, Operator)
    return found


def client_address() -> str:
    return request.remote_addr or "-"


def audit(action: str, target: str, detail: str = "") -> None:
    accounts().audit(operator(), action, target, detail, client_address())


def requires(role: str) -> Callable[[View], View]:
    """The view is for ``role`` and above; anyone else gets 403 (and nothing is changed)."""

    def wrap(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not operator().may(role):
                abort(403, translate("Your role may not do this.", lang()))
            return view(*args, **kwargs)

        return cast(View, checked)

    return wrap


def lang() -> str:
    found = session.get("lang")
    return found if found in LANGS else "vi"


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


@blueprint.before_request
def guard() -> Response | None:
    if request.endpoint in UPLOADS and isinstance(session.get("operator"), int):
        request.max_content_length = UPLOAD_LIMIT  # set before the form is read: it applies as the body is parsed
    if request.method == "POST":
        given = request.form.get("csrf_token", "")
        expected = session.get("csrf")
        if not isinstance(expected, str) or not hmac.compare_digest(given.encode(), expected.encode()):
            abort(400, translate("The form has expired or did not come from this console: reload the page and "
                                 "send it again.", lang()))
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    who = accounts().get(session["operator"]) if isinstance(session.get("operator"), int) else None
    if who is None:
        session.pop("operator", None)
        return redirect(url_for("console.login", next=request.full_path if request.method == "GET" else None))
    g.operator = who
    return None


def tile_origin(template: str) -> str:
    """Where map tiles come from, for the page's policy: ``https://{s}.tile.example/{z}/{x}/{y}.png`` ->
    ``https://*.tile.example``."""
    scheme, _, rest = template.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}" if rest else ""


@blueprint.after_request
def headers(response: Response) -> Response:
    # everything is served from here: no scripts or styles from elsewhere, no framing; images also from https
    # (photos keep Zalo's links) and from the configured tile server
    tiles = tile_origin(services().settings.TONGDAI_MAP_TILES)
    response.headers.setdefault("Content-Security-Policy", f"default-src 'self'; img-src 'self' data: https: {tiles}"
                                "; frame-ancestors 'none'; form-action 'self'".replace(" ;", ";"))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@blueprint.app_template_global("_")
def template_translate(text: str, **values: Any) -> str:
    return translate(text, lang(), **values)


@blueprint.app_template_filter("local")
def local_time(value: str | datetime | None, width: int = 16) -> str:
    """A stored time (UTC, ISO 8601 or a datetime; a naive one is UTC, as the database keeps it) as Da Nang's
    wall-clock time, ``YYYY-MM-DD HH:MM`` by default: the hotline's staff read their own time, not UTC."""
    if not value:
        return "-"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(VIETNAM).isoformat(" ", "seconds")[:width]


@blueprint.context_processor
def shared() -> dict[str, Any]:
    return {"me": g.get("operator"), "csrf_token": csrf_token, "lang": lang()}


@blueprint.errorhandler(HTTPException)
def error_page(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    return render_template("console/error.html", code=code, reason=exc.description or exc.name), code
