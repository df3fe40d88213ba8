"""The channels as the app sees them (``app.channels.registry``): one ``Channel`` each, registered when
``TONGDAI_CHANNELS`` turns it on, its settings the ones production requires, and a sender for those that send."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sms_kit import PHONE, SmsRig

from app import create_app
from app.channels.base import CannotSend
from app.channels.registry import CHANNELS
from app.config import Settings
from app.config.constants import CHANNELS as SETTING_NAMES
from app.config.constants import REQUIRED
from app.message import masked
from app.outbound.senders import make_senders
from app.outbox import open_outbox
from lookups.store import Catalog

ROUTES = {"twilio": "/sms/twilio", "gateway": "/sms/gateway", "zalo": "/zalo/webhook", "api": "/api/v1/query"}


def test_every_channel_is_registered_once_under_its_setting_name() -> None:
    names = [channel.name for channel in CHANNELS]
    assert len(names) == len(set(names)) and set(names) == set(SETTING_NAMES) - {"console"}
    for channel in CHANNELS:
        assert channel.required == REQUIRED[channel.name] and channel.blueprint.name == channel.name


@pytest.mark.parametrize("on", ["twilio", "gateway", "zalo", "api", "twilio,api"])
def test_only_the_channels_turned_on_have_routes(catalog: Catalog, tmp_path: Path, on: str) -> None:
    app = create_app({"TONGDAI_CHANNELS": on, "TONGDAI_STATE_DIR": str(tmp_path), "TONGDAI_WORKER_THREAD": "0",
                      "CATALOG": catalog})
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    for name, route in ROUTES.items():
        assert (route in routes) == (name in on.split(","))


def test_the_senders_are_the_channels_own_and_the_api_has_none(tmp_path: Path) -> None:
    settings = Settings.from_env({}, TONGDAI_STATE_DIR=str(tmp_path), TWILIO_ACCOUNT_SID="AC" + "0" * 32,
                                 TWILIO_AUTH_TOKEN="t", TWILIO_FROM="+15005550006", SMS_GATEWAY_API_KEY="k",
                                 SMS_GATEWAY_SECRET_KEY="s")
    box = open_outbox(settings)
    senders = make_senders(settings, box, (1.0, 1.0))
    assert {name: type(sender).__name__ for name, sender in senders.items()} == {
        "twilio": "TwilioSender", "gateway": "GatewaySender", "zalo": "LogSender"}  # no Zalo token in development
    [api] = [channel for channel in CHANNELS if channel.name == "api"]
    with pytest.raises(CannotSend, match="HTTP response"):
        api.sender(settings, box, (1.0, 1.0))


@pytest.mark.parametrize(("recipient", "shown"), [
    ("+84905123456", "…3456"), ("84905123456", "…3456"), ("0905123456", "…3456"), ("2893452348720159753", "…9753"),
    ("12345678", "…5678"), ("1234567", "…"), ("+84", "…"), ("", ""),
])
def test_one_mask_for_every_recipient_in_logs_and_pages(recipient: str, shown: str) -> None:
    assert masked(recipient) == shown


def test_sms_senders_and_recipients_are_logged_masked(sms_rig: SmsRig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    sms_rig.sms("attp pho hoa le duan")
    sms_rig.sms("STOP")
    assert sms_rig.send("twilio", PHONE, "Thong bao").status == "opted_out"
    assert caplog.text.count("from …3456") == 2
    assert "905123" not in caplog.text and "+849" not in caplog.text
