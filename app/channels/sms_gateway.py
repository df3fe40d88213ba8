"""Vietnamese short-code aggregators: the resident's MO comes in over HTTP, the MT reply goes back.

The flow is the same for every aggregator (read the fields, check the signature, answer, reply) and lives in
``handle_mo``; what differs is a small ``Profile``: field names, how the MO is read from the request, the
signature, and the HTTP answer. ``ESMS`` below is eSMS: MO as a GET or form POST, MT in the response body as
``<ClientResponse>`` XML.

A second aggregator is one more module. For V-COM, ``sms_vcom.py`` would build
``Profile(name="vcom", channel="vcom", fields={"phone": "phone", "short_code": "service_id", "keyword":
"command_code", "text": "message", "msg_id": "request_id", "received_at": "time", "signature": "checksum"},
read=<request.get_json() as str values>, sign=<base64(sha256(client_id + request_id + phone + secure_key +
time))>, respond=<HTTP 200 ack, then post the MT to .../api/v2/send-mt keyed by request_id>, ...)`` and a
blueprint whose route returns ``handle_mo(VCOM)``; then add it to ``CHANNEL_MODULES`` and the settings it
needs to ``Settings``/``REQUIRED``. V-COM retries an MO that did not get a 200, which de-duplication on
``msg_id`` absorbs.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from app.channels.base import BadRequest, InboundMessage, same_secret
from app.channels.sms_common import answer, check_text, mask, outcome, refuse_signature, require, sms_text
from app.config import Settings
from app.services import services
from handlers.reply import Reply

log = logging.getLogger(__name__)
blueprint = Blueprint("gateway", __name__)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # aggregators stamp MOs in local time
COMMON = ("phone", "short_code", "keyword", "text", "msg_id", "received_at")
OPTIONAL = ("telco",)  # kept in InboundMessage.extra when the aggregator sends it
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's Char


@dataclass(frozen=True)
class Profile:
    name: str  # the aggregator, in logs and InboundMessage.extra
    channel: str  # the metrics label and InboundMessage.channel
    fields: Mapping[str, str]  # COMMON and OPTIONAL names (and "signature") -> the aggregator's field names
    time_format: str
    key_setting: str  # the Settings attribute holding the secret; empty = development, not verified
    read: Callable[[], dict[str, str]]  # the MO fields of the current request
    sign: Callable[[Mapping[str, str], Settings], str]  # the signature the MO should carry
    respond: Callable[[InboundMessage, str | None], Response]  # the HTTP answer (with the MT text, or an ack)
    also_required: tuple[str, ...] = ()  # fields outside COMMON that the signature needs


def verify(values: Mapping[str, str], profile: Profile) -> None:
    settings = services().settings
    if not getattr(settings, profile.key_setting):
        return
    given = values.get(profile.fields["signature"], "")
    if not given:
        raise refuse_signature(profile.channel, f"missing {profile.fields['signature']}")
    if not same_secret(given, profile.sign(values, settings)):
        raise refuse_signature(profile.channel, f"wrong {profile.fields['signature']}")


def parse_inbound(values: Mapping[str, str], profile: Profile) -> InboundMessage:
    names = [profile.fields[common] for common in COMMON]
    got = require(values, [*names, *profile.also_required], profile.channel)
    field = dict(zip(COMMON, (got[name] for name in names), strict=True))
    text = check_text(field["text"], profile.fields["text"], profile.channel)
    keyword = field["keyword"].strip()
    # Some gateways strip the keyword from the content and pass it separately; the dispatcher needs it back.
    if keyword and not text.strip().casefold().startswith(keyword.casefold()):
        text = f"{keyword} {text}"
    try:
        received = datetime.strptime(field["received_at"], profile.time_format).replace(tzinfo=VIETNAM)
    except ValueError:
        services().metrics.rejected.labels(profile.channel, "malformed").inc()
        raise BadRequest(f"{profile.fields['received_at']} must be in the form {profile.time_format}") from None
    extra = {"provider": profile.name, "short_code": field["short_code"], "keyword": keyword}
    extra.update({name: values[profile.fields[name]] for name in OPTIONAL if profile.fields.get(name) in values})
    return InboundMessage(profile.channel, field["phone"], text, field["msg_id"], received, extra=extra)


def handle_mo(profile: Profile) -> Response:
    """The whole webhook for one aggregator: nothing is answered unless the signature holds."""
    values = profile.read()
    verify(values, profile)
    msg = parse_inbound(values, profile)
    said = answer(msg)  # said.text None: over the sender's limits, the MT is left empty
    log.info("%s %s from %s to %s: %s", profile.name, msg.message_id, mask(msg.sender), msg.extra["short_code"],
             outcome(said))
    return profile.respond(msg, said.text)


# --- eSMS ---------------------------------------------------------------------------------------------------

def esms_sign(values: Mapping[str, str], settings: Settings) -> str:
    """``base64(md5(cpid + smsid + content + receiverTime + key))``, read as: the five strings concatenated
    and UTF-8 encoded, the *raw* 16-byte MD5 digest (not its hex form), standard base64 with padding (24
    characters). If eSMS turns out to encode the hex digest instead, this line is the one to change."""
    plain = "".join(values.get(name, "") for name in ("cpid", "smsid", "content", "receiverTime"))
    digest = hashlib.md5((plain + settings.SMS_GATEWAY_KEY).encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


def esms_read() -> dict[str, str]:
    values = {name: request.values[name] for name in request.values}
    # A gateway that builds its GET URL without percent-encoding turns the base64 "+" into a space; base64
    # never contains a space, so putting the "+" back cannot make a wrong signature right.
    if "sign" in values:
        values["sign"] = values["sign"].replace(" ", "+")
    return values


def render(reply: Reply, msg: InboundMessage) -> str:
    """The MT as eSMS expects it back: ``<ClientResponse><Message/><Smsid/><Receiver/></ClientResponse>``."""
    return render_text(sms_text(reply), msg)


def render_text(text: str | None, msg: InboundMessage) -> str:
    """``render`` of an SMS text already made; None leaves ``<Message/>`` empty (nothing is sent)."""
    root = ET.Element("ClientResponse")
    for tag, value in (("Message", text or ""), ("Smsid", msg.message_id), ("Receiver", msg.sender)):
        # ElementTree escapes < & >, but control characters cannot be written in XML 1.0 at all.
        ET.SubElement(root, tag).text = _NOT_XML.sub("", value)
    return ET.tostring(root, encoding="unicode")


def esms_respond(msg: InboundMessage, text: str | None) -> Response:
    return Response(render_text(text, msg), mimetype="text/xml")  # Flask adds "; charset=utf-8"


def send(reply: Reply, msg: InboundMessage) -> None:
    """Not used for eSMS: the MT is the body of the webhook's answer (``render``); there is no later call."""
    raise NotImplementedError("eSMS takes the MT in the MO's HTTP response")


ESMS = Profile(
    name="esms", channel="gateway",
    fields={"phone": "sender", "short_code": "serviceNumber", "keyword": "keyword", "text": "content",
            "msg_id": "smsid", "received_at": "receiverTime", "signature": "sign", "telco": "telco"},
    time_format="%Y%m%d%H%M%S", key_setting="SMS_GATEWAY_KEY",
    read=esms_read, sign=esms_sign, respond=esms_respond, also_required=("cpid",),
)


@blueprint.route("/sms/gateway", methods=["GET", "POST"])
def mo() -> Response:
    return handle_mo(ESMS)
