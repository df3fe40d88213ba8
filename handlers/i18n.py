"""Reply wording in Vietnamese and English, and the number/date formats residents read."""

from __future__ import annotations

import re
from datetime import date

from handlers.reply import Footer, Lang
from lookups.datasets.base import DatasetMeta
from lookups.text import fold, strip_marks

# Words that tell the language of an argument written without marks; place names tell nothing ("Han", "05").
ENGLISH_WORDS = frozenset({
    "from", "to", "the", "and", "of", "at", "in", "on", "near", "airport", "station", "market", "bridge", "beach",
    "hospital", "university", "school", "route", "stop", "please", "how", "get", "go", "where", "when", "next",
    "city", "center", "centre", "museum", "park", "church", "mountain"})
VIETNAMESE_WORDS = frozenset({
    "tu", "den", "toi", "di", "ve", "cho", "cau", "bien", "benh", "vien", "truong", "tram", "tuyen", "san", "bay",
    "nga", "duong", "pho", "phuong", "quan", "xe", "buyt", "ben", "chua", "nui", "cong", "dai", "hoc"})

MESSAGES: dict[str, dict[Lang, str]] = {
    "not_found": {"vi": "Không tìm thấy \"{query}\".", "en": "Nothing found for \"{query}\"."},
    "did_you_mean": {"vi": "Có phải bạn muốn tìm:", "en": "Did you mean:"},
    "ambiguous": {"vi": "Có {count} kết quả cho \"{query}\":", "en": "{count} results for \"{query}\":"},
    "choose": {"vi": "Soạn {example} để xem chi tiết.", "en": "Send {example} for details."},
    "add_place": {"vi": "Thêm tên đường hoặc phường để thu hẹp.", "en": "Add a street or ward to narrow it."},
    "syntax": {"vi": "Cú pháp: {syntax}", "en": "Usage: {syntax}"},
    "menu_title": {"vi": "Tổng đài tra cứu. Soạn:", "en": "Lookup hotline. Send:"},
    "menu_hint": {"vi": "Soạn HD <từ khóa> để xem hướng dẫn.", "en": "Send HELP <keyword> for details."},
    "unknown": {"vi": "Chưa hiểu \"{query}\".", "en": "Sorry, \"{query}\" was not understood."},
    "error": {"vi": "Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.",
              "en": "Sorry, something went wrong on our side. Please try again in a few minutes."},
    "too_long": {"vi": "Tin nhắn quá dài, chỉ tra cứu {limit} ký tự đầu.",
                 "en": "Message too long: only the first {limit} characters were searched."},
}


def t(key: str, lang: Lang, **values: object) -> str:
    return MESSAGES[key][lang].format(**values)


def language_of(text: str) -> Lang | None:
    """The language an argument is written in, or None when it does not say (a route number, a bare name)."""
    if strip_marks(text) != text:  # tone marks or vowel hats: Vietnamese
        return "vi"
    words = fold(text).split()
    english = sum(w in ENGLISH_WORDS for w in words)
    vietnamese = sum(w in VIETNAMESE_WORDS for w in words)
    if english == vietnamese:
        return None
    return "en" if english > vietnamese else "vi"


def pick(lang: Lang, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def money(vnd: int, lang: Lang) -> str:
    """12.500.000 đ (Vietnamese thousands separator) or 12,500,000 VND."""
    if lang == "en":
        return f"{vnd:,} VND"
    return f"{vnd:,}".replace(",", ".") + " đ"


def day(value: date, lang: Lang) -> str:
    return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")


SAMPLE_NOTE = re.compile(r"\s*\((?:dữ liệu mẫu|sample data)\)\s*$", re.IGNORECASE)


def footer(meta: DatasetMeta) -> Footer:
    # The renderers add the sample-data note in the reader's language; do not say it twice.
    return Footer(meta.as_of, SAMPLE_NOTE.sub("", meta.title), meta.sample)
