"""How cells are read: dates, VND amounts, yes/no, addresses, encodings and JSON shapes offices produce."""

from __future__ import annotations

import codecs
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from lookups.importing.readers import read_json, sniff_encoding
from lookups.importing.values import parse_amount, parse_bool, parse_date, split_address


@pytest.mark.parametrize(("cell", "day"), [
    ("05/03/2026", date(2026, 3, 5)), ("5-3-2026", date(2026, 3, 5)), ("05.03.2026", date(2026, 3, 5)),
    ("2026-03-05", date(2026, 3, 5)), ("2026-03-05T00:00:00", date(2026, 3, 5)), ("20260305", date(2026, 3, 5)),
    (46086, date(2026, 3, 5)), ("46086", date(2026, 3, 5)), (datetime(2026, 3, 5, 8, 30), date(2026, 3, 5)),
])
def test_dates(cell: object, day: date) -> None:
    assert parse_date(cell) == day


@pytest.mark.parametrize("cell", ["31/02/2026", "2026", "05/03/26", "mùng 5 tháng 3", 12.5, 2026])
def test_dates_that_are_not_guessed(cell: object) -> None:
    with pytest.raises(ValueError, match="unparseable date"):
        parse_date(cell)


@pytest.mark.parametrize(("cell", "amount"), [
    ("12.500.000", 12_500_000), ("12,500,000", 12_500_000), ("12 500 000", 12_500_000), ("12500000", 12_500_000),
    ("12.500.000 đ", 12_500_000), ("5.000.000 VNĐ", 5_000_000), (12_500_000, 12_500_000), (12_500_000.0, 12_500_000),
    ("-5.000", -5000),
])
def test_amounts(cell: object, amount: int) -> None:
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["12,5", "1.5", "12.50.000", "mười triệu", 12.5, True])
def test_amounts_that_are_not_guessed(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(cell)


def test_yes_no_and_addresses() -> None:
    assert [parse_bool(c) for c in ("Có", "x", "1", "không", "", 0)] == [True, True, True, False, False, False]
    with pytest.raises(ValueError):
        parse_bool("có lẽ")
    assert split_address("K12/3 Lê Duẩn, P. Hải Châu, Q. Hải Châu") == ("K12/3", "Lê Duẩn")
    assert split_address("số 5 Trần Phú") == ("5", "Trần Phú")
    assert split_address("Chợ Hàn") == ("", "Chợ Hàn")


def test_encodings_are_sniffed() -> None:
    text = "Tên cơ sở;Địa chỉ\nPhở Hòa;12 Lê Duẩn\n"
    assert sniff_encoding(text.encode("utf-8")) == "utf-8"
    assert sniff_encoding(codecs.BOM_UTF8 + text.encode("utf-8")) == "utf-8-sig"
    assert sniff_encoding(text.encode("utf-16")) == "utf-16"
    assert sniff_encoding(text.encode("utf-16-le")) == "utf-16-le"
    assert sniff_encoding("Tên co so".encode("cp1258")) == "cp1258"


@pytest.mark.parametrize("shape", [
    lambda rows: rows, lambda rows: {"data": rows}, lambda rows: {"success": True, "result": {"records": rows}}])
def test_json_shapes(tmp_path: Path, shape: object) -> None:
    path = tmp_path / "export.json"
    rows = [{"ten_co_so": "Quán A", "certificate": {"number": "1", "revoked_on": None}}, 7]
    path.write_text(json.dumps(shape(rows)), encoding="utf-8")  # type: ignore[operator]
    assert list(read_json(path).rows) == [(1, {"ten_co_so": "Quán A", "certificate.number": "1"}), (2, None)]
