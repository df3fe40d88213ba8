"""``tongdai data import|validate`` on real files (tests/fixtures/imports, made by make_fixtures.py): the report,
line by line, and that a refused import leaves nothing behind that could become current."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
XLSX = FIXTURES / "food_registry.xlsx"
XLSX_PROBLEMS = [
    "row 6, Tên cơ sở: missing name",
    "row 7, Ngày cấp: unparseable date '31/02/2026'",
    "row 8, Ngày hết hạn: expiry 2025-06-01 is before issue 2026-06-01",
    "row 9, Mã cơ sở: duplicate id 'HX001' (first on row 4)",
    "row 10, Số tiền phạt: negative fine",
    "note: columns not imported (no field maps them): Ghi chú",
]
Run = Callable[..., tuple[int, list[str]]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the sample pack: imports write versions into it."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("tools")))


@pytest.fixture
def run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> tuple[int, list[str]]:
        code = main(["--data-dir", str(data_dir), *argv])
        return code, capsys.readouterr().out.splitlines()

    return call


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))


def versions_of(data_dir: Path, dataset: str) -> list[str]:
    top = data_dir / "versions" / dataset
    return sorted(p.name for p in top.iterdir() if (p / "version.json").exists()) if top.is_dir() else []


def test_xlsx_with_broken_rows_is_refused_whole(run: Run, data_dir: Path) -> None:
    code, lines = run("data", "import", "food_safety", str(XLSX), "--force")
    assert code == 1
    assert lines[:-1] == [
        f"food_safety: {XLSX} (xlsx, sheet 'Danh sách')",
        "read 9 rows, accepted 4, rejected 5",
        *XLSX_PROBLEMS,
        "refused: 5 of 9 rows rejected; nothing was switched (--allow-partial imports the 4 good rows)",
    ]
    assert lines[-1].startswith(f"report: {data_dir / 'versions' / 'food_safety' / 'refused'}")
    saved = read_csv(Path(lines[-1].removeprefix("report: ")))
    assert saved[0] == ["file", "row", "column", "value", "reason"]
    assert saved[1:] == [
        ["", "6", "Tên cơ sở", "", "missing name"],
        ["", "7", "Ngày cấp", "31/02/2026", "unparseable date '31/02/2026'"],
        ["", "8", "Ngày hết hạn", "01/06/2025", "expiry 2025-06-01 is before issue 2026-06-01"],
        ["", "9", "Mã cơ sở", "HX001", "duplicate id 'HX001' (first on row 4)"],
        ["", "10", "Số tiền phạt", "-5.000.000", "negative fine"],
    ]
    # Nothing partial exists that a pointer could name, and the pointer was never written.
    assert versions_of(data_dir, "food_safety") == []
    assert not (data_dir / "versions" / "food_safety" / "CURRENT").exists()
    assert not list((data_dir / "versions" / "food_safety").glob(".staging*"))


def test_validate_says_the_same_and_writes_nothing(run: Run, data_dir: Path) -> None:
    code, lines = run("data", "validate", "food_safety", str(XLSX))
    assert code == 1
    assert lines == [
        f"food_safety: {XLSX} (xlsx, sheet 'Danh sách')",
        "read 9 rows, accepted 4, rejected 5",
        *XLSX_PROBLEMS,
        "invalid: 5 of 9 rows rejected; nothing was switched (--allow-partial imports the 4 good rows)",
    ]
    assert not (data_dir / "versions").exists()


def test_allow_partial_imports_the_good_rows_only(run: Run, data_dir: Path) -> None:
    code, lines = run("data", "import", "food_safety", str(XLSX), "--allow-partial", "--force",
                      "--as-of", "2026-12-01", "--source", "UBND phường Hải Châu")
    assert code == 0
    [version] = versions_of(data_dir, "food_safety")
    assert lines[2:] == [
        *XLSX_PROBLEMS,
        "left out 5 rejected rows (--allow-partial)",
        "forced: the new version has 4 records against 3000 now (100% fewer, more than 20%)",
        f"imported food_safety version {version} (as of 2026-12-01, 4 records); now current, replacing base",
        f"report: {data_dir / 'versions' / 'food_safety' / version / 'report.csv'}",
    ]
    assert (data_dir / "versions" / "food_safety" / "CURRENT").read_text().strip() == version


def test_shrinking_by_more_than_a_fifth_needs_force(run: Run, data_dir: Path) -> None:
    portal = FIXTURES / "food_portal.json"
    code, lines = run("data", "import", "food_safety", str(portal))
    assert code == 1
    assert lines[:-1] == [
        f"food_safety: {portal} (json)",
        "read 3 rows, accepted 3, rejected 0",
        "refused: the new version would have 3 records against 3000 now (100% fewer, more than 20%); "
        "check the file, or pass --force to import it anyway",
    ]
    assert versions_of(data_dir, "food_safety") == []
    code, lines = run("data", "import", "food_safety", str(portal), "--max-loss", "1")
    assert code == 0 and lines[3].startswith("imported food_safety version")
    assert lines[2] == ("note: no --source, so this version keeps the sample-data label and source of the current "
                        "one; name the real source with --source")


def test_windows_1258_csv(run: Run) -> None:
    path = FIXTURES / "land_cp1258.csv"
    code, lines = run("data", "validate", "land_price", str(path), "--allow-partial", "--max-loss", "1",
                      "--source", "Sở Tài nguyên và Môi trường")
    assert code == 0
    assert lines == [
        f"land_price: {path} (csv, encoding cp1258, delimiter ';')",
        "read 4 rows, accepted 3, rejected 1",
        "row 4, VT2: negative price",
        "left out 1 rejected rows (--allow-partial)",
        "valid: an import would make a version of 3 records (nothing was switched)",
    ]


def test_utf16_tab_separated_csv(run: Run) -> None:
    path = FIXTURES / "clinics_utf16.csv"
    code, lines = run("data", "validate", "clinics", str(path))
    assert code == 1
    assert lines == [
        f"clinics: {path} (csv, encoding utf-16, delimiter 'tab')",
        "read 3 rows, accepted 2, rejected 1",
        "row 4, Loại hình: unknown type 'Spa' (expected hospital, clinic, health_station, pharmacy)",
        "invalid: 1 of 3 rows rejected; nothing was switched (--allow-partial imports the 2 good rows)",
    ]


def test_gtfs_zip_with_a_broken_stop_time(run: Run, data_dir: Path) -> None:
    path = FIXTURES / "bus_feed.zip"
    code, lines = run("data", "import", "bus", str(path), "--force")
    assert code == 1
    assert lines[:-1] == [
        f"bus: {path} (GTFS zip)",
        "read 14 rows, accepted 13, rejected 1",
        "stop_times.txt row 6, stop_id: unknown stop 'T9'",
        "refused: 1 of 14 rows rejected; nothing was switched (--allow-partial imports the 13 good rows)",
    ]
    assert versions_of(data_dir, "bus") == []
    report = Path(lines[-1].removeprefix("report: "))
    assert read_csv(report)[1] == [
        "stop_times.txt", "6", "stop_id", "T9", "unknown stop 'T9'"]


def test_a_mapping_error_is_said_once_not_per_row(run: Run, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("Cơ sở,Số nhà\nQuán A,1\n", encoding="utf-8")
    code, _ = run("data", "validate", "food_safety", str(odd))
    assert code == 2  # a data error: the message names the header and the fix
    mapping = tmp_path / "odd.toml"
    mapping.write_text('dataset = "food_safety"\n[columns]\n"Cơ sở" = "name"\n', encoding="utf-8")
    code, lines = run("data", "validate", "food_safety", str(odd), "--mapping", str(mapping), "--max-loss", "1")
    assert code == 0 and lines[1] == "read 1 rows, accepted 1, rejected 0"


def test_import_needs_an_explicit_data_dir(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TONGDAI_DATA_DIR", raising=False)
    assert main(["data", "import", "food_safety", str(XLSX)]) == 2
    assert "--data-dir" in capsys.readouterr().err
    assert not (ROOT / "data" / "versions").exists()


def test_json_array_without_ids(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"ten_co_so": "Quán Thử", "dia_chi": "1 Lê Lợi"},
                                {"ten_co_so": "Quán thử", "dia_chi": "1 Lê Lợi, P. Hải Châu"}, 5]), encoding="utf-8")
    code, lines = run("data", "validate", "food_safety", str(path), "--max-loss", "1")
    assert code == 1 and lines[1:4] == [
        "read 3 rows, accepted 1, rejected 2",
        "row 2, ten_co_so: duplicate record: same name and address as row 1",
        "row 3, -: not a JSON object",
    ]
