"""A report without a place asks "Ở đâu?" once, through the conversation state: the sender's next message, unless it
is a keyword, a number for a list or a STOP word, is that ticket's place (a street or ward when recognised, else the
text as written). Through the signed Twilio webhook and Zalo, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fake_zalo import FakeZalo
from flask import Flask
from reports_kit import api, code_in, twilio_sms
from zalo_kit import Rig

from app.exchange import CONVERSATION_TTL
from app.reports.desk import store_of
from app.services import services
from app.state.store import Op

VI_ASK = "O dau? Gui ten duong/phuong."
EN_ASK = "Where is it? Send the street or ward."


def ticket(app: Flask, code: str) -> Any:
    return api(app, "GET", f"/api/v1/reports/{code}").get_json()


def test_the_next_sms_is_the_place(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    asked = twilio_sms(app, "PA cay do chan loi di")
    code = code_in(asked)
    assert VI_ASK in asked
    noted = twilio_sms(app, "120 Le Duan")
    assert noted.startswith(f"Da ghi dia diem cho PA-{code}: 120 Le Duan, Hai Chau")
    found = ticket(app, code)
    assert found["address"] == "120 Lê Duẩn, Hải Châu" and found["ward"] == "Hải Châu"
    assert found["history"][-1]["action"] == "place"
    assert "Da ghi dia diem" not in twilio_sms(app, "Nguyen Van Linh")  # asked once: this is a lookup again


def test_an_unknown_place_is_kept_as_written_in_english(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    asked = twilio_sms(app, "REPORT a fallen tree blocks the lane")
    code = code_in(asked)
    assert EN_ASK in asked
    noted = twilio_sms(app, "behind the new market gate")
    assert noted.startswith(f"Place of PA-{code} noted: behind the new market gate.")
    assert ticket(app, code)["address"] == "behind the new market gate"


def test_the_question_expires_with_the_conversation(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA nap cong bi vo"))
    state = services(app).state
    [question] = state.keys("conv:*")
    assert state.execute([Op("ttl", question)]) == [CONVERSATION_TTL]
    state.execute([Op("delete", question)])  # as if seven minutes had passed
    assert "Da ghi dia diem" not in twilio_sms(app, "120 Le Duan")
    assert ticket(app, code)["address"] == ""


@pytest.mark.parametrize(("then", "says"), [
    ("TT", "Phan anh gan nhat cua ban"),  # a keyword is answered as one
    ("2", "Danh sach da het han"),  # a number answers a list, and there is none
    ("STOP", "Ban da ngung nhan tin"),  # an opt-out is an opt-out
])
def test_a_keyword_a_number_or_stop_is_not_a_place(reports_app: Callable[..., Flask], then: str, says: str) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA co nguoi do rac ra duong"))
    assert says in twilio_sms(app, then)
    assert ticket(app, code)["address"] == ""


def test_a_zalo_text_after_the_question_is_the_place(zalo_reports: Rig) -> None:
    rig = zalo_reports
    rig.queue("user_send_text", "PA cột điện nghiêng sắp đổ", "pa-q1")
    assert rig.drain() == {"done": 1}
    asked = said(rig.fake)
    assert "Ở đâu? Gửi tên đường/phường hoặc vị trí Zalo." in asked
    code = code_in(asked)
    rig.queue("user_send_text", "đường Trần Phú", "pa-q2")
    assert rig.drain() == {"done": 1}
    assert said(rig.fake).startswith(f"Đã ghi địa điểm cho PA-{code}: Trần Phú")
    found = store_of(rig.svc.reports).get(code)
    assert found is not None and found.place.street == "Trần Phú"


def said(fake: FakeZalo) -> str:
    return str(fake.sends[-1].json["message"]["text"])

