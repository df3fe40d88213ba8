"""Versions seen through ``tongdai ask``: an import changes the answers and their date, export -> import is a
round trip, history lists every version, and rollback brings the old answers back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "imports"
PORTAL = FIXTURES / "food_portal.json"
XLSX = FIXTURES / "food_registry.xlsx"


class Tongdai:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.capsys = data_dir, capsys

    def run(self, *argv: str) -> tuple[int, list[str]]:
        code = main(["--data-dir", str(self.data_dir), *argv])
        return code, self.capsys.readouterr().out.splitlines()

    def ask(self, text: str) -> Any:
        code, lines = self.run("ask", "--channel", "json", "--", text)
        assert code == 0
        return json.loads("\n".join(lines))

    def current(self, dataset: str) -> str:
        pointer = self.data_dir / "versions" / dataset / "CURRENT"
        return pointer.read_text().strip() if pointer.exists() else "base"


@pytest.fixture
def td(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Tongdai:
    data = shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("tools"))
    return Tongdai(Path(data), capsys)


def test_a_good_import_changes_the_answer_and_its_date(td: Tongdai) -> None:
    before = td.ask("attp gio bien man thai")
    assert before["title"] != "Nhà hàng Gió Biển Mân Thái"
    assert td.ask("attp pho hoa le duan")["status"] == "found"
    code, _ = td.run("data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01",
                     "--source", "Cổng dữ liệu mở Đà Nẵng")
    assert code == 0
    after = td.ask("attp gio bien man thai")
    assert after["status"] == "found" and after["title"] == "Nhà hàng Gió Biển Mân Thái"
    assert after["footer"] == {"as_of": "2026-12-01", "source": "Cơ sở thực phẩm", "sample": False}
    commitment = td.ask("attp bep an truong tieu hoc hoa phuong do")
    assert commitment["status"] == "found" and "cam kết" in json.dumps(commitment, ensure_ascii=False).lower()
    assert td.ask("attp pho hoa le duan")["status"] != "found"  # the sample records are not in this version


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
@pytest.mark.parametrize(("dataset", "question"), [
    ("food_safety", "attp pho hoa le duan"), ("clinics", "kcb nhi hai chau"), ("land_price", "giadat le duan")])
def test_export_then_import_is_a_round_trip(td: Tongdai, tmp_path: Path, dataset: str, question: str,
                                            fmt: str) -> None:
    answer = td.ask(question)
    code, exported = td.run("data", "export", dataset, "--format", fmt)
    assert code == 0
    records = json.loads("\n".join(exported)) if fmt == "json" else [json.loads(line) for line in exported]
    assert len(records) == len(exported) - (2 if fmt == "json" else 0)  # the array keeps a record per line
    path = tmp_path / f"{dataset}.{fmt}"
    path.write_text("\n".join(exported) + "\n", encoding="utf-8")
    code, lines = td.run("data", "import", dataset, str(path), "--as-of", "2026-11-01")
    assert code == 0 and lines[1] == f"read {len(records)} rows, accepted {len(records)}, rejected 0"
    assert td.current(dataset) != "base"
    assert td.run("data", "export", dataset, "--format", fmt) == (0, exported)
    assert td.ask(question) == answer


def test_the_same_file_twice_is_one_version(td: Tongdai) -> None:
    first = td.run("data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-01")
    code, lines = td.run("data", "import", "food_safety", str(PORTAL), "--as-of", "2026-12-01")
    assert first[0] == 0 and code == 0
    version = td.current("food_safety")
    assert lines[-2] == f"version {version} has the same content and is already current; nothing changed"
    assert len([p for p in (td.data_dir / "versions" / "food_safety").iterdir() if p.name == version]) == 1


def test_history_and_rollback_restore_the_old_answers(td: Tongdai) -> None:
    original = td.ask("attp pho hoa le duan")
    assert td.run("data", "import", "food_safety", str(XLSX), "--allow-partial", "--force",
                  "--as-of", "2026-12-01", "--source", "UBND phường Hải Châu")[0] == 0
    first = td.current("food_safety")
    assert td.run("data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-15",
                  "--source", "Cổng dữ liệu mở")[0] == 0
    second = td.current("food_safety")
    code, lines = td.run("data", "history", "food_safety")
    assert code == 0 and lines[0] == "food_safety versions, oldest first (* = current)"
    assert [line.split()[:4] for line in lines[2:5]] == [
        ["base", "2026-11-01", "3000", "-"], [first, "2026-12-01", "4", lines[3].split()[3]],
        ["*", second, "2026-12-15", "3"]]
    assert lines[5] == "switches" and lines[6].split()[1:] == ["import", "base", "->", first]

    code, lines = td.run("data", "rollback", "food_safety")
    assert code == 0 and lines == [f"food_safety: rolled back from {second} to {first} (as of 2026-12-01, 4 records)"]
    assert td.ask("attp mi quang ba vi thach thang")["title"] == "Mì Quảng Bà Vị Thạch Thang"
    assert td.ask("attp gio bien man thai")["status"] != "found"

    code, lines = td.run("data", "rollback", "food_safety", "--to", "base")
    assert code == 0 and lines[0].startswith(f"food_safety: rolled back from {first} to base")
    assert td.ask("attp pho hoa le duan") == original
    assert td.run("data", "rollback", "food_safety") == (
        1, ["food_safety: base is the oldest version; there is nothing to roll back to"])
    code, lines = td.run("data", "rollback", "food_safety", "--to", second[:6])  # a prefix is enough
    assert code == 0 and td.ask("attp gio bien man thai")["footer"]["as_of"] == "2026-12-15"
    assert td.run("data", "history", "food_safety")[1][-1].split()[1:] == ["rollback", "base", "->", second]


def test_list_shows_the_current_version(td: Tongdai) -> None:
    assert td.run("data", "import", "bus", str(FIXTURES / "bus_feed.zip"), "--allow-partial", "--force",
                  "--as-of", "2026-12-01")[0] == 0
    code, lines = td.run("data", "list")
    bus = next(line.split() for line in lines if line.startswith("bus "))
    assert code == 0 and bus[1:3] == ["3", "2026-12-01"] and bus[3] == bus[4] == td.current("bus")
    assert td.ask("bus 99")["status"] == "found"
    assert td.ask("mt tt901")["status"] == "found"


def test_a_gtfs_folder_imports_as_is(td: Tongdai) -> None:
    answers = [td.ask(q) for q in ("bus 05", "bus cho han", "xb cho han, san bay")]
    code, lines = td.run("data", "import", "bus", str(ROOT / "data" / "bus" / "gtfs"), "--as-of", "2026-11-01")
    assert code == 0 and lines[1] == "read 31093 rows, accepted 31093, rejected 0"
    assert td.current("bus") != "base"
    assert [td.ask(q) for q in ("bus 05", "bus cho han", "xb cho han, san bay")] == answers
