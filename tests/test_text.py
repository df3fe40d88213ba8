import unicodedata

import pytest

from lookups.text import abbreviations, detelex, expand, fold, strip_marks, tokens


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
