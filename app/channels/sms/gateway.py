"""Vietnamese short-code aggregators: the resident's MO comes in over HTTP, the MT reply goes back.

The flow is the same for every aggregator (read the fields, check the signature, answer, reply) and lives in
``handle_mo``; what differs is a small ``Profile``: field names, how the MO is read from the request, the
signature, and the HTTP answer. ``ESMS`` below is eSMS: MO as a GET or form POST, MT in the response body as
``<ClientResponse>`` XML.

A second aggregator is one more module. For V-COM, ``app/channels/sms/vcom.py`` would build ``Profile(name="vcom",
channel="vcom", fields={"phone": "phone", "short_code": "service_id", "keyword": "command_code", "text": "message",
"msg_id": "request_id", "received_at": "time", "signature": "checksum"}, read=<request.get_json() as str values>,
sign=<base64(sha256(client_id + request_id + phone + secure_key + time))>, respond=<HTTP 200 ack, then post the MT to
.../api/v2/send-mt keyed by request_id>, ...)`` and a blueprint whose route returns ``handle_mo(VCOM_CHANNEL)``,
``Gateway(VCOM, its blueprint)``; then add that channel to ``app.channels.registry`` and the settings it needs to
``app.config.fields``/``REQUIRED``. V-COM retries an MO that did not get a 200, which de-duplication absorbs.

Replays: the sign covers only some fields (eSMS: cpid, smsid, content and receiverTime), so an MO is
de-duplicated on exactly the string that was signed: the fields concatenated as signed, so that moving characters
between cpid and smsid, or changing an unsigned field (sender, keyword, serviceNumber), makes the same key. The cpid
must be ours (``SMS_GATEWAY_CPID``); an MO stamped outside ``TONGDAI_REPLAY_WINDOW`` (or more than ``CLOCK_SKEW``
ahead) gets an empty MT, like a message over the rate limit, since an aggregator retrying it could not make it newer;
and with ``SMS_GATEWAY_ALLOW`` only the aggregator's addresses may post at all.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Request, Response, request

from app.channels.base import BadRequest, WebhookError, in_replay_window, same_secret
from app.channels.sms.common import answer, check_text, outcome, refuse_signature, require, sms_text
from app.channels.sms.gateway_send import GatewaySender
from app.config import Settings
from app.config.constants import REQUIRED
from app.message import InboundMessage, masked
from app.outbound.delivery import Sender
from app.outbox.base import OutboxStore
from app.services import services
from handlers.choice import choice_of
from handlers.reply import Reply
from lookups.clock import VIETNAM

log = logging.getLogger(__name__)
blueprint = Blueprint("gateway", __name__)
COMMON = ("phone", "short_code", "keyword", "text", "msg_id", "received_at")
OPTIONAL = ("telco",)  # kept in InboundMessage.extra when the aggregator sends it
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's Char


class Forbidden(WebhookError):
    status = 403


@dataclass(frozen=True)
class Profile:
    name: str  # the aggregator, in logs and InboundMessage.extra
    channel: str  # the metrics label and InboundMessage.channel
    fields: Mapping[str, str]  # COMMON and OPTIONAL names (and "signature") -> the aggregator's field names
    time_format: str
    key_setting: str  # the Settings attribute holding the secret; empty = development, not verified
    read: Callable[[], dict[str, str]]  # the MO fields of the current request
    signed: Callable[[Mapping[str, str]], str]  # exactly what the signature covers (its secret aside)
    sign: Callable[[Mapping[str, str], Settings], str]  # the signature the MO should carry
    respond: Callable[[InboundMessage, str | None], Response]  # the HTTP answer (with the MT text, or an ack)
    also_required: tuple[str, ...] = ()  # fields outside COMMON that the signature needs
    account: tuple[str, str] = ("", "")  # (field, Settings attribute): an account id the MO must carry, if set


def allowed(settings: Settings, channel: str) -> None:
    """With ``SMS_GATEWAY_ALLOW``, only the aggregator's addresses get past this (403 for anyone else)."""
    networks = settings.gateway_allow
    if not networks:
        return
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        address = None
    if address is None or not any(address in network for network in networks):
        services().metrics.rejected.labels(channel, "address").inc()
        log.warning("%s MO refused from %s: not in SMS_GATEWAY_ALLOW", channel, request.remote_addr)
        raise Forbidden("this address may not post MOs")


def verify(values: Mapping[str, str], profile: Profile) -> None:
    settings = services().settings
    if not getattr(settings, profile.key_setting):
        return
    given = values.get(profile.fields["signature"], "")
    if not given:
        raise refuse_signature(profile.channel, f"missing {profile.fields['signature']}")
    if not same_secret(given, profile.sign(values, settings)):
        raise refuse_signature(profile.channel, f"wrong {profile.fields['signature']}")


def ours(values: Mapping[str, str], profile: Profile) -> None:
    """The account id the MO carries (eSMS: cpid) must be the configured one (403 otherwise)."""
    field, setting = profile.account
    expected = getattr(services().settings, setting) if setting else ""
    if expected and field in values and values[field] != expected:  # a missing one: 400 from parse_inbound
        services().metrics.rejected.labels(profile.channel, "account").inc()
        log.warning("%s MO refused: %s is not %s", profile.channel, field, setting)
        raise Forbidden(f"{field} is not this service's")


