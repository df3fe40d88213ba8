import json
import re
import unicodedata
from datetime import date

import pytest

from handlers.gsm7 import to_gsm7
from handlers.render import (
    RENDERERS,
    fit_parts,
    gsm7_ok,
    render,
    render_json,
    render_sms,
    render_zalo,
    shorten,
    sms_segments,
)
from handlers.reply import Field, Footer, Match, Option, Reply

BUDGETS = (160, 306, 459)
FOOTER = Footer(date(2026, 11, 1), "Sở ATTP Đà Nẵng", sample=True)
MARKER = re.compile(r"^\(\+(\d+) (ket qua khac|muc khac|more)\)$")

_VI_TEXT = "phở bún chả cá đường Đà Nẵng Hải Châu quán ăn vệ sinh an toàn thực phẩm kiểm tra định kỳ"
_WORDS = _VI_TEXT.split(" ")
LONG_VALUE = " ".join(_WORDS[i % len(_WORDS)] for i in range(400))[:2000]


def _options(n: int, lang: str = "vi") -> tuple[Option, ...]:
    return tuple(Option(i, f"Phở Hòa {i}", f"{i * 10} Lê Duẩn, P. Thạch Thang", f"ATTP Pho Hoa Le Duan {i}")
                 for i in range(1, n + 1))


CASES: dict[str, Reply] = {
    "found_many_fields": Reply(
        "attp", "found", "vi", "Phở Hòa Pasteur",
        fields=tuple(Field(label, value) for label, value in [
            ("Địa chỉ", "12 Lê Duẩn, P. Thạch Thang, Q. Hải Châu"),
            ("Giấy chứng nhận ATTP", "Số 123/2025/ATTP-CNĐK, còn hạn đến 15/03/2027"),
            ("Kiểm tra gần nhất", "02/09/2026: Đạt"),
            ("Loại hình", "Nhà hàng, quán ăn"),
            ("Vi phạm", "Không có vi phạm nào trong 3 năm qua"),
            ("Điện thoại", "0236 3822 123"),
            ("Giờ mở cửa", "6:00 - 22:00 hằng ngày"),
            ("Chủ cơ sở", "Nguyễn Văn Đức"),
            ("Ghi chú", "Cơ sở được xếp loại A năm 2025 theo đánh giá của Sở An toàn thực phẩm"),
        ]),
        hint="Soạn ATTP <tên> <đường> để tra cơ sở khác.", footer=FOOTER,
        matches=(Match("attp", "A-12", "Phở Hòa Pasteur", 97.5),),
    ),
    "ambiguous": Reply(
        "attp", "ambiguous", "vi", "Có 17 kết quả cho \"phở hòa\":", options=_options(5), more=12,
        hint="Soạn ATTP Pho Hoa Le Duan 1 để xem chi tiết.", footer=FOOTER,
    ),
    "ambiguous_en": Reply(
        "kcb", "ambiguous", "en", "17 facilities: \"benh vien\"", options=_options(5), more=12,
        hint="Send KCB 1 for details.", footer=Footer(date(2026, 11, 1), "Da Nang Health Dept"),
    ),
    "not_found": Reply(
        "attp", "not_found", "vi", "Không tìm thấy \"pho hoaa\".",
        fields=(Field("", "Có phải bạn muốn tìm:"),), options=_options(3),
        hint="Soạn ATTP Pho Hoa Le Duan 1 để xem chi tiết.", footer=FOOTER,
    ),
    "help_menu": Reply(
        "hd", "help", "vi", "Tổng đài tra cứu. Soạn:",
        fields=tuple(Field("", text) for text in [
            "ATTP <tên quán>: an toàn thực phẩm", "XE <số tuyến>: xe buýt", "MT <phường>: môi trường",
            "GIADAT <đường>: giá đất", "KCB <tên>: khám chữa bệnh", "TIN: tin tức", "EN: English",
            "HD <từ khóa>: hướng dẫn",
        ]),
        hint="Soạn HD <từ khóa> để xem hướng dẫn.",
    ),
    "vietnamese_everything": Reply(
        "attp", "found", "vi", "Kết quả: “Phở Hòa” — ĐƯỜNG Lê Duẩn, Đà Nẵng 🍜",
        fields=(
            Field("Địa chỉ", "12 Lê Duẩn, P. Thạch Thang, Q. Hải Châu, Đà Nẵng"),
            Field("Giá", "50.000đ – 80.000đ × 2 [x] {y} a\\b ^ ~ | €5 … ‘ngon’"),
            Field(unicodedata.normalize("NFD", "Tên cũ"),
                  unicodedata.normalize("NFD", "Bún chả Hà Nội Đống Đa")),
            Field("", "Điện thoại: 0236 3822 123 ☎️ 👍🏽"),
            Field("Ghi chú", LONG_VALUE),
            Field("Đánh giá", "Đạt"),
        ),
        options=(Option(1, "Đồ ăn “sạch”", "Đường 2/9 — Hòa Cường", "ATTP Do an sach"),),
        hint="Soạn ATTP <số> để chọn — “ví dụ” ATTP 1…",
        footer=Footer(date(2026, 11, 1), "Sở An toàn thực phẩm Đà Nẵng", sample=True),
    ),
    "huge_title_hint_footer": Reply(
        "giadat", "error", "en", "Title " + " ".join(["word"] * 80), fields=(Field("A", "b"),),
        hint="Hint " + " ".join(["long"] * 80), footer=Footer(date(2026, 11, 1), " ".join(["Source"] * 40)),
    ),
}


