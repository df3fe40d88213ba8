"""A tenth dataset added as data only (a folder with a CSV and a datapackage.json), driven end to end through the
signed Twilio webhook and the ``tongdai`` command: found, ambiguous and 1-5, HD, import of a new version, export
round trip, rollback."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sms_kit import said, twilio_post

from app import create_app
from app.cli import main
from lookups.datasets.base import bundled_data_dir
from lookups.store import Catalog

TOKEN = "7c0ffee7c0ffee7c0ffee7c0ffee7c0f"
FIXTURES = Path(__file__).parent / "fixtures" / "declared"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the bundled pack plus a tenth dataset, written as files only (no Python)."""
    out = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), out, ignore=shutil.ignore_patterns("versions", "tools"))
    shutil.copytree(FIXTURES / "parks", out / "parks")
    return out


@pytest.fixture
def catalog(data_dir: Path) -> Catalog:
    return Catalog(data_dir, reload_every=0)


@pytest.fixture
def app(catalog: Catalog, state_config: dict[str, str]) -> Flask:
    return create_app({"TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN, "CATALOG": catalog,
                       **state_config})


def sms(app: Flask, body: str, sender: str = "+84905333444") -> str:
    text = said(twilio_post(app, TOKEN, body, sender).data)
    assert text
    assert len(text) <= 459
    return text


def test_a_declared_dataset_answers_found_and_ambiguous_with_picks(app: Flask) -> None:
    found = sms(app, "CONGVIEN cong vien apec")
    assert found.startswith("Cong vien APEC\n"), found
    assert "Giay phep: con hieu luc (den 01/01/2030)" in found and "Dien tich (m2): 42.000" in found
    assert "Cai tao" not in found  # declared "sms": false
    assert "(du lieu mau)" in found
    expired = sms(app, "PARK bien dong park")  # the English keyword, and an alias of the name
    assert "Licence: expired (since 2025-01-01)" in expired and "Area (m2): 38,000" in expired

    listing = sms(app, "congvien vuon hoa bach dang")
    assert listing.startswith('Co 3 ket qua cho "vuon hoa bach dang"'), listing
    second = listing.splitlines()[2]
    assert re.match(r"2\. Vuon hoa Bach Dang - [A-Z]", second), second
    street = second.split(" - ", 1)[1].split(",")[0]
    detail = sms(app, "2")
    assert detail.startswith("Vuon hoa Bach Dang\n") and f"Duong: {street}" in detail, detail


def test_help_lists_the_new_keyword_by_category_on_every_page(app: Flask) -> None:
    first = sms(app, "HD")
    pages = int(m.group(1)) if (m := re.search(r"Trang 1/(\d+)", first)) else 1
    menu = [first, *(sms(app, f"HD {n}") for n in range(2, pages + 1))]
    assert any("(Vui choi)" in page and "CONGVIEN <ten cong vien>" in page for page in menu), menu
    assert all(page.startswith("Tong dai tra cuu") for page in menu)
    assert "Vi du: CONGVIEN cong vien apec" in sms(app, "HD congvien")
    assert "CONGVIEN <ten cong vien>" in sms(app, "HD vui choi")
    assert "CONGVIEN" in sms(app, "CONGVIEN")  # the keyword alone: its help


def test_import_makes_a_new_version_and_rollback_restores_it(app: Flask, catalog: Catalog, data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert "Cong vien Chau A" in sms(app, "CONGVIEN cong vien chau a")
    # The portal's file: Vietnamese headers (the fields' titles), dd/mm/yyyy dates, 42.000-style numbers.
    assert main(["--data-dir", str(data_dir), "data", "import", "parks", str(FIXTURES / "parks-2027.csv"),
                 "--as-of", "2027-01-15"]) == 0
    out = capsys.readouterr().out
    assert "read 7 rows, accepted 7, rejected 0" in out and "imported parks version" in out, out
    assert catalog.refresh() == ["parks"]
    new = sms(app, "CONGVIEN cong vien rong xanh")
    assert new.startswith("Cong vien Rong Xanh\n") and "DL 15/01/2027" in new, new
    assert "Khong tim thay" in sms(app, "CONGVIEN cong vien chau a")
    assert "con hieu luc (den 01/01/2031)" in sms(app, "CONGVIEN cong vien bien dong")

    assert main(["--data-dir", str(data_dir), "data", "rollback", "parks"]) == 0
    assert "rolled back" in capsys.readouterr().out
    assert catalog.refresh() == ["parks"]
    assert "Cong vien Chau A" in sms(app, "CONGVIEN cong vien chau a")
    assert "Khong tim thay" in sms(app, "CONGVIEN cong vien rong xanh")


def test_export_imports_back_unchanged(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "data", "export", "parks"]) == 0
    first = capsys.readouterr().out
    rows = [json.loads(line) for line in first.splitlines()]
    assert len(rows) == 7 and rows[0]["id"] == "CV01" and rows[0]["area_m2"] == 42000
    assert rows[0]["renovated_on"] == "2017-11-01"
    (tmp_path / "parks.jsonl").write_text(first, encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "data", "import", "parks", str(tmp_path / "parks.jsonl")]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "data", "export", "parks"]) == 0
    assert capsys.readouterr().out == first
    assert main(["--data-dir", str(data_dir), "data", "list"]) == 0
    assert re.search(r"^parks\s+7\s", capsys.readouterr().out, re.M)
    assert main(["--data-dir", str(data_dir), "data", "validate", "parks", str(FIXTURES / "parks-2027.csv")]) == 0
    assert "valid: an import would make a version of 7 records" in capsys.readouterr().out


def test_a_line_kept_from_sms_is_on_zalo_and_in_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "ask", "--channel", "zalo", "CONGVIEN cong vien apec"]) == 0
    assert "Cải tạo: 01/11/2017" in capsys.readouterr().out
    assert main(["--data-dir", str(data_dir), "ask", "--channel", "json", "PARK apec park"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert {"label": "Renovated", "value": "2017-11-01", "sms": False} in reply["fields"]


def test_a_table_may_be_json_lines(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = data_dir / "parks"
    with (folder / "parks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (folder / "parks.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                        encoding="utf-8")
    (folder / "parks.csv").unlink()
    doc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    doc["resources"][0].update(path="parks.jsonl", format="jsonl")
    (folder / "datapackage.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "ask", "CONGVIEN cong vien chau a"]) == 0
    assert capsys.readouterr().out.startswith("Cong vien Chau A\n")


def test_text_without_a_keyword_found_in_two_datasets_offers_both(app: Flask) -> None:
    listing = sms(app, "tran phu")
    assert listing.startswith('Co 2 ket qua cho "tran phu":\n1. Tran Phu - Gia dat theo doan duong\n'
                              "2. Truong THPT Tran Phu - Truong hoc"), listing
    assert sms(app, "2").startswith("Truong THPT Tran Phu\nCap hoc: THPT\n")
    assert sms(app, "pho hoa le duan").startswith("Pho Hoa\n")  # one dataset's winner: answered directly
