"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.console.i18n import LANGS, translate
from app.console.web import accounts, blueprint, client_address, csrf_token, lang


def _safe_next(target: str | None) -> str:
    # only a path of this console: never an address elsewhere (an open redirect)
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.reports")


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    error = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:60]
        password = request.form.get("password", "")[:200]
        now = datetime.now(UTC)
        if accounts().limited(username, client_address(), now):
            return render_template("console/login.html", error=translate(
                "Too many failed attempts: wait 15 minutes and try again.", lang()), username=username), 429
        who = accounts().sign_in(username, password, client_address(), now)
        if who is not None:
            keep = session.get("lang")
            session.clear()  # a new session (and CSRF token) at sign-in: no fixation
            session.permanent = True
            session.update(operator=who.id, lang=keep or "vi")
            csrf_token()
            return redirect(_safe_next(request.args.get("next")))
        error = translate("Wrong username or password.", lang())
        return render_template("console/login.html", error=error, username=username), 401
    return render_template("console/login.html", error=error, username="")


@blueprint.post("/logout")
def logout() -> Response:
    keep = lang()
    session.clear()
    session["lang"] = keep
    return redirect(url_for("console.login"))


@blueprint.get("/lang/<code>")
def language(code: str) -> Response:
    if code in LANGS:
        session["lang"] = code
    back = request.referrer or ""
    path = back.split(request.host, 1)[-1] if request.host in back else ""
    return redirect(_safe_next(path))


@blueprint.get("/")
def home() -> Response:
    return redirect(url_for("console.reports"))
