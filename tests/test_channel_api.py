"""The operators' JSON API, health, readiness, metrics and configuration, through the Flask test client."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.config import ConfigError, Settings

KEY = "test-api-key"


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": KEY}).test_client()


def post(client: FlaskClient, body: Any, key: str | None = KEY) -> Any:
    headers = {"X-API-Key": key} if key is not None else {}
    return client.post("/api/v1/query", json=body, headers=headers)


@pytest.mark.parametrize(("channel", "check"), [
    ("sms", lambda r: r["rendered"].startswith("Pho Hoa\nDia chi") and r["rendered"].isascii()),
    ("zalo", lambda r: r["rendered"].startswith("Phở Hòa")),
    ("json", lambda r: r["rendered"] is None and r["reply"]["fields"][0]["label"] == "Địa chỉ"),
])
def test_query_renders_for_each_channel(client: FlaskClient, channel: str, check: Any) -> None:
    response = post(client, {"text": "ATTP pho hoa le duan", "channel": channel, "sender": "op-1"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["reply"]["status"] == "found" and body["channel"] == channel and check(body)
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize(("body", "reason"), [
    ("not json", "JSON object"), ({"channel": "sms"}, '"text" is required'), ({"text": 5}, '"text" is required'),
    ({"text": "x", "channel": "fax"}, '"channel" must be'), ({"text": "x" * 2001}, "longer than"),
    ({"text": "x", "sender": 7}, '"sender"'),
])
def test_malformed_requests_get_400_with_a_reason(client: FlaskClient, body: Any, reason: str) -> None:
    response = client.post("/api/v1/query", data=body if isinstance(body, str) else None,
                           json=None if isinstance(body, str) else body, headers={"X-API-Key": KEY},
                           content_type="application/json")
    assert response.status_code == 400 and reason in response.get_json()["error"]


@pytest.mark.parametrize("key", [None, "", "wrong"])
def test_api_key_is_required(client: FlaskClient, key: str | None) -> None:
    response = post(client, {"text": "attp pho hoa"}, key=key)
    assert response.status_code == 401 and "X-API-Key" in response.get_json()["error"]


def test_huge_body_is_refused(client: FlaskClient) -> None:
    response = client.post("/api/v1/query", data=b"{" + b" " * 70_000 + b"}", headers={"X-API-Key": KEY},
                           content_type="application/json")
    assert response.status_code == 413


def test_openapi_document_describes_the_query(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/api/v1/query" in doc["paths"]
    example = doc["paths"]["/api/v1/query"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    reply = post(client, {"text": example["properties"]["text"]["examples"][0]}).get_json()["reply"]
    assert set(doc["components"]["schemas"]["Reply"]["required"]) <= set(reply)


def test_health_readiness_and_metrics(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and set(ready.get_json()["checks"]) >= {"food_safety", "bus", "land_price",
                                                                            "clinics", "schools"}
    post(client, {"text": "attp pho hoa le duan"})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'tongdai_messages_total{channel="api",intent="attp",status="found"}' in text
    assert "tongdai_reply_seconds_bucket" in text and 'tongdai_webhook_rejected_total{channel="api"' in text


def test_production_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ConfigError, match="TONGDAI_API_KEY"):
        create_app({"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "api"})
    with pytest.raises(ConfigError, match="TONGDAI_ENV"):
        Settings.from_env({}, TONGDAI_ENV="staging").check()
    with pytest.raises(ConfigError, match="TONGDAI_MAX_BODY"):
        Settings.from_env({"TONGDAI_MAX_BODY": "lots"})


def test_development_without_key_warns_and_answers(caplog: pytest.LogCaptureFixture) -> None:
    client = create_app({"TONGDAI_CHANNELS": "api"}).test_client()
    assert "TONGDAI_API_KEY is not set" in caplog.text
    assert post(client, {"text": "xb 01"}, key=None).status_code == 200
