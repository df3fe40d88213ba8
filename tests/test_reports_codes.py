"""Ticket codes: no look-alikes, a check character that catches every single typo, and near misses named."""

from __future__ import annotations

import pytest

from handlers.reports import codes


def test_new_codes_are_valid_and_free_of_look_alikes() -> None:
    for _ in range(500):
        code = codes.new_code()
        assert len(code) == 5 and codes.valid(code)
        assert not set(code) & set("01OIL")


def test_every_single_substitution_and_neighbour_swap_is_caught() -> None:
    code = "7KQ3" + codes.check_char("7KQ3")
    for i in range(len(code)):
        for ch in codes.ALPHABET:
            if ch != code[i]:
                assert not codes.valid(code[:i] + ch + code[i + 1:])
        if i + 1 < len(code) and code[i] != code[i + 1]:
            assert not codes.valid(code[:i] + code[i + 1] + code[i] + code[i + 2:])


@pytest.mark.parametrize("typed", ["pa-{c}", "PA {c}", "{c}", "  Pa-{c} ", "pa{c}", "PA_{c}"])
def test_typed_forms_normalise(typed: str) -> None:
    code = "7KQ3" + codes.check_char("7KQ3")
    assert codes.normalise(typed.format(c=code.lower())) == code


def test_near_names_the_code_a_typo_came_from() -> None:
    code = "7KQ3" + codes.check_char("7KQ3")
    for typo in (code[:2] + "Z" + code[3:] if code[2] != "Z" else code[:2] + "Y" + code[3:],  # wrong character
                 code[:4], code[1] + code[0] + code[2:], code[:2] + "0" + code[3:]):
        assert code in codes.near(typo), typo
    assert codes.normalise("hello world") is None


def test_codes_that_begin_with_pa() -> None:
    code = "PA26" + codes.check_char("PA26")
    for typed in (code, code.lower(), f"PA-{code}", f"pa {code}"):
        assert codes.normalise(typed) == code
    glued = "7KQ3" + codes.check_char("7KQ3")
    assert codes.normalise("PA" + glued) == glued and codes.normalise("pa" + glued[:4]) == glued[:4]