def parse_inbound(values: Mapping[str, str], profile: Profile) -> InboundMessage:
    names = [profile.fields[common] for common in COMMON]
    got = require(values, [*names, *profile.also_required], profile.channel)
    field = dict(zip(COMMON, (got[name] for name in names), strict=True))
    text = check_text(field["text"], profile.fields["text"], profile.channel)
    keyword = field["keyword"].strip()
    text = with_keyword(text, keyword)
    try:  # aggregators stamp MOs in local time
        received = datetime.strptime(field["received_at"], profile.time_format).replace(tzinfo=VIETNAM)
    except ValueError:
        services().metrics.rejected.labels(profile.channel, "malformed").inc()
        raise BadRequest(f"{profile.fields['received_at']} must be in the form {profile.time_format}") from None
    extra = {"provider": profile.name, "short_code": field["short_code"], "keyword": keyword,
             "smsid": field["msg_id"]}
    extra.update({name: values[profile.fields[name]] for name in OPTIONAL if profile.fields.get(name) in values})
    signed = hashlib.sha256(profile.signed(values).encode(errors="surrogatepass")).hexdigest()[:32]
    return InboundMessage(profile.channel, field["phone"], text, signed, received, extra=extra)


def with_keyword(text: str, keyword: str) -> str:
    """The text the dispatcher needs. Some gateways strip the keyword from the content and pass it separately (it
    goes back in front); some stamp it on every MO, so that an answer to a list ("2", "THEM", "HUY") arrives as
    "ATTP 2" or as "2" with keyword ATTP: an answer to a list stays one, whatever the keyword field says."""
    if not keyword or choice_of(text) is not None:
        return text
    body = text.strip()
    if body.casefold().startswith(keyword.casefold()):
        rest = body[len(keyword):]
        return rest if rest[:1] in ("", " ", ":", "-", ".", ",") and choice_of(rest) is not None else text
    return f"{keyword} {text}"


def fresh(msg: InboundMessage, profile: Profile) -> bool:
    """Is the MO's time within the replay window? Counted and logged when not."""
    svc = services()
    if in_replay_window(svc.settings, msg.received_at, svc.now()):
        return True
    svc.metrics.rejected.labels(profile.channel, "stale").inc()
    log.warning("%s MO %s refused: %s %s is outside the replay window", profile.name, msg.extra["smsid"],
                profile.fields["received_at"], msg.received_at.isoformat(timespec="seconds"))
    return False


class Gateway:
    """A short-code aggregator as a channel (``app.channels.base.Channel``), its differences in ``profile``."""

    def __init__(self, profile: Profile, routes: Blueprint) -> None:
        self.profile, self.name, self.blueprint = profile, profile.channel, routes
        self.required = REQUIRED[profile.channel]

    def verify(self, request: Request) -> None:
        """The aggregator's address, the MO's signature, then the account it is for."""
        allowed(services().settings, self.profile.channel)
        values = self.profile.read()
        verify(values, self.profile)
        ours(values, self.profile)

    def parse(self, request: Request) -> InboundMessage:
        return parse_inbound(self.profile.read(), self.profile)

    def render(self, reply: Reply, msg: InboundMessage) -> str:
        return render(reply, msg)

    def sender(self, settings: Settings, box: OutboxStore, timeout: tuple[float, float]) -> Sender:
        return GatewaySender(settings, timeout)


def handle_mo(channel: Gateway) -> Response:
    """The whole webhook for one aggregator: nothing is answered unless the signature holds."""
    channel.verify(request)
    msg, profile = channel.parse(request), channel.profile
    if not fresh(msg, profile):
        return profile.respond(msg, None)
    said = answer(msg)  # said.text None: over the sender's limits, the MT is left empty
    log.info("%s %s from %s to %s: %s", profile.name, msg.extra["smsid"], masked(msg.sender), msg.extra["short_code"],
             outcome(said))
    return profile.respond(msg, said.text)


# --- eSMS ---------------------------------------------------------------------------------------------------

def esms_signed(values: Mapping[str, str]) -> str:
    return "".join(values.get(name, "") for name in ("cpid", "smsid", "content", "receiverTime"))


def esms_sign(values: Mapping[str, str], settings: Settings) -> str:
    """``base64(md5(cpid + smsid + content + receiverTime + key))``, read as: the five strings concatenated
    and UTF-8 encoded, the *raw* 16-byte MD5 digest (not its hex form), standard base64 with padding (24
    characters). If eSMS turns out to encode the hex digest instead, this line is the one to change."""
    plain = esms_signed(values)
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
    smsid = msg.extra.get("smsid", msg.message_id)
    for tag, value in (("Message", text or ""), ("Smsid", smsid), ("Receiver", msg.sender)):
        # ElementTree escapes < & >, but control characters cannot be written in XML 1.0 at all.
        ET.SubElement(root, tag).text = _NOT_XML.sub("", value)
    return ET.tostring(root, encoding="unicode")


def esms_respond(msg: InboundMessage, text: str | None) -> Response:
    return Response(render_text(text, msg), mimetype="text/xml")  # Flask adds "; charset=utf-8"


ESMS = Profile(
    name="esms", channel="gateway",
    fields={"phone": "sender", "short_code": "serviceNumber", "keyword": "keyword", "text": "content",
            "msg_id": "smsid", "received_at": "receiverTime", "signature": "sign", "telco": "telco"},
    time_format="%Y%m%d%H%M%S", key_setting="SMS_GATEWAY_KEY",
    read=esms_read, signed=esms_signed, sign=esms_sign, respond=esms_respond, also_required=("cpid",),
    account=("cpid", "SMS_GATEWAY_CPID"),
)


GATEWAY = Gateway(ESMS, blueprint)


@blueprint.route("/sms/gateway", methods=["GET", "POST"])
def mo() -> Response:
    return handle_mo(GATEWAY)
