"""Outbound Zalo against a fake Zalo API on a loopback port: the exact requests, token refresh, retries with
back-off, the calls that are never retried, dead letters and their re-send, development mode; each on both stores
(SQLite, and the real Redis when ``REDIS_URL`` is set)."""

from __future__ import annotations

import io
import logging
import threading
import time
from pathlib import Path

import pytest
from fake_zalo import FakeZalo
from zalo_kit import LATER, USER, Rig, make_rig, ops

from app.channels.zalo.client import LogSender
from app.channels.zalo.tokens import RefreshFailed, TokenPair, Tokens
from app.cli.ops import run as run_ops
from app.config import ConfigError, Settings
from app.outbound.policy import WorkerConfig
from handlers.dispatch import handle
from handlers.i18n import t
from handlers.render import render_zalo
from lookups.store import Catalog


def test_a_text_reply_is_the_exact_customer_service_request(rig: Rig, catalog: Catalog) -> None:
    rig.queue()
    assert rig.drain() == {"done": 1}
    [sent] = rig.fake.sends
    assert sent.headers["access_token"] == "AT-1" and sent.headers["content-type"] == "application/json"
    text = render_zalo(handle("attp pho hoa le duan", catalog))
    assert sent.json == {"recipient": {"user_id": USER}, "message": {"text": text}}
    assert rig.jobs()[0]["state"] == "done"


def test_an_ambiguous_reply_is_a_list_whose_rows_send_the_choice_back(rig: Rig, catalog: Catalog) -> None:
    rig.queue(text="kcb nhi")
    rig.drain()
    reply = handle("kcb nhi", catalog)
    assert reply.status == "ambiguous" and len(reply.options) == 5 and reply.more > 0
    payload = rig.fake.sends[0].json["message"]["attachment"]["payload"]
    assert payload["template_type"] == "list"
    assert payload["elements"] == [{"title": o.label, "subtitle": o.detail,
                                    "default_action": {"type": "oa.query.show", "payload": o.command}}
                                   for o in reply.options]


def test_token_refresh_on_expiry_saves_the_new_pair_before_using_it(rig: Rig) -> None:
    stored_at_send: list[TokenPair | None] = []
    rig.fake.on_send = lambda seen: stored_at_send.append(rig.tokens().load())
    rig.fake.expire()
    rig.queue()
    assert rig.drain() == {"done": 1}
    first, second = rig.fake.sends
    assert (first.headers["access_token"], second.headers["access_token"]) == ("AT-1", "AT-2")
    [refresh] = rig.fake.refreshes
    assert refresh.headers["secret_key"] == rig.fake.app_secret
    assert refresh.form == {"refresh_token": "RT-1", "app_id": rig.fake.app_id, "grant_type": "refresh_token"}
    assert stored_at_send[1] is not None and stored_at_send[1].refresh_token == "RT-2"  # committed before the retry
    assert stored_at_send[1].expires_at == pytest.approx(time.time() + 90000, abs=60)
    rig.fake.expire()  # a day later: the next refresh spends RT-2, never RT-1 again
    rig.queue(msg_id="second")
    assert rig.drain() == {"done": 1}
    assert [r.form["refresh_token"] for r in rig.fake.refreshes] == ["RT-1", "RT-2"] and rig.fake.reused == []


def test_the_token_is_refreshed_ahead_of_expiry(rig: Rig) -> None:
    tokens = rig.tokens()
    tokens.save(TokenPair("AT-1", "RT-1", time.time() + 60))
    rig.queue()
    rig.drain()
    assert len(rig.fake.refreshes) == 1 and [s.headers["access_token"] for s in rig.fake.sends] == ["AT-2"]


