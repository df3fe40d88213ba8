"""Every console page in Chromium at a phone's width (390 px): nothing scrolls sideways, every field has a label,
and the pages show what they are for (traffic charts, unmatched queries, health). Each page's screenshot is saved
(``var/console-screenshots``), at 390 px and at 800 px."""

from __future__ import annotations

from typing import Any

import requests
from console_kit import Console, shot, sign_in
from reports_kit import code_in

PAGES = ("login", "try", "reports", "ticket", "traffic", "unmatched", "data", "failed", "health")


def ask(console: Console, text: str, channel: str = "sms") -> None:
    response = requests.post(f"{console.url}/api/v1/query", json={"text": text, "channel": channel, "sender": "s1"},
                             headers={"X-API-Key": "console-test-key"}, timeout=10)
    assert response.status_code == 200


def unlabelled(page: Any) -> list[str]:
    """Fields with no label a screen reader would read."""
    return list(page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(f => !(f.labels && f.labels.length) && !f.getAttribute('aria-label')).map(f => f.name || f.id)"""))


def test_every_page_fits_a_phone_and_labels_every_field(console: Console, page: Any) -> None:
    for text in ("attp pho hoa le duan", "attp quan khong co that", "bus 05", "kcb benh vien khong ton tai"):
        ask(console, text)
    rig = console.rig
    rig.queue("user_send_text", "PA ngập nước đường Nguyễn Văn Linh", "pa-pages-1")
    assert rig.drain() == {"done": 1}
    code = code_in(rig.fake.sends[-1].json["message"]["text"])
    urls = {"login": "/console/login", "try": "/console/try", "reports": "/console/reports",
            "ticket": f"/console/reports/PA-{code}", "traffic": "/console/traffic",
            "unmatched": "/console/unmatched", "data": "/console/data", "failed": "/console/failed",
            "health": "/console/health"}
    for width in (390, 800):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 1000})
        page.goto(f"{console.url}/console/login")
        shot(page, f"{width}-login", full_page=width == 390)
        assert unlabelled(page) == []
        sign_in(page, console)
        for name in PAGES[1:]:
            page.goto(console.url + urls[name])
            if name == "try":
                page.get_by_label("Tin nhắn").fill("KCB nhi hai chau")
                with page.expect_navigation(wait_until="load"):  # the answer's page with its style sheet loaded
                    page.get_by_role("button", name="Gửi").click()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            assert unlabelled(page) == [], name
            shot(page, f"{width}-{name}", full_page=width == 390)
        page.get_by_role("button", name="Đăng xuất").click()
    page.goto(console.url + urls["traffic"])
    sign_in(page, console)
    page.goto(console.url + urls["traffic"])
    assert page.locator("#today-messages").inner_text() == "5"  # four lookups by API, one PA on Zalo
    assert page.locator("svg[aria-label='Theo kênh']").count() == 1
    page.goto(console.url + urls["unmatched"])
    assert "quan khong co that" in page.locator("#un-food_safety").inner_text()
    page.goto(console.url + urls["health"])
    assert "reports.sqlite3" in page.locator("#h-database").inner_text()
    assert "food_safety: base" in page.locator("#workers").inner_text().replace("\n", " ")


def test_keyboard_alone_signs_in(console: Console, page: Any) -> None:
    page.goto(f"{console.url}/console/login")
    # The name field has autofocus, which takes effect when the page is first rendered: on a busy machine after
    # `load`, and a Tab pressed before then moved on from wherever it landed (a flaky failure of a full suite).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'username'")
    page.keyboard.type("an")
    page.keyboard.press("Tab")
    page.keyboard.type("admin-pass-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{console.url}/console/reports")