def _sms_body(reply: Reply) -> list[str]:
    """What every field/option line looks like in full (the unbudgeted rendering's body)."""
    full = render_sms(reply, budget=10**6).split("\n")
    tail = bool(reply.hint) + bool(reply.footer)
    return [line for line in full[1:len(full) - tail] if not MARKER.match(line)]


def _is_prefix(line: str, full: str) -> bool:
    """``line`` is ``full`` or ``full`` cut at a word boundary plus "..."."""
    if line == full:
        return True
    stem = line.removesuffix("...")
    return line.endswith("...") and full.startswith(stem) and full[len(stem)] == " "


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("name", CASES)
def test_sms_guarantees(name: str, budget: int) -> None:
    reply = CASES[name]
    out = render_sms(reply, budget)
    assert gsm7_ok(out), out
    assert len(out) <= budget
    assert sms_segments(out) <= -(-budget // 153)

    # every word comes from the source text (never a cut word), or is "..." / the +N marker
    full = render_sms(reply, budget=10**6)
    source_words = set(full.split())
    lines = out.split("\n")
    for line in lines:
        if MARKER.match(line):
            continue
        for word in line.split():
            assert word in source_words or word.removesuffix("...") in source_words or word == "...", word

    # title, hint and footer always there, in place
    full_lines = full.split("\n")
    assert _is_prefix(lines[0], full_lines[0])
    tail = bool(reply.hint) + bool(reply.footer)
    for got, want in zip(lines[len(lines) - tail:], full_lines[len(full_lines) - tail:], strict=True):
        assert _is_prefix(got, want)

    # the body is a prefix of the full body (only a field may be shortened), then the right +N marker
    body = lines[1:len(lines) - tail]
    marker = MARKER.match(body[-1]) if body else None
    if marker:
        body = body[:-1]
    full_body = _sms_body(reply)
    for i, line in enumerate(body):
        assert _is_prefix(line, full_body[i])
        if line != full_body[i]:
            assert i == len(body) - 1 and i < len(reply.fields) and len(line) >= 30  # ~40 minus a word
    expected = len(full_body) - len(body) + reply.more
    if marker:
        assert int(marker.group(1)) == expected
        fields_left = len(body) < len(reply.fields)
        wording = "more" if reply.lang == "en" else "muc khac" if fields_left else "ket qua khac"
        assert marker.group(2) == wording
    else:
        assert expected == 0 or len(out) + 1 + len(f"(+{expected} muc khac)") > budget


def test_sms_full_layout() -> None:
    out = render_sms(CASES["ambiguous"])
    assert out == "\n".join([
        'Co 17 ket qua cho "pho hoa":',
        *(f"{i}. Pho Hoa {i} - {i * 10} Le Duan, P. Thach Thang" for i in range(1, 6)),
        "(+12 ket qua khac)",
        "Soan ATTP Pho Hoa Le Duan 1 de xem chi tiet.",
        "DL 01/11/2026, So ATTP Da Nang (du lieu mau)",
    ])
    assert render_sms(CASES["ambiguous_en"]).split("\n")[-2:] == [
        "Send KCB 1 for details.", "Data 2026-11-01, Da Nang Health Dept"]
    assert "(+12 more)" in render_sms(CASES["ambiguous_en"])


def test_sms_folds_vietnamese_and_symbols() -> None:
    out = render_sms(CASES["vietnamese_everything"], budget=10**6)
    lines = out.split("\n")
    assert lines[0] == "Ket qua: \"Pho Hoa\" - DUONG Le Duan, Da Nang"
    assert lines[1] == "Dia chi: 12 Le Duan, P. Thach Thang, Q. Hai Chau, Da Nang"
    assert lines[2] == "Gia: 50.000d - 80.000d x 2 (x) (y) a/b - - / EUR5 ... 'ngon'"
    assert lines[3] == "Ten cu: Bun cha Ha Noi Dong Da"
    assert lines[4] == "Dien thoai: 0236 3822 123"
    assert lines[-3] == "1. Do an \"sach\" - Duong 2/9 - Hoa Cuong"
    assert lines[-2] == "Soan ATTP <so> de chon - \"vi du\" ATTP 1..."
    assert lines[-1] == "DL 01/11/2026, So An toan thuc pham Da Nang (du lieu mau)"


def test_long_field_is_shortened_at_a_word() -> None:
    out = render_sms(CASES["vietnamese_everything"])
    note = next(line for line in out.split("\n") if line.startswith("Ghi chu: "))
    assert note.endswith("...") and len(note) >= 40
    # room was kept to say what else there is (the last field and the option)
    assert "(+2 muc khac)" in out


def test_zalo() -> None:
    for reply in CASES.values():
        out = render_zalo(reply)
        assert len(out) <= 2000
        assert out == unicodedata.normalize("NFC", out)
        assert "\n\n" not in out
    out = render_zalo(CASES["vietnamese_everything"])
    assert out.startswith("Kết quả: “Phở Hòa” — ĐƯỜNG Lê Duẩn, Đà Nẵng 🍜\n")
    assert "Tên cũ: Bún chả Hà Nội Đống Đa" in out  # NFD input comes out composed
    assert "[x] {y}" in out and "€5" in out
    assert out.endswith("Dữ liệu đến 01/11/2026 · Nguồn: Sở An toàn thực phẩm Đà Nẵng · dữ liệu mẫu")
    ambiguous = render_zalo(CASES["ambiguous"])
    assert "1. Phở Hòa 1 — 10 Lê Duẩn, P. Thạch Thang\n" in ambiguous
    assert "\n(+12 kết quả khác)\n" in ambiguous
    assert render_zalo(CASES["ambiguous_en"]).endswith("Data as of 2026-11-01 · Source: Da Nang Health Dept")
    small = render_zalo(CASES["ambiguous"], limit=200)
    assert len(small) <= 200 and small.endswith("dữ liệu mẫu")


@pytest.mark.parametrize("name", CASES)
def test_json_round_trip(name: str) -> None:
    reply = CASES[name]
    data = render_json(reply)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"intent", "status", "lang", "title", "fields", "options", "more", "hint", "footer",
                         "matches"}
    assert data["title"] == reply.title
    if reply.footer:
        assert data["footer"] == {"as_of": "2026-11-01", "source": reply.footer.source,
                                  "sample": reply.footer.sample}
    else:
        assert data["footer"] is None