def test_workers_refreshing_at_once_spend_the_refresh_token_once(rig: Rig) -> None:
    import requests

    rig.sender.send({"recipient": {"user_id": USER}, "message": {"text": "x"}})  # bootstrap the store
    start, got = threading.Barrier(8), []

    def worker() -> None:  # each with its own client and lease, as separate processes would be
        tokens = Tokens(rig.another_box(), rig.svc.settings, requests.Session(), (0.5, 2))
        start.wait()
        got.append(tokens.refresh("AT-1"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["AT-2"] * 8 and len(rig.fake.refreshes) == 1 and rig.fake.reused == []


def test_a_refused_refresh_is_a_retry_and_the_fake_refuses_reuse(rig: Rig) -> None:
    tokens = rig.tokens()
    tokens.bootstrap()
    assert tokens.refresh("AT-1") == "AT-2"
    tokens.save(TokenPair("AT-1", "RT-1", None))  # as if the new pair had been lost
    with pytest.raises(RefreshFailed, match="refresh_refused"):
        tokens.refresh("AT-1")
    assert rig.fake.reused == ["RT-1"]


def test_environment_tokens_seed_only_an_empty_store(rig: Rig) -> None:
    tokens = rig.tokens()
    assert tokens.load() == TokenPair("AT-1", "RT-1", None)  # make_sender bootstrapped it
    tokens.save(TokenPair("AT-9", "RT-9", None))
    assert tokens.bootstrap() is False and tokens.load() == TokenPair("AT-9", "RT-9", None)


def test_rate_limits_server_errors_and_timeouts_are_retried_with_back_off(rig: Rig) -> None:
    rig.fake.script = [-32, "http500", "timeout"]
    rig.fake.slow = 0.5
    rig.queue()
    config = WorkerConfig(max_attempts=5, backoff=10.0, backoff_max=25.0, unknown_delay=90.0)
    for attempt, wait in enumerate((10.0, 20.0, 90.0), 1):  # the timeout may have been delivered: it waits longer
        now = time.time() + 100 * attempt
        assert rig.drain(now, config) == {"retry": 1}
        assert rig.jobs()[0]["next_attempt_at"] == pytest.approx(now + wait)
        assert rig.drain(now, config) == {}  # not due before its back-off
    assert rig.drain(LATER, config) == {"done": 1}
    assert len(rig.fake.sends) == 4 and len({s.body for s in rig.fake.sends}) == 1  # the same reply each time
    assert [rig.failures(r) for r in ("rate_limited", "http_500", "timeout")] == [1, 1, 1]
    assert rig.jobs()[0]["unsure"] == 1


def test_a_token_error_124_refreshes_the_token_and_sends_again_at_once(rig: Rig) -> None:
    rig.fake.script = [-124]  # "Access token invalid"
    rig.queue()
    assert rig.drain() == {"done": 1}
    assert [s.headers["access_token"] for s in rig.fake.sends] == ["AT-1", "AT-2"] and len(rig.fake.refreshes) == 1


@pytest.mark.parametrize(("code", "reason"), [(-201, "invalid_field"), (-213, "not_follower"),
                                              (-227, "user_inactive"), (-230, "window_closed"),
                                              (-232, "window_closed")])
def test_refusals_are_never_retried(rig: Rig, code: int, reason: str) -> None:
    rig.fake.script = [code]
    rig.queue()
    assert rig.drain() == {"failed": 1} and rig.drain(LATER) == {}
    assert len(rig.fake.sends) == 1 and rig.failures(reason) == 1 and rig.box.dead_letters() == []
    assert rig.jobs()[0]["state"] == "failed" and str(code) in rig.jobs()[0]["last_error"]


def test_a_reply_that_keeps_failing_is_dead_lettered_listed_and_resent(
        rig: Rig, catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    rig.fake.script = [-32, -32, -32]
    rig.queue()
    assert [rig.drain(LATER + i) for i in range(3)] == [{"retry": 1}, {"retry": 1}, {"dead": 1}]
    assert rig.svc.metrics.registry.get_sample_value("tongdai_dead_letters") == 1
    [letter] = rig.box.dead_letters()
    assert (letter.attempts, letter.reason, letter.user_id) == (3, "rate_limited: -32 fake error -32", USER)
    assert run_ops(ops("deadletters", "list"), catalog) == 0
    listed = capsys.readouterr().out
    assert f"{letter.id:>5}" in listed and "rate_limited" in listed and "…0000" in listed and USER not in listed
    assert run_ops(ops("deadletters", "resend", str(letter.id)), catalog) == 0
    assert capsys.readouterr().out == f"{letter.id}: sent\n"
    assert len({s.body for s in rig.fake.sends}) == 1 and len(rig.fake.sends) == 4
    assert rig.svc.metrics.registry.get_sample_value("tongdai_dead_letters") == 0
    assert rig.jobs()[0]["state"] == "done" and rig.drain(LATER) == {}
    assert run_ops(ops("deadletters", "resend", "--all"), catalog) == 0
    assert "no dead letters" in capsys.readouterr().out


def test_development_without_a_token_logs_replies_instead(
        backend: str, fake: FakeZalo, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        rig = make_rig(fake, catalog, tmp_path, monkeypatch, tokens=False)
        assert isinstance(rig.sender, LogSender)
        assert "Zalo replies are LOGGED, NOT SENT" in caplog.text
        rig.queue()
        assert rig.drain() == {"done": 1}
    assert fake.requests == [] and "Phở Hòa" in caplog.text


def test_production_without_a_token_keeps_the_job(backend: str, fake: FakeZalo, catalog: Catalog, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rig = make_rig(fake, catalog, tmp_path, monkeypatch, tokens=False, TONGDAI_ENV="production",
                   TONGDAI_SENDER_SALT="test-salt")
    rig.queue()
    assert rig.drain() == {"retry": 1} and rig.jobs()[0]["state"] == "pending" and rig.failures("no_token") == 1


def test_a_crash_around_the_handler_still_sends_an_apology(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("app.outbound.worker.build", broken)
    rig.queue()
    assert rig.drain() == {"done": 1}
    assert rig.fake.sends[0].json["message"]["text"].startswith(t("error", "vi"))


def test_operators_set_and_show_the_token_pair(rig: Rig, catalog: Catalog, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("AT-new\nRT-new\n"))
    assert run_ops(ops("zalo-token", "set", "--expires-in", "7200"), catalog) == 0
    stored = rig.tokens().load()
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("AT-new", "RT-new")
    assert stored.expires_at == pytest.approx(time.time() + 7200, abs=5)
    assert run_ops(ops("zalo-token", "show"), catalog) == 0
    out = capsys.readouterr().out
    assert "expires in 2.0 h" in out and "AT-new" not in out and "RT-new" not in out


def test_worker_settings_come_from_the_environment() -> None:
    config = WorkerConfig.from_settings(Settings.from_env({"TONGDAI_ZALO_MAX_ATTEMPTS": "4",
                                                           "TONGDAI_ZALO_BACKOFF": "0.5"}))
    assert (config.max_attempts, config.backoff, config.delay(1), config.delay(3)) == (4, 0.5, 0.5, 2.0)
    assert WorkerConfig(backoff=2, backoff_max=600).delay(20) == 600
    with pytest.raises(ConfigError, match="TONGDAI_ZALO_BACKOFF"):
        WorkerConfig.from_settings(Settings.from_env({"TONGDAI_ZALO_BACKOFF": "soon"}))
