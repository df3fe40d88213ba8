"""Noisy queries built from the data the way residents mistype them. Deterministic for a given seed."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lookups.datasets.food_safety import Establishment
from lookups.text import fold, strip_marks

KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "ko", "z": "ax", "x": "zc", "c": "xv", "v": "cb", "b": "vn", "n": "bm", "m": "n",
}
ABBREVIATIONS = {"bệnh viện": "bv", "phòng khám": "pk", "nhà hàng": "nh", "cà phê": "cf", "bánh mì": "bm",
                 "bún chả cá": "bcc", "mì quảng": "mq", "khách sạn": "ks", "cửa hàng": "ch", "siêu thị": "st"}
EXTRA = ("ngon", "quán", "o", "tiệm", "gần chợ")
TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
TELEX_SHAPES = {"\u0302": lambda c: c + c, "\u0306": lambda c: c + "w", "\u031b": lambda c: c + "w"}
ABSENT_WORDS = ("Thắm", "Khuê", "Tánh", "Xuyến", "Quyên Anh", "Đại Dương Xanh", "Hạnh Phúc Mới", "Kỳ Lân",
                "Sao Khuê", "Phượng Hoàng", "Trúc Lâm", "Bích Câu", "Ngọc Trâm", "Lạc Hồng", "Thiên Lý",
                "Nguyệt Quế", "Hoàng Yến", "Quỳnh Hương", "Kiều Oanh", "Thục Đoan", "Đoan Trang", "Thạch Sanh",
                "Sơn Tinh", "Mỵ Châu", "Âu Lạc", "Văn Lang", "Chi Lăng", "Bạch Mã", "Côn Đảo", "Phú Quốc",
                "Cần Thơ", "Sóc Trăng", "Bến Tre", "Gò Công", "Cà Mau", "Tuệ Tĩnh", "Khải Định", "Uyên Ương")
ABSENT_TYPES = ("Quán", "Phở", "Bún bò", "Cơm gà", "Bánh xèo", "Nhà hàng", "Cà phê", "Lẩu dê", "Ốc", "Chè")


@dataclass(frozen=True)
class Query:
    text: str
    target: str | None  # record id, None for a name that is not in the data
    noises: tuple[str, ...]


def telex(word: str) -> str:
    """Type a Vietnamese word in Telex with the input method off: ``phở -> phowr``."""
    out, tone = [], ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TELEX_TONES:
            tone = TELEX_TONES[ch]
        elif ch in TELEX_SHAPES and out:
            out[-1] = TELEX_SHAPES[ch](out[-1])
        else:
            out.append("dd" if ch == "đ" else ch)
    return "".join(out) + tone


def _typo(words: list[str], rng: random.Random) -> list[str]:
    spots = [i for i, w in enumerate(words) if len(fold(w)) >= 4 and not w.isdigit()]
    if not spots:
        return words
    i = rng.choice(spots)
    plain = strip_marks(words[i]).lower()
    j = rng.randrange(len(plain))
    if plain[j] in KEYBOARD:
        plain = plain[:j] + rng.choice(KEYBOARD[plain[j]]) + plain[j + 1:]
    return [*words[:i], plain, *words[i + 1:]]


def _drop(words: list[str], rng: random.Random, holders: dict[str, set[int]] | None = None) -> list[str]:
    """Leave out a word a resident would not need: one whose absence leaves the same places matching
    (``Quán``, ``Cơ sở``), not the word that names the place."""
    if len(words) < 3:
        return words

    def matching(ws: list[str]) -> set[int]:
        sets = [holders.get(w, set()) for w in fold(" ".join(ws)).split()] if holders else []
        return set.intersection(*sets) if sets else set()

    whole = matching(words)
    spots = [i for i in range(len(words)) if holders is None or matching(words[:i] + words[i + 1:]) == whole]
    if not spots:
        return words
    i = rng.choice(spots)
    return words[:i] + words[i + 1:]


def _extra(words: list[str], rng: random.Random) -> list[str]:
    return [*words, rng.choice(EXTRA)] if rng.random() < 0.5 else [rng.choice(EXTRA), *words]


def _swap(words: list[str], rng: random.Random) -> list[str]:
    if len(words) < 2:
        return words
    i = rng.randrange(len(words) - 1)
    return [*words[:i], words[i + 1], words[i], *words[i + 2:]]


def _abbrev(words: list[str], rng: random.Random) -> list[str]:
    text = " ".join(words)
    for long, short in ABBREVIATIONS.items():
        if long in text.lower():
            start = text.lower().index(long)
            return (text[:start] + short + text[start + len(long):]).split()
    return words


WORD_NOISES: dict[str, Callable[[list[str], random.Random], list[str]]] = {
    "typo": _typo, "drop": _drop, "extra": _extra, "swap": _swap, "abbrev": _abbrev,
}
RENDER_NOISES = ("no_diacritics", "nfd", "telex")


def noisy(est: Establishment, noises: Sequence[str], rng: random.Random, qualifier: str,
          holders: dict[str, set[int]]) -> str:
    words = est.name.split() + (qualifier.split() if qualifier else [])
    for noise in noises:
        if noise == "location":
            words = [*words, f"{est.ward}"] if not qualifier else words
        elif noise == "drop":
            words = _drop(words, rng, holders)
        elif noise in WORD_NOISES:
            words = WORD_NOISES[noise](words, rng)
    text = " ".join(words)
    if "no_diacritics" in noises:
        return strip_marks(text).lower()
    if "nfd" in noises:
        return unicodedata.normalize("NFD", text)
    if "telex" in noises:
        return " ".join(telex(w) for w in text.split())
    return text


def build_queries(records: Sequence[Establishment], count: int, noise_count: int, seed: int) -> list[Query]:
    """``count`` queries of ``noise_count`` different noises each. A name shared by several places gets
    its street appended, as a resident asking for one branch would do."""
    rng = random.Random(seed)
    names = Counter(fold(r.name) for r in records)
    holders: dict[str, set[int]] = {}
    for number, rec in enumerate(records):
        for word in fold(" ".join((rec.name, rec.street))).split():
            holders.setdefault(word, set()).add(number)
    kinds = [*WORD_NOISES, "location", *RENDER_NOISES]
    out = []
    for est in rng.sample(list(records), min(count, len(records))):
        chosen: list[str] = []
        while len(chosen) < noise_count:
            kind = rng.choice(kinds)
            if kind not in chosen and not (kind in RENDER_NOISES and set(chosen) & set(RENDER_NOISES)):
                chosen.append(kind)
        qualifier = est.street if names[fold(est.name)] > 1 else ""
        out.append(Query(noisy(est, chosen, rng, qualifier, holders), est.id, tuple(chosen)))
    return out


def absent_queries(records: Sequence[Establishment], count: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    known = {w for r in records for w in fold(" ".join((r.name, *r.aliases))).split()}
    words = [w for w in ABSENT_WORDS if not set(fold(w).split()) & known]
    out = []
    for _ in range(count):
        name = f"{rng.choice(ABSENT_TYPES)} {rng.choice(words)}"
        out.append(Query(strip_marks(name).lower() if rng.random() < 0.7 else name, None, ("absent",)))
    return out
