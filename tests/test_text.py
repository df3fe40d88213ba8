import unicodedata

import pytest

from lookups.text import (
    COMBINING,
    MAX_MARKS,
    abbreviations,
    cap_marks,
    detelex,
    drop_format,
    expand,
    fold,
    strip_marks,
    tokens,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Phở Hòa", "pho hoa"),
        ("PHỞ HOÀ", "pho hoa"),  # old-style tone placement
        ("thuý", "thuy"),
        ("thúy", "thuy"),
        (unicodedata.normalize("NFD", "Bún chả cá Bà Lữ"), "bun cha ca ba lu"),
        ("Đường Đống Đa", "duong dong da"),
        ("Attp:", "attp"),
        ("ATTP-quán   cơm,  Huế!!", "attp quan com hue"),
        ("K12/3 Lê Duẩn", "k12 3 le duan"),
        ("   ", ""),
        ("🍜 phở 😀", "pho"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e",
                                       "\u202e", "\u2066", "\U000e0041"])
def test_format_characters_inside_a_word_leave_it_whole(invisible: str) -> None:
    assert fold(f"ph{invisible}o h{invisible}oa") == "pho hoa"
    assert fold(f"Ph{invisible}ở{invisible}") == "pho"
    assert strip_marks(f"Ph{invisible}ở") == "Pho" and drop_format(f"a{invisible}b") == "ab"


def test_a_flood_of_combining_marks_is_cut_to_a_few() -> None:
    flood = "o" + "\u0301" * 500 + "x" + "\ufe0f" * 9
    assert cap_marks(flood) == "o" + "\u0301" * MAX_MARKS + "x" + "\ufe0f" * MAX_MARKS
    assert fold("ph" + flood) == "phox"
    vietnamese = unicodedata.normalize("NFD", "Nguyễn Phở Hòa")  # two marks on a letter at most
    assert cap_marks(vietnamese) == vietnamese


def test_only_texts_the_dispatcher_reads_are_cached_when_folded() -> None:
    from lookups import text

    before = text._fold_cached.cache_info().currsize
    page = "Phở " * 20_000
    assert fold(page) == ("pho " * 20_000).strip()
    assert text._fold_cached.cache_info().currsize == before


def test_nfc_and_nfd_fold_to_the_same_key() -> None:
    text = "Nguyễn Văn Linh, phường Hải Châu"
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


def test_strip_marks_keeps_case_and_punctuation() -> None:
    assert strip_marks("Đà Nẵng: 12/3 Lê Duẩn!") == "Da Nang: 12/3 Le Duan!"


@pytest.mark.parametrize(("typed", "meant"), [("phowr", "pho"), ("quaans", "quan"), ("ddaf", "da"),
                                              ("nawngs", "nang"), ("huees", "hue")])
def test_detelex(typed: str, meant: str) -> None:
    assert detelex(typed) == meant


def test_abbreviations_are_data_and_expand() -> None:
    table = abbreviations()
    assert table["bv"] == "benh vien" and table["pk"] == "phong kham" and table["tyt"] == "tram y te"
    assert expand(tokens("BV Đà Nẵng, q. Hải Châu")) == ["benh", "vien", "da", "nang", "quan", "hai", "chau"]
    assert expand(tokens("đ Lê Duẩn")) == ["duong", "le", "duan"]


def test_every_combining_character_is_removed_by_the_table() -> None:
    """``strip_marks`` removes combining characters with a table of planes 0 and 1: that is all of them."""
    assert set(COMBINING) == {cp for cp in range(0x110000) if unicodedata.combining(chr(cp))}

