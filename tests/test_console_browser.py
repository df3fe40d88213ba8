"""The console in a real headless Chromium: sign-in, trying a message, the report queue (a status change reaches
the reporter through the fake Zalo API), a broken upload's row errors, resending a dead letter."""

from __future__ import annotations

import re
from typing import Any

from console_kit import Console, shot, sign_in
from fake_zalo import FakeZalo
from reports_kit import code_in
from zalo_kit import LATER, USER

ROOT_FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "imports"


def said(fake: FakeZalo) -> list[tuple[str, str]]:
    return [(s.json["recipient"]["user_id"], s.json["message"]["text"]) for s in fake.sends]


def test_sign_in_works_and_a_wrong_password_does_not(console: Console, page: Any) -> None:
    sign_in(page, console, "an", "not-the-password")
    assert page.url.startswith(f"{console.url}/console/login")
    assert page.get_by_role("alert").inner_text() == "Sai tên đăng nhập hoặc mật khẩu."
    page.goto(f"{console.url}/console/reports")  # still signed out
    assert "/console/login" in page.url
    sign_in(page, console, "an")
    assert page.url == f"{console.url}/console/reports"
    assert "an (admin)" in page.locator("header").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "tongdai_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reports"
    page.get_by_role("button", name="Sign out").click()
    assert "/console/login" in page.url


def test_try_a_message_shows_both_renderings_and_the_candidates(console: Console, page: Any) -> None:
    sign_in(page, console)
    page.goto(f"{console.url}/console/try")
    page.get_by_label("Tin nhắn").fill("attp pho hoa le duan")
    page.get_by_role("button", name="Gửi").click()
    sms, zalo = page.locator("#sms pre").inner_text(), page.locator("#zalo pre").inner_text()
    assert "Pho Hoa" in sms and "Phở Hòa" in zalo  # accent-free SMS, full Vietnamese on Zalo
    assert re.search(r"\d+ ký tự · [123] đoạn · Chỉ ký tự GSM-7", page.locator("#sms").inner_text())
    assert '"intent": "attp"' in page.locator("#json pre").inner_text()
    assert page.locator("#decision").inner_text() == "found"
    assert "Phở Hòa" in page.locator("#candidates").inner_text()
    shot(page, "try", full_page=False)


def test_conversation_mode_answers_a_number_from_the_list(console: Console, page: Any) -> None:
    sign_in(page, console)
    page.goto(f"{console.url}/console/try")
    page.get_by_label("Chế độ hội thoại (giữ danh sách: 1-5, THEM)").check()
    page.get_by_label("Tin nhắn").fill("KCB nhi hai chau")
    page.get_by_role("button", name="Gửi").click()
    assert page.locator("#decision").inner_text() == "ambiguous"
    page.get_by_label("Tin nhắn").fill("1")
    page.get_by_role("button", name="Gửi").click()
    assert page.locator("#decision").inner_text() == "found"
    assert page.locator("ol li").count() == 2  # the conversation so far


def test_a_status_change_reaches_the_zalo_reporter(console: Console, page: Any) -> None:
    rig = console.rig
    rig.queue("user_send_text", "PA ổ gà lớn trước 120 Lê Duẩn", "pa-console-1")
    assert rig.drain() == {"done": 1}
    code = code_in(said(rig.fake)[-1][1])
    sign_in(page, console, "binh")
    page.get_by_label("Trạng thái").select_option("received")
    page.get_by_role("button", name="Lọc").click()
    assert f"PA-{code}" in page.locator("#queue").inner_text()
    assert page.locator("#map circle[r='7']").count() == 1  # the open ticket on the map
    shot(page, "reports", full_page=False)
    page.get_by_role("link", name=f"PA-{code}", exact=True).click()
    page.get_by_label("Trạng thái").select_option("in_progress")
    page.get_by_label("Ghi chú công khai (gửi cho người phản ánh)").fill("Đã giao đội duy tu, vá trong 3 ngày.")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#status").inner_text() == "Đang xử lý"
    history = page.locator("#history").inner_text()
    assert "Tiếp nhận phản ánh: lĩnh vực Giao thông, cơ quan" in history and "Cập nhật" in history
    assert "binh" in history and "Người dân (zalo)" in history and "operator:" not in history
    assert "Đã tiếp nhận → Đang xử lý" in history and "Thông báo: thông báo đã xếp hàng gửi qua zalo" in history
    assert "created" not in history and "in_progress" not in history  # the stored English stays out of the page
    shot(page, "ticket", full_page=False)
    sent_before = len(rig.fake.sends)
    assert rig.drain() == {"done": 1}
    [(user, text)] = said(rig.fake)[sent_before:]
    assert user == USER and text.startswith(f"PA-{code}: Đang xử lý") and "vá trong 3 ngày" in text


