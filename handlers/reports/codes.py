"""Ticket codes residents type on a phone keypad: ``PA-7KQ3M``.

Four random characters and a check character, from an alphabet without look-alikes (no 0/O, 1/I/L). The
alphabet has 31 characters, a prime, so a weighted sum modulo 31 catches every single wrong character and every
swap of two neighbours: a mistyped code is never another ticket's valid code, and ``near`` can name the codes a
typo most likely came from.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "PA-"
BODY = 4  # random characters; 31**4 = 923,521 codes before the check character
_VALUE = {ch: n for n, ch in enumerate(ALPHABET)}
_APART = re.compile(r"^PA(?:\s*[-_.:]\s*|\s+)([0-9A-Z]{3,8})$")
_COMPACT = re.compile(r"[0-9A-Z]{3,10}")


def check_char(body: str) -> str:
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code(length: int = BODY) -> str:
    """A random code with its check character, without the ``PA-`` prefix."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return body + check_char(body)


def valid(code: str) -> bool:
    return len(code) >= 2 and all(ch in _VALUE for ch in code) and check_char(code[:-1]) == code[-1]


def normalise(typed: str) -> str | None:
    """What a resident typed (``pa-7kq3m``, ``PA 7KQ3M``, ``7kq3m``, ``PA7KQ3M``) as a bare upper-case code, or
    None when it cannot be a code at all (several words, punctuation). A code may itself begin with ``PA``
    (``PA26Q``): a prefix is only taken off when it is set apart (``PA-``, ``PA ``) or when what it is glued to
    is too long to be a code."""
    text = typed.strip().upper()
    apart = _APART.match(text)
    if apart:
        return apart.group(1)
    if not _COMPACT.fullmatch(text):
        return None
    # Codes have BODY + 1 characters (BODY + 2 once the short ones run out): longer with "PA" in front is glued.
    if text.startswith("PA") and (len(text) > BODY + 2 or (len(text) == BODY + 2 and not valid(text))):
        return text[2:]
    return text


def near(code: str) -> set[str]:
    """Valid codes one edit away from ``code`` (a wrong, missing, extra or swapped character)."""
    found: set[str] = set()
    for i in range(len(code)):
        for ch in ALPHABET:
            found.add(code[:i] + ch + code[i + 1:])  # wrong character
        found.add(code[:i] + code[i + 1:])  # extra character
        if i + 1 < len(code):
            found.add(code[:i] + code[i + 1] + code[i] + code[i + 2:])  # swapped neighbours
    for i in range(len(code) + 1):
        for ch in ALPHABET:
            found.add(code[:i] + ch + code[i:])  # missing character
    return {c for c in found if c != code and len(c) == BODY + 1 and valid(c)}


def display(code: str) -> str:
    return PREFIX + code
