"""Streets and wards named in a report's free text, as the gazetteer knows them (old ward names included)."""

from __future__ import annotations

import pytest

from lookups import places
from lookups.datasets.base import bundled_data_dir
from lookups.places import Gazetteer

GAZETTEER = Gazetteer.load(bundled_data_dir())


@pytest.mark.parametrize(("text", "address"), [
    ("o ga lon truoc 120 Le Duan", "120 Lê Duẩn, Hải Châu"),
    ("Ổ gà lớn trước 120 Lê Duẩn", "120 Lê Duẩn, Hải Châu"),
    ("ngap nuoc Nguyen Van Linh q hai chau", "Nguyễn Văn Linh, Hải Châu"),
    ("ngap nuoc Nguyen Van Lnh", "Nguyễn Văn Linh, Hải Châu"),  # one typo in a long name
    ("rac o phuong Thach Thang", "Hải Châu"),  # the ward's name before 2025
    ("ngap o Pasteur", "Pasteur, Hải Châu"),  # a one-word street
    ("o ga tren DT602", "ĐT602, Bà Nà"),
])
def test_places_found(text: str, address: str) -> None:
    found = GAZETTEER.find(text)
    assert found is not None and found.address == address


@pytest.mark.parametrize("text", ["an toan thuc pham o cho", "co nguoi lam dieu gi do", "", "xin chao ban " * 500])
def test_no_place(text: str) -> None:
    assert GAZETTEER.find(text) is None


def test_titled_ward() -> None:
    assert GAZETTEER.titled("Hải Châu") == "phường Hải Châu" and GAZETTEER.titled("Hòa Vang") == "xã Hòa Vang"


def test_a_text_read_again_is_answered_from_memory_within_a_bound() -> None:
    gazetteer = Gazetteer.load(bundled_data_dir())
    first = gazetteer.find("ngap nuoc Nguyen Van Lnh")
    assert first is not None and gazetteer.find("ngap nuoc Nguyen Van Lnh") is first  # not found again
    for n in range(places.MEMO + 1):
        gazetteer.find(f"so {n}")
    assert len(gazetteer._memo) <= places.MEMO


def test_every_ward_word_is_one_that_expand_leaves_as_it_is() -> None:
    """``find`` reads words after ``expand`` ("p." is "phuong" by then): a ward word it rewrites is never seen."""
    from lookups.places import WARD_WORDS
    from lookups.text import expand

    assert all(expand([word]) == [word] for word in WARD_WORDS)
    assert GAZETTEER.find("ngap o p Thach Thang") == GAZETTEER.find("ngap o phuong Thach Thang") is not None
