"""An SMS notice reaches the resident at least once and at most twice when the ``tongdai worker`` process is killed
while Twilio (or the gateway) holds the request: on both stores, against the fakes on loopback."""

from __future__ import annotations

import os
import threading

import pytest
from fake_http import Seen
from sms_kit import PHONE, SmsRig
from test_send_faults import due_now
from zalo_kit import LATER, WorkerProcess, wait_for

from app.outbound.delivery import UNKNOWN
from app.outbound.policy import WorkerConfig

PATIENT = WorkerConfig(max_attempts=10, backoff=0.01, backoff_max=0.04, unknown_delay=0.05, poll=0.05,
                       connect_timeout=0.5, read_timeout=5.0)


@pytest.mark.parametrize(("channel", "kills"), [("twilio", 1), ("twilio", 2), ("gateway", 1)])
def test_a_worker_killed_mid_send_sends_an_sms_at_least_once_and_at_most_twice(
        sms_rig: SmsRig, channel: str, kills: int) -> None:
    gate = threading.Event()

    def hold(seen: Seen) -> None:
        gate.wait(20)  # the provider has the request (it counts as sent) while the worker dies

    fake = sms_rig.twilio if channel == "twilio" else sms_rig.gateway
    fake.on_send = hold
    assert sms_rig.send(channel, PHONE, "Thong bao: mat nuoc ngay mai").status == "queued"
    for kill in range(1, kills + 1):
        worker = WorkerProcess({**os.environ})
        wait_for(lambda kill=kill: len(fake.sends) == kill, 30)
        worker.process.kill()  # SIGKILL: no result is recorded
        assert worker.process.wait(10) != 0
        due_now(sms_rig)  # type: ignore[arg-type]  # what it reads of a rig: its box
    gate.set()
    result = sms_rig.drain(config=PATIENT)
    assert len(fake.sends) == 2 and len({s.body for s in fake.sends}) == 1
    if kills == 1:  # the lost attempt counts as unknown: one more send, which the provider accepts
        assert result == {"done": 1}
    else:  # two attempts may have been delivered: no third
        [letter] = sms_rig.box.dead_letters()
        assert result == {"dead": 1} and letter.reason.startswith(UNKNOWN) and letter.channel == channel
    assert sms_rig.drain(LATER, PATIENT) == {}
