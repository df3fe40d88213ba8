"""Residents file reports (PA) and follow them (TT) by SMS: through the signed Twilio webhook and the short-code
gateway, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from reports_kit import code_in, gateway_sms, twilio_sms

from handlers.gsm7 import gsm7_ok
from handlers.reports import codes

SENDERS = [pytest.param(twilio_sms, id="twilio"), pytest.param(gateway_sms, id="gateway")]


@pytest.mark.parametrize("sms", SENDERS)
def test_pa_files_a_ticket_and_tt_shows_it(reports_app: Callable[..., Flask], sms: Callable[..., str]) -> None:
    app = reports_app()
    reply = sms(app, "PA o ga lon truoc 120 Le Duan")
    assert reply.startswith("Da nhan phan anh PA-") and gsm7_ok(reply)
    code = code_in(reply)
    assert codes.valid(code)
    assert "(Giao thong: o ga)" in reply and f"Soan TT {code}" in reply
    assert "120 Le Duan, Hai Chau" in reply and "So Xay dung" in reply
    status = sms(app, f"tt pa-{code.lower()}")
    assert status.startswith(f"PA-{code}: Da tiep nhan")
    assert "Giao thong" in status and "120 Le Duan" in status and "Han xu ly" in status


def test_same_text_same_sender_gets_the_same_ticket(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    first = code_in(twilio_sms(app, "PA rac thai do trom o phuong Thach Thang"))
    again = twilio_sms(app, "pa  Rác thải đổ trộm ở phường Thạch Thang")  # marks and spacing do not matter
    assert code_in(again) == first and "da duoc ghi nhan" in again
    other = twilio_sms(app, "PA rac thai do trom o phuong Thach Thang", sender="+84905999888")
    assert code_in(other) != first


def test_old_ward_names_and_categories(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    reply = twilio_sms(app, "PHANANH rac thai do tram o phuong Thach Thang")
    assert "(Ve sinh moi truong: rac thai)" in reply and "Dia diem: Hai Chau" in reply
    unclassified = twilio_sms(app, "BAOCAO co nguoi lam dieu gi do la lam")
    assert "(Khac)" in unclassified and "O dau? Gui ten duong/phuong." in unclassified


def test_daily_limit_then_polite_refusal(reports_app: Callable[..., Flask]) -> None:
    app = reports_app(TONGDAI_REPORTS_DAILY_LIMIT=2)
    assert "PA-" in twilio_sms(app, "PA den duong khong sang Hung Vuong")
    assert "PA-" in twilio_sms(app, "PA ngap nuoc Nguyen Van Linh")
    refused = twilio_sms(app, "PA cay do tren duong Tran Phu")
    assert "PA-" not in refused and "toi da" in refused


def test_empty_pa_gets_help_and_anonymous_keeps_no_contact(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    assert "Vi du" in twilio_sms(app, "PA") and "PA-" not in twilio_sms(app, "PA  ")
    reply = twilio_sms(app, "PA AN karaoke on ao qua khuya o Le Duan")
    assert "PA-" in reply and "an danh" in reply.lower() and "Tieng on" in reply
    from app.reports.desk import store_of
    from app.services import services

    row = store_of(services(app).reports).row(code_in(reply))
    assert row is not None and row.anonymous and row.contact == ""
    named = twilio_sms(app, "PA an toan thuc pham kem o cho Con", sender="+84905000333")
    row = store_of(services(app).reports).row(code_in(named))
    assert row is not None and not row.anonymous and row.contact == "+84905000333"


def test_tt_with_a_typo_names_the_right_code(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    code = code_in(twilio_sms(app, "PA o ga Bach Dang"))
    wrong = next(ch for ch in codes.ALPHABET if ch != code[2])
    reply = twilio_sms(app, f"TT {code[:2]}{wrong}{code[3:]}")
    assert f"Co phai PA-{code}?" in reply and "Giao thong" not in reply  # named, not shown
    assert "Khong tim thay" in twilio_sms(app, "TT ZZZZZ")
    assert "Khong tim thay" in twilio_sms(app, "TT hello there")


def test_tt_alone_lists_the_last_three(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    assert "chua gui" in twilio_sms(app, "TT")
    filed = [code_in(twilio_sms(app, f"PA o ga so {n} Le Duan")) for n in range(4)]
    listing = twilio_sms(app, "tt")
    assert [c in listing for c in filed] == [False, True, True, True]
    assert "STATUS" not in listing and "Da tiep nhan" in listing


def test_english_keyword_gets_english_reply(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    reply = twilio_sms(app, "REPORT pothole outside 12 Bach Dang")
    assert reply.startswith("Report PA-") and "(Roads: pothole)" in reply and "Send STATUS" in reply
    assert "In progress" not in twilio_sms(app, f"STATUS {code_in(reply)}")


def test_a_report_without_a_place_gets_one_by_its_code(reports_app: Callable[..., Flask]) -> None:
    app = reports_app()
    reply = twilio_sms(app, "PA nap ho ga bi mat rat nguy hiem")
    code = code_in(reply)
    assert "O dau? Gui ten duong/phuong." in reply  # (the next message is the place; PA <code> <place> too)
    assert "Khong nhan ra" in twilio_sms(app, f"PA {code} gan nha toi")
    placed = twilio_sms(app, f"pa pa-{code.lower()} truoc 45 Tran Phu")
    assert placed.startswith(f"Da ghi dia diem cho PA-{code}: 45 Tran Phu, Hai Chau")
    assert "45 Tran Phu" in twilio_sms(app, f"TT {code}")
    other = twilio_sms(app, f"PA {code} truoc 45 Tran Phu", sender="+84905777666")  # not theirs: a report of its own
    assert code_in(other) != code


def test_a_place_by_code_is_two_statements_and_only_for_the_senders_latest_tickets(
        reports_app: Callable[..., Flask]) -> None:
    from sqlalchemy import event

    from app.reports.desk import store_of
    from app.services import services
    from handlers.reports.keywords import OWN

    app = reports_app(TONGDAI_REPORTS_DAILY_LIMIT=0, TONGDAI_RATE_LIMIT=0)
    filed = [code_in(twilio_sms(app, f"PA nap ho ga so {n} bi mat")) for n in range(OWN + 1)]
    statements: list[str] = []
    engine = store_of(services(app).reports).engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2].split()[0].upper()))
    placed = twilio_sms(app, f"PA {filed[1]} truoc 45 Tran Phu")  # the sender's 20th latest: still theirs to place
    assert placed.startswith(f"Da ghi dia diem cho PA-{filed[1]}") and statements == ["UPDATE", "INSERT"]
    statements.clear()
    assert "Khong nhan ra" in twilio_sms(app, f"PA {filed[2]} gan nha toi") and statements == ["SELECT"]
    older = twilio_sms(app, f"PA {filed[0]} truoc 45 Tran Phu")  # the 21st latest: a report of its own
    assert code_in(older) not in filed and "45 Tran Phu" not in twilio_sms(app, f"TT {filed[0]}")