def test_json_shape() -> None:
    data = render_json(CASES["found_many_fields"])
    assert data["matches"] == [{"dataset": "attp", "id": "A-12", "name": "Phở Hòa Pasteur", "score": 97.5}]
    assert render_json(CASES["ambiguous"])["options"][0] == {  # type: ignore[index]
        "number": 1, "label": "Phở Hòa 1", "detail": "10 Lê Duẩn, P. Thạch Thang",
        "command": "ATTP Pho Hoa Le Duan 1",
    }


def test_render_dispatch() -> None:
    reply = CASES["ambiguous"]
    assert set(RENDERERS) == {"sms", "zalo", "json"}
    assert render(reply, "sms") == render_sms(reply)
    assert render(reply, "zalo") == render_zalo(reply)
    assert render(reply, "json") == render_json(reply)
    with pytest.raises(ValueError, match="fax"):
        render(reply, "fax")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đà Nẵng", "Da Nang"),
        (unicodedata.normalize("NFD", "Hòa Khánh"), "Hoa Khanh"),
        ("“a” ‘b’ `c`", "\"a\" 'b' 'c'"),
        ("1–2—3", "1-2-3"),
        ("chờ…", "cho..."),
        ("2×3", "2x3"),
        ("[a]{b}\\c^d~e|f€", "(a)(b)/c-d-e/fEUR"),
        ("ăn 🍜 ngon 👍🏽", "an  ngon "),
        ("m² ½ ｆｕｌｌ ﬁ №", "m2 1/2 full fi No"),
        ("a\tb\u00a0c\r\nd", "a b c\nd"),
        ("50.000₫", "50.000d"),
        ("@£$¥ÄÖÑÜ§¿äöñüàÆæßÉ", "@£$¥AONU§¿aonuaÆæßE"),
    ],
)
def test_to_gsm7(raw: str, folded: str) -> None:
    assert to_gsm7(raw) == folded
    assert gsm7_ok(folded)


