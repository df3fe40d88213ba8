"""Residents who write the districts and wards of before July 2025 still get matches (gazetteer/wards.csv)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lookups.aliases import load_old_names
from lookups.datasets.base import Entry

Ask = Callable[..., Any]
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("text", "title", "place"), [
    ("attp pho hoa thach thang", "Phở Hòa", "Lê Duẩn"),  # old ward of Hải Châu
    ("attp pho hoa p. phuoc my", "Phở Hòa", "Ngô Quyền"),  # old ward of An Hải
    ("attp pho hoa Q. Thanh Khê", "Phở Hòa", "Điện Biên Phủ"),  # old district
    ("attp pho hoa hai chau 1", "Phở Hòa", "Lê Duẩn"),  # "Hải Châu I", written with a digit
    ("attp phở hoà, hải châu", "Phở Hòa", "Lê Duẩn"),  # the new ward still wins where names overlap
])
def test_old_names_pick_the_branch(ask: Ask, text: str, title: str, place: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found" and reply["title"] == title and place in reply["fields"][0]["value"]


@pytest.mark.parametrize(("text", "title"), [
    ("giadat bac son q. thanh khe", "Bắc Sơn"),  # An Khê ward took in parts of Thanh Khê and Cẩm Lệ
    ("giadat bac son hoa an", "Bắc Sơn"),  # old ward Hòa An
    ("kcb tram y te thach thang", "Trạm Y tế phường Hải Châu"),
    ("kcb tram y te hoa thuan tay", "Trạm Y tế phường Hòa Cường"),
])
def test_old_names_in_other_datasets(ask: Ask, text: str, title: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found" and title in reply["title"]


def test_bus_stop_by_old_district(ask: Ask) -> None:
    reply = ask("bus 217 truong chinh q. cam le")
    assert reply["status"] == "found" and "217 Trường Chinh" in reply["title"]


def test_the_table_is_data_and_a_name_that_says_the_ward_keeps_its_words() -> None:
    old = load_old_names(DATA)
    assert old.of("Hải Châu", districts=False)[:2] == ("Thanh Bình (trướcsápnhập)", "Thuận Phước (trướcsápnhập)")
    assert old.of("An Khê", districts=True)[:2] == ("Thanh Khê", "Cẩm Lệ")
    assert old.of("Nowhere", districts=True) == ()
    plain = Entry("X1", ("Quán Cơm",), ("Sơn Trà",))
    assert "Mân Thái (trướcsápnhập)" in old.extend(plain, ("Sơn Trà",), districts=False).locations
    named = Entry("X2", ("Nhà hàng Gió Biển Mân Thái",), ("Sơn Trà",))
    assert "Mân Thái (trướcsápnhập)" not in old.extend(named, ("Sơn Trà",), districts=False).locations
    assert load_old_names(DATA / "nowhere").of("Hải Châu", districts=True) == ()
