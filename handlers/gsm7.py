"""GSM 03.38 (GSM-7) text for SMS: the basic character set, folding to it, and segment counting.

Only the *basic* table is produced: extension characters (``[ ] { } \\ ^ ~ | €``) cost two septets
each and some handsets show them wrongly, so they are replaced too. With the basic table only, one
character is one septet and ``len()`` is the SMS length.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from lookups.text import strip_marks

# GSM 03.38 basic table in code order, ESC (0x1B) left out: it introduces an extension character.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# Characters outside the basic table with a readable basic replacement (anything else not rescued by
# compatibility decomposition, e.g. emoji, is dropped).
_REPLACE: dict[str, str] = {
    **dict.fromkeys("‘’‚‛′‹›`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃", "-"),
    **dict.fromkeys("·•‧∙◦", "-"),
    "[": "(", "]": ")", "{": "(", "}": ")", "\\": "/", "|": "/", "^": "-", "~": "-", "⁄": "/",
    "€": "EUR", "₫": "d", "…": "...", "×": "x", "÷": "/",
    "→": "->", "←": "<-", "⇒": "=>", "↔": "<->", "≤": "<=", "≥": ">=", "≠": "!=",
}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in GSM7_BASIC:
        return ch
    if ch in _REPLACE:
        return _REPLACE[ch]
    if ch.isspace():
        return " "
    # Compatibility forms: full-width letters, ligatures, superscripts (m² -> m2), № -> No.
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch:
        return "".join(_fold_char(c) for c in decomposed if not unicodedata.combining(c))
    return ""


def to_gsm7(text: str) -> str:
    """Fold ``text`` to the GSM-7 basic table: no Vietnamese marks (``đ -> d``), case kept.

    Line breaks become ``\\n``; other white space becomes a plain space (not collapsed).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_fold_char(ch) for ch in strip_marks(text))


def gsm7_ok(text: str) -> bool:
    """True when every character is in the GSM-7 basic table (so one character = one septet)."""
    return all(ch in GSM7_BASIC for ch in text)


def sms_segments(text: str) -> int:
    """Segments needed to send ``text``: 160/153 septets for GSM-7, 70/67 UTF-16 units otherwise."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        length = len(text) + sum(ch in GSM7_EXTENSION for ch in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if length <= single else math.ceil(length / multi)