def test_gsm7_ok_and_segments() -> None:
    assert gsm7_ok("Hello @ 5$ (x)\n")
    assert not gsm7_ok("[x]") and not gsm7_ok("€") and not gsm7_ok("Đà") and not gsm7_ok("\x1b")
    assert sms_segments("") == 1
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("a" * 459) == 3
    assert sms_segments("[" * 80) == 1 and sms_segments("[" * 81) == 2  # extension: 2 septets each
    assert sms_segments("Đ" * 70) == 1 and sms_segments("Đ" * 71) == 2  # UCS-2
    assert sms_segments("🍜" * 35) == 1 and sms_segments("🍜" * 36) == 2  # surrogate pairs


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Pho Hoa Le Duan", 100, "Pho Hoa Le Duan"),
        ("Pho Hoa Le Duan", 15, "Pho Hoa Le Duan"),
        ("Pho Hoa Le Duan", 14, "Pho Hoa Le..."),
        ("Pho Hoa Le Duan", 13, "Pho Hoa Le..."),
        ("Pho Hoa Le Duan", 12, "Pho Hoa..."),
        ("1. Pho Hoa - 12 Le Duan", 17, "1. Pho Hoa..."),
        ("Supercalifragilistic", 10, "Superca..."),  # no word boundary at all: the one mid-word cut
        ("abc def", 3, ""),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected


def test_fit_parts() -> None:
    def marker(n: int) -> str:
        return f"(+{n})"

    assert fit_parts("T", ["a", "b"], ["H", "F"], 100, marker) == "T\na\nb\nH\nF"
    assert fit_parts("T", ["a", "b"], ["H", "F"], 100, marker, more=3) == "T\na\nb\n(+3)\nH\nF"
    assert fit_parts("T", ["aaaa", "b"], ["H", "F"], 12, marker) == "T\naaaa\nb\nH\nF"
    assert fit_parts("T", ["aaaa", "b"], ["H", "F"], 10, marker) == "T\naaaa\nH\nF"  # no room for (+1)
    assert fit_parts("T", ["aaaa", "b"], ["H", "F"], 9, marker) == "T\nH\nF"
    assert fit_parts("T", ["aaaaaaa", "b"], ["H", "F"], 11, marker) == "T\n(+2)\nH\nF"
    assert fit_parts("T", ["aaaa", "b"], ["", "F"], 10, marker) == "T\naaaa\nb\nF"
    long = "word " * 20
    assert fit_parts("T", [long, "b"], [], 50, marker) == "T\n" + shorten(long, 43) + "\n(+1)"
    assert fit_parts("T", [long, "b"], [], 50, marker, cuttable=0) == "T\n(+2)"
    assert fit_parts("", [], ["", ""], 10, marker) == ""
    with pytest.raises(ValueError):
        fit_parts("T", [], [], 0, marker)


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    @pytest.mark.skip(reason="hypothesis is not installed")
    def test_random_text_keeps_guarantees() -> None:
        pass
else:
    _text = st.text(max_size=300)
    _replies = st.builds(
        Reply,
        intent=st.just("attp"),
        status=st.sampled_from(["found", "ambiguous", "not_found", "help", "error"]),
        lang=st.sampled_from(["vi", "en"]),
        title=_text,
        fields=st.lists(st.builds(Field, _text, _text), max_size=8).map(tuple),
        options=st.lists(st.builds(Option, st.integers(1, 99), _text, _text, _text), max_size=6).map(tuple),
        more=st.integers(-1, 500),
        hint=_text,
        footer=st.none() | st.builds(Footer, st.dates(), _text, st.booleans()),
    )

    @settings(max_examples=300, deadline=None)
    @given(reply=_replies, budget=st.sampled_from(BUDGETS) | st.integers(1, 600),
           limit=st.integers(1, 2000))
    def test_random_text_keeps_guarantees(reply: Reply, budget: int, limit: int) -> None:
        out = render_sms(reply, budget)
        assert gsm7_ok(out)
        assert len(out) <= budget
        zalo = render_zalo(reply, limit)
        assert len(zalo) <= limit
        json.dumps(render_json(reply))
