"""A ticket's history in the console's language: every detail shape ``app.reports`` stores, re-worded, with its
values kept; an unknown shape shown as stored."""

from __future__ import annotations

import pytest

from app.console.history import action_text, actor_text, detail_text

DETAILS = [
    ("service ngap, agency Công ty Thoát nước", "lĩnh vực ngap, cơ quan Công ty Thoát nước",
     "service ngap, agency Công ty Thoát nước"),
    ("place 120 Lê Duẩn, Hải Châu", "địa điểm: 120 Lê Duẩn, Hải Châu", "place: 120 Lê Duẩn, Hải Châu"),
    ("location 16.067000, 108.220000", "vị trí 16.067000, 108.220000", "location 16.067000, 108.220000"),
    ("photo media/ab/cd.jpg", "ảnh media/ab/cd.jpg", "photo media/ab/cd.jpg"),
    ("agency 'A' -> 'B'", "cơ quan A → B", "agency A → B"),
    ("PA-7KQ3M merged into this ticket", "PA-7KQ3M đã được gộp vào phản ánh này", "PA-7KQ3M merged into this ticket"),
    ("contact details removed", "đã xóa thông tin liên hệ", "contact details removed"),
    ("notice queued on zalo (report:PA-7KQ3M:1)", "thông báo đã xếp hàng gửi qua zalo (report:PA-7KQ3M:1)",
     "notice queued on zalo (report:PA-7KQ3M:1)"),
    ("notice queued on gateway (k1), held for the quiet hours until 07:00 03/12/2026",
     "thông báo đã xếp hàng gửi qua gateway (k1), giữ lại qua giờ yên lặng đến 07:00 03/12/2026",
     "notice queued on gateway (k1), held for the quiet hours until 07:00 03/12/2026"),
    ("notice queued before on twilio (k2)", "thông báo đã xếp hàng từ trước qua twilio (k2)",
     "notice already queued on twilio (k2)"),
    ("notice NOT sent: opted out on zalo (k3): sent STOP",
     "KHÔNG gửi thông báo (người dân đã từ chối nhận tin) qua zalo (k3): sent STOP",
     "notice NOT sent (opted out) on zalo (k3): sent STOP"),
    ("something new", "something new", "something new"),
]


@pytest.mark.parametrize(("stored", "vietnamese", "english"), DETAILS)
def test_each_detail_reads_in_the_pages_language(stored: str, vietnamese: str, english: str) -> None:
    assert detail_text(stored, "vi") == vietnamese
    assert detail_text(stored, "en") == english


@pytest.mark.parametrize(("action", "vietnamese", "english"), [
    ("created", "Tiếp nhận phản ánh", "Report filed"), ("update", "Cập nhật", "Update"),
    ("notice", "Thông báo", "Notice"),
    ("merged_in", "Gộp phản ánh trùng vào đây", "Duplicate merged in"), ("later", "later", "later")])
def test_each_action_has_a_label(action: str, vietnamese: str, english: str) -> None:
    assert (action_text(action, "vi"), action_text(action, "en")) == (vietnamese, english)


def test_a_categorys_code_reads_as_its_name() -> None:
    names = {"ngap": "Ngập úng"}
    assert detail_text("service ngap, agency Công ty Thoát nước", "vi", names) == (
        "lĩnh vực Ngập úng, cơ quan Công ty Thoát nước")
    assert detail_text("service rac, agency X", "vi", names) == "lĩnh vực rac, cơ quan X"  # a retired category


@pytest.mark.parametrize(("actor", "vietnamese", "english"), [
    ("operator:binh", "binh", "binh"), ("resident:zalo", "Người dân (zalo)", "Resident (zalo)"),
    ("resident", "Người dân", "Resident"), ("open311", "Ứng dụng Open311", "Open311 client"),
    ("system", "Hệ thống", "System"), ("robot:7", "robot:7", "robot:7")])
def test_who_did_a_step_reads_in_words(actor: str, vietnamese: str, english: str) -> None:
    assert (actor_text(actor, "vi"), actor_text(actor, "en")) == (vietnamese, english)
