"""The thin web service: the same dispatcher behind ``/ask``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app import create_app


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return create_app().test_client()


def test_health(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize("channel", ["sms", "zalo", "json"])
def test_ask(client: FlaskClient, channel: str) -> None:
    body = client.get("/ask", query_string={"text": "attp pho hoa le duan", "channel": channel}).get_json()
    assert body["reply"]["status"] == "found"
    assert body["rendered"]


def test_ask_json_body(client: FlaskClient) -> None:
    assert client.post("/ask", json={"text": "xb 01"}).get_json()["reply"]["intent"] == "bus"


@pytest.mark.parametrize(("kwargs", "reason"), [({"json": {"nope": 1}}, "text"),
                                                ({"query_string": {"text": "x", "channel": "fax"}}, "channel")])
def test_bad_requests_get_400_with_a_reason(client: FlaskClient, kwargs: dict[str, object], reason: str) -> None:
    response = client.post("/ask", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400 and reason in response.get_json()["error"]
