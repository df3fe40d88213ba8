"""The limits that stand before an answer on every channel that talks to residents (Twilio, the short-code gateway,
Zalo): a sender over ``TONGDAI_RATE_LIMIT`` messages a minute gets one "please wait" and then nothing until the
minute ends; the same text ``TONGDAI_LOOP_LIMIT`` times in five minutes is a loop and gets nothing.

Counters are sets of message ids, not numbers: a provider's retry or a replay of a message id it has already
counted adds nothing, so replaying one signed message cannot silence its sender. A replay counted under another
sender (the gateway's sign does not cover the sender) is taken back by ``uncount`` once it is known to be one.
The SMS channels count in the same batch as the rest of a message's state (``app.exchange``); Zalo counts at
the webhook (``screen``), before the event is stored, since its replies are built later by the worker.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.message import InboundMessage, sender_hash
from app.state.store import Op
from handlers.i18n import pick
from handlers.reply import Lang, Reply

if TYPE_CHECKING:
    from app.config import Settings
    from app.resources import Resources

log = logging.getLogger(__name__)
RATE_WINDOW, LOOP_WINDOW = 60, 300
Verdict = Reply | str | None  # None: within the limits; the "please wait" Reply; or "dropped" / "loop" (silence)


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.casefold().split()).encode(errors="surrogatepass")).hexdigest()[:16]


def limit_ops(settings: Settings, msg: InboundMessage, now: datetime, who: str) -> list[tuple[str, Op]]:
    """The counting ops for ``msg`` (none without a sender): its id joins the sender's sets for this minute and
    for this text in this five minutes. Windows are fixed (the key names the window), as the README says."""
    if not who:
        return []
    member, tag, at = msg.message_id or uuid.uuid4().hex, f"{msg.channel}:{who}", int(now.timestamp())
    ops = []
    if settings.TONGDAI_RATE_LIMIT:
        # ":ids": not the name the counters had as numbers, which a process of the previous version may still INCR
        ops.append(("rate", Op("count", f"rate:{tag}:{at // RATE_WINDOW}:ids", member, RATE_WINDOW)))
    if settings.TONGDAI_LOOP_LIMIT:
        key = f"loop:{tag}:{text_hash(msg.text)}:{at // LOOP_WINDOW}"
        ops.append(("loop", Op("count", key, member, LOOP_WINDOW)))
    return ops


def uncount(ops: list[tuple[str, Op]], got: dict[str, Any]) -> list[Op]:
    """The ops taking back what a message turned out to be a duplicate added to its sender's counters."""
    return [Op("uncount", op.key, op.value) for name, op in ops if isinstance(got.get(name), tuple) and got[name][0]]


def verdict(svc: Resources, msg: InboundMessage, got: dict[str, Any], lang: Lang, who: str) -> Verdict:
    """None within the limits; the one "please wait" reply for the first message over the rate; else the
    reason for saying nothing ("loop" or "dropped")."""
    settings, guarded = svc.settings, svc.metrics.guarded
    loops = _size(got.get("loop"))
    if settings.TONGDAI_LOOP_LIMIT and loops >= settings.TONGDAI_LOOP_LIMIT:
        if loops == settings.TONGDAI_LOOP_LIMIT:  # logged and counted once per loop, not once per message
            log.warning("%s sender %s sent the same text %d times in %d s: treated as a loop, not answered",
                        msg.channel, who[:8], loops, LOOP_WINDOW)
            svc.metrics.loops.labels(msg.channel).inc()
        guarded.labels(msg.channel, "loop").inc()
        return "loop"
    count = _size(got.get("rate"))
    if not settings.TONGDAI_RATE_LIMIT or count <= settings.TONGDAI_RATE_LIMIT:
        return None
    if count > settings.TONGDAI_RATE_LIMIT + 1:
        guarded.labels(msg.channel, "dropped").inc()
        return "dropped"
    guarded.labels(msg.channel, "limited").inc()
    log.info("%s sender %s is over %d messages a minute", msg.channel, who[:8], settings.TONGDAI_RATE_LIMIT)
    return please_wait(lang)


def please_wait(lang: Lang) -> Reply:
    return Reply("guard", "help", lang, pick(lang, "Bạn đã gửi nhiều tin nhắn liên tiếp.", "Too many messages."),
                 hint=pick(lang, "Vui lòng đợi một phút rồi gửi lại.", "Please wait a minute and send again."))


def _size(counted: Any) -> int:
    return int(counted[1]) if isinstance(counted, tuple) else 0


def screen(svc: Resources, msg: InboundMessage, now: datetime) -> Verdict:
    """The limits for a channel that answers later (Zalo): one batch counting ``msg``; None (answer it) when the
    store cannot be reached, as the SMS channels do."""
    who = sender_hash(svc.settings.sender_salt, msg.channel, msg.sender) if msg.sender else ""
    ops = limit_ops(svc.settings, msg, now, who)
    got = svc.state.execute([op for _, op in ops]) if ops else None
    if got is None:
        return None
    return verdict(svc, msg, {name: got[i] for i, (name, _) in enumerate(ops)}, "vi", who)


def api_allowance(svc: Resources, key: str, now: datetime) -> int | None:
    """Seconds to wait when the caller holding API key ``key`` is over ``TONGDAI_API_RATE_LIMIT`` calls this
    minute; None when within it (or the limit is off, or the store cannot be reached)."""
    limit = svc.settings.TONGDAI_API_RATE_LIMIT
    if not limit:
        return None
    at = int(now.timestamp())
    who = sender_hash(svc.settings.sender_salt, "api-key", key)
    got = svc.state.execute([Op("incr", f"rate:api-key:{who}:{at // RATE_WINDOW}", ttl=RATE_WINDOW)])
    if got is None or int(got[0]) <= limit:
        return None
    svc.metrics.guarded.labels("api", "dropped").inc()
    return RATE_WINDOW - at % RATE_WINDOW
