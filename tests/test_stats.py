"""Query statistics: counted per day by channel, intent and status, unmatched queries per dataset, shown by
``GET /api/v1/stats`` and ``tongdai stats``; senders kept only as salted hashes; the salt required in production."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
import redis
from flask import Flask

from app import create_app
from app.cli import stats as cli_stats
from app.config import ConfigError, Settings
from lookups.store import Catalog

KEY = "stats-key"
PHONE = "+84905123456"


@pytest.fixture
def app(catalog: Catalog, state_config: dict[str, str]) -> Flask:
    app = create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": KEY, "CATALOG": catalog, **state_config})
    client = app.test_client()
    for text, sender in (("attp pho hoa le duan", PHONE), ("attp pho hoa", PHONE), ("2", PHONE),
                         ("attp zzqx wvvk", "+84905000001"), ("ATTP ZZQX  wvvk", "+84905000002"),
                         ("kcb qqqq xxxx", "+84905000001"), ("attp pho hoa le duan", "zalo-user-99")):
        assert client.post("/api/v1/query", json={"text": text, "sender": sender},
                           headers={"X-API-Key": KEY}).status_code == 200
    return app


def cli(*argv: str) -> argparse.Namespace:
    top = argparse.ArgumentParser(prog="tongdai")
    cli_stats.add_commands(top.add_subparsers(dest="command", required=True))
    return top.parse_args(argv)


def test_the_day_is_counted_by_channel_intent_and_status(app: Flask) -> None:
    response = app.test_client().get("/api/v1/stats", headers={"X-API-Key": KEY})
    assert response.status_code == 200
    stats: dict[str, Any] = response.get_json()
    assert stats["messages"] == 7 and stats["senders"] == 4 and stats["by_channel"] == {"api": 7}
    assert stats["by_intent"] == {"attp": 6, "kcb": 1}
    assert stats["by_status"] == {"found": 3, "ambiguous": 1, "not_found": 3}
    assert {"channel": "api", "intent": "attp", "status": "not_found", "count": 2} in stats["counts"]
    assert stats["unmatched"]["food_safety"] == [{"query": "zzqx wvvk", "count": 2}]
    assert stats["unmatched"]["clinics"] == [{"query": "qqqq xxxx", "count": 1}]
    assert app.test_client().get(f"/api/v1/stats?day={stats['day']}", headers={"X-API-Key": KEY}).get_json() == stats
    empty = app.test_client().get("/api/v1/stats?day=2001-01-01", headers={"X-API-Key": KEY}).get_json()
    assert empty["messages"] == 0 and empty["unmatched"] == {}


def test_the_stats_endpoint_wants_the_key_and_a_date(app: Flask) -> None:
    assert app.test_client().get("/api/v1/stats").status_code == 401
    bad = app.test_client().get("/api/v1/stats?day=yesterday", headers={"X-API-Key": KEY})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_json()["error"]
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "day" in {p["name"] for p in doc["paths"]["/api/v1/stats"]["get"]["parameters"]}


def test_tongdai_stats_prints_the_same_figures(app: Flask, state_config: dict[str, str],
                                               monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                               catalog: Catalog) -> None:
    for name in ("REDIS_URL", "TONGDAI_REDIS_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in state_config.items():
        monkeypatch.setenv(name, value)
    api = app.test_client().get("/api/v1/stats", headers={"X-API-Key": KEY}).get_json()
    if "REDIS_URL" not in state_config:  # the stand-in lives in the web process: the command cannot see it
        assert cli_stats.run(cli("stats"), catalog) == 2 and "REDIS_URL" in capsys.readouterr().err
        return
    assert cli_stats.run(cli("stats", "--json"), catalog) == 0
    assert json.loads(capsys.readouterr().out) == api
    assert cli_stats.run(cli("stats", "--day", api["day"], "--top", "1"), catalog) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{api['day']}: 7 messages from about 4 senders")
    assert "api        attp       not_found            2" in out and "      2  zzqx wvvk" in out
    with pytest.raises(SystemExit):
        cli("stats", "--day", "04/11/2026")


def test_no_phone_number_or_user_id_is_kept_in_clear(app: Flask, state_config: dict[str, str]) -> None:
    if "REDIS_URL" not in state_config:
        pytest.skip("what Redis holds is the question")
    client = redis.Redis.from_url(state_config["REDIS_URL"])
    # DUMP serialises any type (small hashes and sorted sets keep their strings as they are): search it all.
    dump = b"\n".join(key + b" " + (client.dump(key) or b"")
                       for key in client.scan_iter(match=state_config["TONGDAI_REDIS_PREFIX"] + "*"))
    assert b"conv:api:" in dump and b"stats:" in dump and b"zzqx wvvk" in dump
    for secret in (b"84905123456", b"905123456", b"84905000001", b"zalo-user-99"):
        assert secret not in dump


def test_production_needs_a_sender_salt_with_redis(caplog: pytest.LogCaptureFixture) -> None:
    production = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": KEY,
                  "REDIS_URL": "redis://127.0.0.1:6379/0"}
    with pytest.raises(ConfigError, match="TONGDAI_SENDER_SALT"):
        Settings.from_env({}, **production).check()
    Settings.from_env({}, **production, TONGDAI_SENDER_SALT="s3cret").check()
    Settings.from_env({}, TONGDAI_CHANNELS="api", REDIS_URL="redis://127.0.0.1:6379/0").check()
    assert "TONGDAI_SENDER_SALT is not set" in caplog.text
    sms = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "gateway", "SMS_GATEWAY_KEY": KEY,
           "SMS_GATEWAY_CPID": "1022DN"}  # opt-outs are kept by salted hash, with or without Redis
    with pytest.raises(ConfigError, match="TONGDAI_SENDER_SALT is required in production: opt-outs"):
        Settings.from_env({}, **sms).check()
    Settings.from_env({}, **sms, TONGDAI_SENDER_SALT="s3cret").check()
    with pytest.raises(ConfigError, match="TONGDAI_RATE_LIMIT"):
        Settings.from_env({"TONGDAI_RATE_LIMIT": "-1"}).check()
