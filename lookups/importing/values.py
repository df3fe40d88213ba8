"""Cell values as Vietnamese offices write them: dates, VND amounts, yes/no, lists, addresses.

Every parser takes what a reader produced (text, a number, a ``datetime`` from Excel, a JSON value) and
returns the typed value or raises ``ValueError`` with the reason a report line will show.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from lookups.text import fold

# Day first, as in Vietnam: 05/03/2025 is 5 March. Two-digit years are not accepted: 05/03/25 is ambiguous
# across centuries in a registry that holds certificates from the 1990s.
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, which absorbs its 1900 leap-year bug for dates after 1900-03
_SERIALS = range(10_000, 100_000)  # 1927..2173: a bare number outside this is not a date anyone meant
_AMOUNT = re.compile(r"-?\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*")
_CURRENCY = re.compile(r"\s*(?:vnđ|vnd|đồng|dong|đ|d)\.?\s*$", re.IGNORECASE)
_TRUE = frozenset({"co", "x", "1", "true", "yes", "y", "c", "dung"})
_FALSE = frozenset({"khong", "0", "false", "no", "n", "k", "sai", ""})
_HOUSE = re.compile(r"(?:(?:so|số)\s+)?([\w/\-.]*\d[\w/\-.]*)\s+(.+)", re.IGNORECASE)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object) -> date:
    """``dd/mm/yyyy`` (also with ``-`` or ``.``), ``yyyy-mm-dd`` (with an optional time), Excel serials."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = str(value).strip()
    try:
        if match := _DMY.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := _YMD.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if re.fullmatch(r"\d{4}(0[1-9]|1[0-2])\d{2}", text):  # GTFS style 20250305
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if re.fullmatch(r"\d+(\.0+)?", text):
            return _serial(float(text))
    except ValueError:  # 31/02/2025 matches the pattern but is no day
        pass
    raise ValueError(f"unparseable date {text!r}")


def _serial(number: float) -> date:
    if number != int(number) or int(number) not in _SERIALS:
        raise ValueError(f"unparseable date {number!r}")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def parse_amount(value: object) -> int:
    """Whole VND: ``12.500.000``, ``12,500,000``, ``12 500 000``, ``12500000 đ``, or a number from Excel."""
    if isinstance(value, bool):
        raise ValueError(f"not an amount {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError(f"not a whole number of dong {value!r}")
        return int(value)
    text = _CURRENCY.sub("", str(value).strip()).replace("\u00a0", " ")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    # Separators must group by thousands: "12,5" (twelve and a half million?) is refused, not guessed.
    if _AMOUNT.fullmatch(text):
        return int(re.sub(r"[.,\s]", "", text))
    raise ValueError(f"unparseable amount {str(value).strip()!r}")


def parse_float(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        raise ValueError(f"not a number {text!r}") from None


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(str(value if value is not None else ""))
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"not yes/no {str(value)!r}")


def parse_list(value: object, separators: str = ";|\n") -> list[str]:
    """A JSON list as is; text split on any of ``separators``."""
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if not blank(v)]
    if blank(value):
        return []
    return [p.strip() for p in re.split("[" + re.escape(separators) + "]", str(value)) if p.strip()]


def text(value: object) -> str:
    """A cell as text: Excel gives ``12.0`` for a house number typed as 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return " ".join(str(value).split())


def split_address(address: str) -> tuple[str, str]:
    """``"123 Lê Duẩn, P. Hải Châu"`` -> ``("123", "Lê Duẩn")``: the first comma part; a leading token with a
    digit (``123``, ``K12/3``, ``số 5``) is the house number."""
    first = address.split(",")[0].strip()
    if match := _HOUSE.fullmatch(first):
        return match[1], match[2].strip()
    return "", first
