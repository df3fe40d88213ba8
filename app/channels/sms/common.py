"""What the two SMS channels (Twilio and the short-code aggregator) share: field checks, refusals counted
in the metrics, the reply text and the answer to a message that is not text, de-duplicated and rate-limited."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from app.channels.base import BadRequest, BadSignature
from app.exchange import Answer
from app.message import InboundMessage
from app.services import services
from handlers.render import render_sms
from handlers.reply import Reply

log = logging.getLogger(__name__)

# Twilio caps an inbound Body at 1,600 characters and a concatenated SMS is shorter still: anything longer
# was not typed on a phone, so it is refused rather than sent through the matcher.
MAX_TEXT = 1600

# Written accent-free, as it will be sent: the SMS renderer would strip the marks anyway.
MEDIA_REPLY = Reply(
    intent="media",
    status="help",
    lang="vi",
    title="Xin loi, tong dai chi doc tin nhan chu, khong doc hinh anh.",
    hint="Vui long soan tin chu, vd: ATTP pho hoa le duan. Soan HD de xem huong dan.",
)


def require(values: Mapping[str, str], names: Iterable[str], channel: str) -> dict[str, str]:
    """The named fields, or 400 naming every missing one (so the provider's logs say what was wrong)."""
    names = tuple(names)
    missing = [name for name in names if name not in values]
    if missing:
        services().metrics.rejected.labels(channel, "malformed").inc()
        raise BadRequest(f"missing field(s): {', '.join(missing)}")
    return {name: values[name] for name in names}


def check_text(text: str, field_name: str, channel: str) -> str:
    if len(text) > MAX_TEXT:
        services().metrics.rejected.labels(channel, "too_long").inc()
        raise BadRequest(f"{field_name} is longer than {MAX_TEXT} characters")
    return text


def refuse_signature(channel: str, why: str) -> BadSignature:
    """Count a refused signature and return the error to raise (the caller raises, so mypy sees the flow)."""
    services().metrics.rejected.labels(channel, "signature").inc()
    log.warning("%s webhook refused: %s", channel, why)
    return BadSignature(f"{why}; the request was not processed")


def answer(msg: InboundMessage) -> Answer:
    """The SMS text answering ``msg`` (``text`` None: say nothing). A provider's retry gets the text it got the
    first time, without a second lookup; a picture without text gets a polite "send text" instead of the menu."""
    return services().respond(msg, sms_text, reply=MEDIA_REPLY if msg.kind == "unsupported" else None)


def sms_text(reply: Reply) -> str:
    return render_sms(reply, services().settings.TONGDAI_SMS_BUDGET)


def outcome(said: Answer) -> str:
    """What became of a message, for the log line: ``attp/found``, ``duplicate``, ``limited``..."""
    if said.outcome == "answered" and said.reply is not None:
        return f"{said.reply.intent}/{said.reply.status}"
    return said.outcome
