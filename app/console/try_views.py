"""``/console/try``: a message as a resident would send it, with the SMS, Zalo and JSON answers side by side.

Alone, each message is looked up on its own (``handle``, as ``tongdai ask`` does). In conversation mode it goes
through the same exchange as a phone's messages, as the ``console`` channel with the operator as sender, so a
list can be answered with ``1``-``5``, ``THEM`` or ``HUY``; those messages count in the statistics under
``console``. PA and TT file nothing here: reports are taken from residents' channels only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import render_template, request, session

from app import exchange
from app.channels.base import without_surrogates
from app.console.web import blueprint, operator
from app.message import InboundMessage, sender_hash
from app.services import services
from handlers.dispatch import clean, handle
from handlers.gsm7 import gsm7_ok, sms_segments
from handlers.render import render_json, render_sms, render_zalo
from handlers.reply import Reply

MAX_TEXT = 2000
CHANNELS = ("sms", "zalo", "json")
LOG_TURNS = 6


def _answer(text: str, conversation: bool) -> Reply:
    svc = services()
    now = datetime.now(UTC)
    if not conversation:
        with svc.catalog.pinned():
            return handle(text, svc.catalog, now)
    msg = InboundMessage("console", f"console:{operator().username}", clean(text), "", now)
    with svc.catalog.pinned():
        who = sender_hash(svc.settings.sender_salt, msg.channel, msg.sender)
        found = exchange.run(svc, msg, now, who, guard=False)
    assert found.reply is not None
    return found.reply


def renderings(reply: Reply, budget: int) -> dict[str, Any]:
    sms, zalo = render_sms(reply, budget), render_zalo(reply)
    return {"sms": sms, "sms_length": len(sms), "sms_segments": sms_segments(sms), "sms_gsm7": gsm7_ok(sms),
            "zalo": zalo, "zalo_length": len(zalo),
            "json": json.dumps(render_json(reply), ensure_ascii=False, indent=2)}


@blueprint.route("/try", methods=["GET", "POST"])
def try_page() -> str:
    form = request.form
    text = without_surrogates(form.get("text", ""))[:MAX_TEXT]
    channel = form.get("channel", "sms") if form.get("channel") in CHANNELS else "sms"
    conversation = form.get("conversation") == "on"
    turns: list[dict[str, str]] = session.get("try_log", []) if conversation else []
    if request.method == "POST" and form.get("clear"):
        session.pop("try_log", None)
        turns, text = [], ""
    result = None
    if request.method == "POST" and text.strip():
        reply = _answer(text, conversation)
        result = {"reply": reply, **renderings(reply, services().settings.TONGDAI_SMS_BUDGET)}
        if conversation:  # the cookie holds a few short turns only (a session cookie is at most 4 KB)
            shown = result["sms" if channel == "sms" else "zalo"]
            turns = [*turns, {"text": text[:80], "reply": shown[:160]}][-LOG_TURNS:]
            session["try_log"] = turns
    return render_template("console/try.html", text=text, channel=channel, conversation=conversation,
                           result=result, turns=turns, channels=CHANNELS)
