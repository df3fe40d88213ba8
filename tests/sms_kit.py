"""The outbound test rig: an app with every channel that can send (Twilio REST, the eSMS MT push, Zalo) wired to fakes
on loopback, on either outbox store, with a worker the test drives itself; and signed inbound SMS."""

from __future__ import annotations

import itertools
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fake_sms import TOKEN, FakeGateway, FakeTwilio, gateway_env, twilio_env
from fake_zalo import FakeZalo
from flask import Flask
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse
from zalo_kit import FAST, zalo_env

from app import create_app
from app.outbound.notices import Outbound, Queued, outbound, outbox
from app.outbound.policy import WorkerConfig
from app.outbound.senders import Senders, make_senders
from app.outbound.worker import drain_once
from app.outbox.base import OutboxStore
from app.services import Services, services

PUBLIC = "https://tongdai.example.vn"
PHONE = "+84905123456"
LOCAL = "http://localhost/sms/twilio"  # the URL a test client's inbound SMS is signed for (no PUBLIC_BASE_URL)
SIDS = itertools.count(1)


def twilio_post(app: Flask, token: str, body: str, sender: str, sid: str | None = None) -> TestResponse:
    """Post one inbound SMS to the app's Twilio webhook, signed as Twilio signs it (a new MessageSid unless ``sid``
    is given); the webhook's answer, which must be a 200."""
    form = {"MessageSid": sid or f"SM{next(SIDS):032x}", "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+14155550123", "Body": body, "NumMedia": "0"}
    signature = RequestValidator(token).compute_signature(LOCAL, form)
    response = app.test_client().post("/sms/twilio", data=urlencode(form), headers={"X-Twilio-Signature": signature},
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.data
    return response


def said(twiml: bytes) -> str | None:
    """The text of a TwiML answer's Message ("" for an empty one); None when it has none."""
    message = ET.fromstring(twiml).find("Message")
    return None if message is None else message.text or ""


@dataclass
class SmsRig:
    app: Flask
    svc: Services
    box: OutboxStore
    senders: Senders
    twilio: FakeTwilio
    gateway: FakeGateway
    zalo: FakeZalo

    @property
    def outbound(self) -> Outbound:
        return outbound(self.app)

    def send(self, channel: str, to: str, text: str, key: str | None = None, now: float | None = None) -> Queued:
        return self.outbound.send(channel, to, text, key=key, now=now)

    def drain(self, now: float | None = None, config: WorkerConfig = FAST) -> dict[str, int]:
        return drain_once(self.svc, self.box, self.senders, config, now)

    def sms(self, text: str, sender: str = PHONE, sid: str | None = None) -> TestResponse:
        """A signed inbound Twilio SMS; the response's TwiML."""
        form = {"MessageSid": sid or f"SM{time.time_ns():032d}"[:34], "AccountSid": "AC" + "0" * 32,
                "From": sender, "To": "+14155550123", "Body": text, "NumMedia": "0"}
        return self.post("/sms/twilio", form)

    def post(self, path: str, form: dict[str, str]) -> TestResponse:
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
        return self.app.test_client().post(path, data=urlencode(form), headers={"X-Twilio-Signature": signature},
                                           content_type="application/x-www-form-urlencoded")

    def failures(self, channel: str, reason: str) -> float:
        return self.svc.metrics.registry.get_sample_value("tongdai_send_failures_total",
                                                          {"channel": channel, "reason": reason}) or 0.0


class Counted:
    """A real store that notes the name of every method called on it, then passes the call on."""

    def __init__(self, store: Any) -> None:
        self.store, self.calls = store, list[str]()

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return found(*args, **kwargs)

        return call


def counting_consent(rig: SmsRig, monkeypatch: pytest.MonkeyPatch) -> Counted:
    """The rig's consent store, counted from now on (by the webhooks, notices and the worker alike)."""
    counted = Counted(rig.svc.consent)
    monkeypatch.setattr(rig.svc, "consent", counted)
    return counted


def rig_env(twilio: FakeTwilio, gateway: FakeGateway, zalo: FakeZalo, state: Path) -> dict[str, str]:
    return {**zalo_env(zalo, state), **twilio_env(twilio), **gateway_env(gateway),
            "TONGDAI_CHANNELS": "twilio,gateway,zalo,api", "TONGDAI_QUIET_HOURS": "", "TONGDAI_WORKER_THREAD": "0",
            "TONGDAI_WORKER_POLL": "0.05"}


@contextmanager
def running_providers() -> Iterator[tuple[FakeTwilio, FakeGateway]]:
    twilio, gateway = FakeTwilio(), FakeGateway()
    twilio.start()
    gateway.start()
    try:
        yield twilio, gateway
    finally:
        twilio.stop()
        gateway.stop()


def make_sms_rig(providers: tuple[FakeTwilio, FakeGateway], zalo: FakeZalo, catalog: Any, state: Path,
                 monkeypatch: pytest.MonkeyPatch, **settings: str) -> SmsRig:
    twilio, gateway = providers
    for name, value in {**rig_env(twilio, gateway, zalo, state), **settings}.items():
        monkeypatch.setenv(name, value)  # for the ``tongdai`` commands, which read the environment
    app = create_app({"CATALOG": catalog})
    svc, box = services(app), outbox(app)
    return SmsRig(app, svc, box, make_senders(svc.settings, box, FAST.timeout), twilio, gateway, zalo)
