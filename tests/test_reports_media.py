"""Zalo locations and photos join a report sent within 10 minutes, before or after it; photos are copied (Zalo's
links do not last) and served to operators and as Open311 media_url."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fake_zalo import FakeZalo, event
from reports_kit import code_in
from zalo_kit import Rig

from app import create_app
from app.channels.zalo.messages import TEXT_ONLY
from app.reports.desk import store_of

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


@pytest.fixture
def photo_host() -> Iterator[str]:
    """A loopback stand-in for Zalo's photo CDN: /ok.png is a PNG, /page is HTML."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body, kind = (PNG, "image/png") if self.path == "/ok.png" else (b"<html></html>", "text/html")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def queue_raw(rig: Rig, name: str, msg_id: str, change: Any) -> None:
    body = json.loads(event(name))
    body["message"]["msg_id"] = msg_id
    change(body["message"])
    rig.box.enqueue(msg_id, body["sender"]["id"], json.dumps(body))


def last_text(fake: FakeZalo) -> str:
    return str(fake.sends[-1].json["message"]["text"])


def test_location_after_the_report_gives_it_coordinates(zalo_reports: Rig) -> None:
    rig = zalo_reports
    rig.queue("user_send_text", "PA nắp hố ga bị mất, nguy hiểm", "pa-l1")
    rig.drain()
    code = code_in(last_text(rig.fake))
    assert "Ở đâu? Gửi tên đường/phường hoặc vị trí Zalo." in last_text(rig.fake)
    rig.queue("user_send_location", None, "loc-1")
    assert rig.drain() == {"done": 1}
    assert last_text(rig.fake) == f"Đã ghi vị trí cho phản ánh PA-{code}."
    ticket = store_of(rig.svc.reports).get(code)
    assert ticket is not None and (ticket.place.lat, ticket.place.lon) == (16.07054, 108.20897)


def test_location_before_the_report_joins_it(zalo_reports: Rig) -> None:
    rig = zalo_reports
    rig.queue("user_send_location", None, "loc-2")
    rig.drain()
    assert "Gần vị trí của bạn" in last_text(rig.fake)  # no report yet: the places near it, as always
    rig.queue("user_send_text", "PA cây đổ chắn ngang đường", "pa-l2")
    rig.drain()
    text = last_text(rig.fake)
    assert "Vị trí: đã ghi từ Zalo" in text and "Ở đâu?" not in text
    ticket = store_of(rig.svc.reports).get(code_in(text))
    assert ticket is not None and ticket.place.lat == 16.07054


def test_old_location_does_not_join(zalo_reports: Rig) -> None:
    rig = zalo_reports
    store = store_of(rig.svc.reports)
    from app.reports.media_types import Media

    assert store.attach("someone", [Media("location", 1.0, 2.0)], datetime.now(UTC) - timedelta(minutes=11),
                        timedelta(minutes=10)) is None
    rig.queue("user_send_text", "PA rác ở chợ", "pa-l3")
    rig.drain()
    ticket = store.get(code_in(last_text(rig.fake)))
    assert ticket is not None and ticket.place.lat is None


def test_photos_are_copied_served_and_in_open311(zalo_reports: Rig, photo_host: str, catalog: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rig = zalo_reports
    rig.queue("user_send_text", "PA rác thải đổ trộm ở Trần Phú", "pa-p1")
    rig.drain()
    code = code_in(last_text(rig.fake))
    queue_raw(rig, "user_send_image", "img-1", lambda m: m["attachments"].extend([
        {"type": "image", "payload": {"url": f"{photo_host}/page"}}]) or m["attachments"][0]["payload"].update(
        url=f"{photo_host}/ok.png"))
    assert rig.drain() == {"done": 1}
    assert last_text(rig.fake) == f"Đã nhận 2 ảnh cho phản ánh PA-{code}."
    app = create_app({"CATALOG": catalog, "TONGDAI_CHANNELS": "api,zalo"})
    app.extensions["tongdai"].desk = rig.svc.reports
    client = app.test_client()
    [found] = client.get(f"/open311/v2/requests/{code}.json").get_json()
    assert found["media_url"].startswith("http://localhost/reports/media/") and found["media_url"].endswith(".png")
    served = client.get(found["media_url"].removeprefix("http://localhost"))
    assert served.status_code == 200 and served.data == PNG
    shown = client.get(f"/api/v1/reports/{code}").get_json()
    assert [a["url"].startswith("/reports/media/") for a in shown["attachments"]] == [True, False]  # HTML: link only
    assert shown["attachments"][1]["url"] == f"{photo_host}/page"
    assert [h["action"] for h in shown["history"]].count("attachment") == 2
    assert list(Path(rig.svc.settings.state_dir, "reports-media").iterdir())[0].read_bytes() == PNG


def test_photos_before_the_report_wait_for_it_and_are_copied_then(zalo_reports: Rig, photo_host: str,
                                                                    catalog: Any) -> None:
    rig = zalo_reports
    queue_raw(rig, "user_send_image", "img-2", lambda m: m["attachments"].extend([
        {"type": "image", "payload": {"url": f"{photo_host}/page"}}]) or m["attachments"][0]["payload"].update(
        url=f"{photo_host}/ok.png"))
    rig.drain()
    assert last_text(rig.fake) == TEXT_ONLY  # most pictures sent to the OA are not reports: nothing fetched yet
    assert not Path(rig.svc.settings.state_dir, "reports-media").exists()
    rig.queue("user_send_text", "PA đèn đường không sáng ở Hùng Vương", "pa-p2")
    rig.drain()
    text = last_text(rig.fake)
    assert "Ảnh: 2" in text
    code = code_in(text)
    ticket = store_of(rig.svc.reports).get(code)
    assert ticket is not None
    copy, link = ticket.media_urls
    assert copy.startswith("/reports/media/") and copy.endswith(".png") and link == f"{photo_host}/page"  # HTML
    app = create_app({"CATALOG": catalog, "TONGDAI_CHANNELS": "api,zalo"})
    app.extensions["tongdai"].desk = rig.svc.reports
    client = app.test_client()
    [found] = client.get(f"/open311/v2/requests/{code}.json").get_json()
    assert found["media_url"] == f"http://localhost{copy}"
    assert client.get(copy).data == PNG
