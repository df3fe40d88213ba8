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


def test_sign_in_works_and_a_wrong_password_does_not(page: Any, console: Console) -> None:
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


def test_try_a_message_shows_both_renderings_and_the_candidates(page: Any, console: Console) -> None:
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
    shot(page, "try")


def test_conversation_mode_answers_a_number_from_the_list(page: Any, console: Console) -> None:
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


def test_a_status_change_reaches_the_zalo_reporter(page: Any, console: Console) -> None:
    rig = console.rig
    rig.queue("user_send_text", "PA ổ gà lớn trước 120 Lê Duẩn", "pa-console-1")
    assert rig.drain() == {"done": 1}
    code = code_in(said(rig.fake)[-1][1])
    sign_in(page, console, "binh")
    page.get_by_label("Trạng thái").select_option("received")
    page.get_by_role("button", name="Lọc").click()
    assert f"PA-{code}" in page.locator("#queue").inner_text()
    assert page.locator("#map circle[r='6']").count() == 1  # the open ticket on the map
    shot(page, "reports")
    page.get_by_role("link", name=f"PA-{code}", exact=True).click()
    page.get_by_label("Trạng thái").select_option("in_progress")
    page.get_by_label("Ghi chú công khai (gửi cho người phản ánh)").fill("Đã giao đội duy tu, vá trong 3 ngày.")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator("#status").inner_text() == "Đang xử lý"
    assert "operator:binh" in page.locator("#history").inner_text()
    shot(page, "ticket")
    sent_before = len(rig.fake.sends)
    assert rig.drain() == {"done": 1}
    [(user, text)] = said(rig.fake)[sent_before:]
    assert user == USER and text.startswith(f"PA-{code}: Đang xử lý") and "vá trong 3 ngày" in text


def test_a_broken_upload_shows_its_row_errors(page: Any, console: Console) -> None:
    sign_in(page, console)
    page.goto(f"{console.url}/console/data")
    page.get_by_label("Bộ dữ liệu").select_option("food_safety")
    page.get_by_label("Tệp").set_input_files(str(ROOT_FIXTURES / "food_registry.xlsx"))
    page.get_by_role("button", name="Chỉ kiểm tra").click()
    problems = page.locator("#problems").inner_text()
    assert "unparseable date '31/02/2026'" in problems and "duplicate id 'HX001' (first on row 4)" in problems
    assert "read 9 rows, accepted 4, rejected 5" in page.locator("#outcome").inner_text()
    shot(page, "data")


def test_a_dead_letter_is_resent_from_the_page(page: Any, console: Console) -> None:
    rig = console.rig
    rig.fake.script = [-32, -32, -32]
    rig.queue()
    assert [rig.drain(LATER + i) for i in range(3)] == [{"retry": 1}, {"retry": 1}, {"dead": 1}]
    sign_in(page, console, "binh")
    page.goto(f"{console.url}/console/failed")
    assert "rate_limited: -32 fake error -32" in page.locator("#letters").inner_text()
    assert USER not in page.locator("#letters").inner_text()  # masked
    shot(page, "failed")
    [letter] = rig.box.dead_letters()
    page.get_by_role("button", name=f"Gửi lại {letter.id}").click()
    assert page.locator("#no-letters").is_visible()
    assert len(rig.fake.sends) == 4 and rig.box.dead_letters() == []
