"""Open311 GeoReport v2 under /open311/v2/: a POST then GET round trip with the spec's field list, JSON and XML,
the spec's error form, filters, tokens; on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from reports_kit import API_KEY, api, code_in, twilio_sms

# The spec's fields of a service request (GET requests), in its order.
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
POST = {"api_key": API_KEY, "service_code": "giao_thong", "lat": "16.0715", "long": "108.2165",
        "address_string": "120 Lê Duẩn, Hải Châu", "description": "Ổ gà lớn giữa đường, gọi tôi 0905 123 456",
        "email": "an@example.vn", "phone": "0905123456", "first_name": "An", "media_url": "https://img.example/1.jpg"}


def test_post_then_get_round_trip(reports_app: Callable[..., Flask]) -> None:
    client = reports_app().test_client()
    posted = client.post("/open311/v2/requests.json", data=POST)
    assert posted.status_code == 200, posted.data
    [created] = posted.get_json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    request_id = created["service_request_id"]
    assert request_id.startswith("PA-") and "7 ngày" in created["service_notice"]
    [found] = client.get(f"/open311/v2/requests/{request_id}.json").get_json()
    assert list(found) == REQUEST_FIELDS
    assert found["service_request_id"] == request_id and found["status"] == "open"
    assert found["service_code"] == "giao_thong" and found["service_name"] == "Giao thông"
    assert found["agency_responsible"] == "Sở Xây dựng" and found["address"] == "120 Lê Duẩn, Hải Châu"
    assert (found["lat"], found["long"]) == (16.0715, 108.2165) and found["media_url"] == "https://img.example/1.jpg"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert found[name].endswith("+07:00") and datetime.fromisoformat(found[name])
    text = str(found)
    assert "0905" not in text and "example.vn" not in text and "An" not in found["description"].split()
    assert "[số điện thoại]" in found["description"]
    listed = client.get("/open311/v2/requests.json?status=open&service_code=giao_thong").get_json()
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert client.get("/open311/v2/requests.json?status=closed").get_json() == []
    xml = ET.fromstring(client.get(f"/open311/v2/requests.xml?service_request_id={request_id},PA-ZZZZZ").data)
    assert xml.tag == "service_requests" and [c.tag for c in xml[0]] == REQUEST_FIELDS
    assert xml[0].findtext("service_request_id") == request_id


def test_closed_status_and_notes_follow_the_operator(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA cay do chan duong Bach Dang", sender="+84905111222"))
    api(app, "PATCH", f"/api/v1/reports/{code}", json={"status": "resolved", "note": "Đã dọn xong cây đổ."})
    [found] = app.test_client().get(f"/open311/v2/requests/{code.lower()}.json").get_json()
    assert found["status"] == "closed" and found["status_notes"] == "Đã xử lý. Đã dọn xong cây đổ."
    assert "84905111222" not in str(found) and found["address"] == "Bạch Đằng, Hải Châu"


def test_services_discovery_and_definition(reports_app: Callable[..., Flask]) -> None:
    client = reports_app().test_client()
    listed = client.get("/open311/v2/services.json").get_json()
    assert all(list(s) == SERVICE_FIELDS for s in listed)
    codes = [s["service_code"] for s in listed]
    assert "giao_thong" in codes and "khac" in codes
    root = ET.fromstring(client.get("/open311/v2/services.xml").data)
    assert root.tag == "services" and [c.tag for c in root[0]] == SERVICE_FIELDS
    assert root[0].findtext("metadata") == "false"
    definition = client.get("/open311/v2/services/ngap.json").get_json()
    assert definition == {"service_code": "ngap", "attributes": []}
    found = client.get("/open311/v2/discovery.json").get_json()
    assert found["endpoints"][0]["url"] == "http://localhost/open311/v2"
    assert ET.fromstring(client.get("/open311/v2/discovery.xml").data).find("endpoints/endpoint/formats/format") \
        is not None


@pytest.mark.parametrize(("method", "path", "form", "status", "reason"), [
    ("POST", "/open311/v2/requests.json", {**POST, "api_key": "wrong"}, 403, "api_key"),
    ("POST", "/open311/v2/requests.json", {k: v for k, v in POST.items() if k != "api_key"}, 403, "api_key"),
    ("POST", "/open311/v2/requests.json", {**POST, "service_code": ""}, 400, "service_code was not provided"),
    ("POST", "/open311/v2/requests.json", {**POST, "service_code": "unicorns"}, 404, "unicorns not found"),
    ("POST", "/open311/v2/requests.json", {"api_key": API_KEY, "service_code": "ngap"}, 400, "location"),
    ("POST", "/open311/v2/requests.json", {**POST, "lat": "north"}, 400, "decimal degrees"),
    ("POST", "/open311/v2/requests.json", {**POST, "description": "x" * 4001}, 400, "4000"),
    ("GET", "/open311/v2/requests/PA-ZZZZZ.json", None, 404, "not found"),
    ("GET", "/open311/v2/services/unicorns.json", None, 404, "not found"),
    ("GET", "/open311/v2/tokens/nope.json", None, 404, "not found"),
    ("GET", "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", None, 400,
     "90 days"),
    ("GET", "/open311/v2/requests.json?status=pending", None, 400, "open or closed"),
    ("GET", "/open311/v2/requests.json?start_date=yesterday", None, 400, "w3 datetime"),
])
def test_errors_in_the_spec_form(reports_app: Callable[..., Flask], method: str, path: str,
                                 form: dict[str, str] | None, status: int, reason: str) -> None:
    client = reports_app().test_client()
    response = client.open(path, method=method, data=form)
    assert response.status_code == status
    [error] = response.get_json()
    assert error["code"] == status and reason in error["description"]
    xml = ET.fromstring(client.open(path.replace(".json", ".xml"), method=method, data=form).data)
    assert xml.tag == "errors" and xml[0].tag == "error" and xml[0].findtext("code") == str(status)


def test_token_mode(reports_app: Callable[..., Flask]) -> None:
    client = reports_app(TONGDAI_OPEN311_TOKENS=1).test_client()
    [created] = client.post("/open311/v2/requests.xml".replace(".xml", ".json"), data=POST).get_json()
    assert "service_request_id" not in created and created["token"]
    [resolved] = client.get(f"/open311/v2/tokens/{created['token']}.json").get_json()
    assert resolved["token"] == created["token"] and resolved["service_request_id"].startswith("PA-")
    xml = ET.fromstring(client.get(f"/open311/v2/tokens/{created['token']}.xml").data)
    assert xml.findtext("request/service_request_id") == resolved["service_request_id"]


def test_a_pa_and_an_open311_request_are_filed_alike(reports_app: Callable[..., Flask]) -> None:
    """Place, agency and due date are worked out in one place (``handlers.reports.filing``) for both channels."""
    from datetime import timedelta

    app = reports_app()
    by_sms = code_in(twilio_sms(app, "PA lan chiem via he truoc 120 Le Duan"))
    posted = app.test_client().post("/open311/v2/requests.json", data={
        "api_key": API_KEY, "service_code": "trat_tu", "address_string": "120 Le Duan", "description": "lan chiem"})
    by_open311 = posted.get_json()[0]["service_request_id"]
    tickets = [api(app, "GET", f"/api/v1/reports/{code}").get_json() for code in (f"PA-{by_sms}", by_open311)]
    for ticket in tickets:
        assert ticket["service_code"] == "trat_tu" and ticket["agency"] == "UBND phường Hải Châu"
        assert ticket["ward"] == "Hải Châu"
        due = datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])
        assert due == timedelta(days=5)
    assert [t["address"] for t in tickets] == ["120 Lê Duẩn, Hải Châu", "120 Le Duan"]  # Open311's, as it was sent