def test_a_broken_upload_shows_its_row_errors(console: Console, page: Any) -> None:
    sign_in(page, console)
    page.goto(f"{console.url}/console/data")
    page.get_by_label("Bộ dữ liệu").select_option("food_safety")
    page.get_by_label("Tệp").set_input_files(str(ROOT_FIXTURES / "food_registry.xlsx"))
    page.get_by_role("button", name="Chỉ kiểm tra").click()
    problems = page.locator("#problems").inner_text()
    assert "unparseable date '31/02/2026'" in problems and "duplicate id 'HX001' (first on row 4)" in problems
    assert "read 9 rows, accepted 4, rejected 5" in page.locator("#outcome").inner_text()
    shot(page, "data", full_page=False)


def test_a_dead_letter_is_resent_from_the_page(console: Console, page: Any) -> None:
    rig = console.rig
    rig.fake.script = [-32, -32, -32]
    rig.queue()
    assert [rig.drain(LATER + i) for i in range(3)] == [{"retry": 1}, {"retry": 1}, {"dead": 1}]
    sign_in(page, console, "binh")
    page.goto(f"{console.url}/console/failed")
    assert "rate_limited: -32 fake error -32" in page.locator("#letters").inner_text()
    assert USER not in page.locator("#letters").inner_text()  # masked
    shot(page, "failed", full_page=False)
    [letter] = rig.box.dead_letters()
    page.get_by_role("button", name=f"Gửi lại {letter.id}").click()
    assert page.locator("#no-letters").is_visible()
    assert len(rig.fake.sends) == 4 and rig.box.dead_letters() == []


class TileServer:
    """A map tile server on loopback: a 1x1 PNG for every path, and the paths asked for."""

    PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d4944415478da63f8cfc0f01f0005000201a3c2f0b90000000049454e44ae426082")

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.paths: list[str] = []
        tiles = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                tiles.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tiles.PNG)))
                self.end_headers()
                self.wfile.write(tiles.PNG)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_with_a_tile_url_the_open_reports_are_on_a_leaflet_map(console: Console, page: Any) -> None:
    import dataclasses

    from app.services import services

    tiles = TileServer()
    svc = services(console.app)
    svc.settings = dataclasses.replace(svc.settings, TONGDAI_MAP_TILES=tiles.url + "/{z}/{x}/{y}.png",
                                       TONGDAI_MAP_ATTRIBUTION="© test tiles")
    try:
        rig = console.rig
        rig.queue("user_send_text", "PA rác thải trên đường Trần Phú", "pa-map-1")
        assert rig.drain() == {"done": 1}
        code = code_in(said(rig.fake)[-1][1])
        sign_in(page, console, "chi")
        page.locator(".leaflet-marker-icon").first.wait_for()
        assert page.locator(".leaflet-marker-icon").count() == 1
        assert page.locator("#map").is_hidden()  # the drawn map gives way to the tiled one
        assert "© test tiles" in page.locator(".leaflet-control-attribution").inner_text()
        page.locator(".leaflet-marker-icon").click()
        page.get_by_role("link", name=re.compile(f"PA-{code}")).last.click()
        assert page.get_by_role("heading", level=1).inner_text() == f"Phản ánh PA-{code}"
        assert tiles.paths and all(re.fullmatch(r"/\d+/\d+/\d+\.png", p) for p in tiles.paths)
    finally:
        tiles.stop()
