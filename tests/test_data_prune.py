"""``tongdai data prune``: old imports and the built files this code no longer reads go; base, the current
version, the one before it and the most recent imports stay, and still answer; ``--dry-run`` removes nothing."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from lookups.built.place import Places

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "tests" / "fixtures" / "imports" / "food_portal.json"
DAYS = ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05")


class Tongdai:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.capsys = data_dir, capsys
        self.top = data_dir / "versions" / "food_safety"

    def run(self, *argv: str) -> tuple[int, list[str]]:
        code = main(["--data-dir", str(self.data_dir), *argv])
        return code, self.capsys.readouterr().out.splitlines()

    def imported(self) -> list[str]:
        """One version per day of DAYS (the as-of date is part of a version's content), oldest first."""
        for day in DAYS:
            assert self.run("data", "import", "food_safety", str(PORTAL), "--force", "--as-of", day)[0] == 0
        stored = [json.loads((p / "version.json").read_text()) for p in self.top.iterdir()
                  if (p / "version.json").is_file()]
        return [v["version"] for v in sorted(stored, key=lambda v: v["seq"])]

    def current(self) -> str:
        return (self.top / "CURRENT").read_text().strip()

    def stored(self) -> set[str]:
        return {p.name for p in self.top.iterdir() if (p / "version.json").is_file()}

    def answer(self) -> str:
        code, lines = self.run("ask", "--channel", "json", "--", "attp gio bien man thai")
        assert code == 0
        return str(json.loads("\n".join(lines))["footer"]["as_of"])


@pytest.fixture
def td(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Tongdai:
    monkeypatch.setenv("TONGDAI_STATE_DIR", str(tmp_path / "state"))
    data = shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("tools"))
    return Tongdai(Path(data), capsys)


def test_prune_keeps_the_current_the_previous_and_the_latest(td: Tongdai) -> None:
    ids = td.imported()
    code, lines = td.run("data", "prune", "food_safety", "--keep", "1")
    assert code == 0 and td.stored() == {ids[3], ids[4]}  # the one before the current, and the current
    assert lines[-1].startswith(f"food_safety: kept base, {ids[3]}, {ids[4]}; removed 3 folders, ")
    assert [line.split()[2] for line in lines[:-1]] == [str(td.top / v) for v in ids[:3]]
    assert td.answer() == DAYS[4]
    assert td.run("data", "rollback", "food_safety")[0] == 0 and td.answer() == DAYS[3]
    assert td.run("data", "rollback", "food_safety", "--to", ids[0])[0] == 2  # gone: no version matches it


def test_the_rollback_target_is_the_one_before_the_current_not_the_newest(td: Tongdai) -> None:
    ids = td.imported()
    assert td.run("data", "rollback", "food_safety", "--to", ids[1])[0] == 0
    assert td.run("data", "prune", "food_safety", "--keep", "0")[0] == 0
    assert td.stored() == {ids[0], ids[1]} and td.answer() == DAYS[1]


def test_an_import_after_a_prune_is_the_newest_in_the_history(td: Tongdai) -> None:
    ids = td.imported()
    assert td.run("data", "prune", "food_safety", "--keep", "0")[0] == 0
    assert td.run("data", "import", "food_safety", str(PORTAL), "--force", "--as-of", "2026-12-09")[0] == 0
    code, lines = td.run("data", "history", "food_safety")
    listed = [line.lstrip("* ").split()[0] for line in lines[2:lines.index("switches")]]
    assert listed == ["base", ids[3], ids[4], td.current()] and td.answer() == "2026-12-09"


def test_a_dry_run_removes_nothing(td: Tongdai) -> None:
    ids = td.imported()
    code, lines = td.run("data", "prune", "--dry-run", "--keep", "1")
    assert code == 0 and td.stored() == set(ids)
    assert any(line.startswith("food_safety: kept base") and "would remove 3 folders" in line for line in lines)


def test_builds_of_other_code_and_of_removed_versions_go_and_others_stay(td: Tongdai, tmp_path: Path) -> None:
    ids = td.imported()
    places = Places(td.data_dir, tmp_path / "state")
    built = places.folder("food_safety", ids[4])
    assert built.is_dir()  # the import built its files beside the version
    older_code = built.with_name("f0-0123456789ab")
    shutil.copytree(built, older_code)
    shared = tmp_path / "state" / "built" / "food_safety"
    (shared / f"{ids[0]}-{places.key}").mkdir(parents=True)  # a removed version's, this code
    (shared / f"{ids[4]}-f0-0123456789ab").mkdir()  # a kept version's, older code
    (shared / f"aaaaaaaaaaaa-{places.key}").mkdir()  # another data directory's, this code: not ours to judge
    (td.top / ".staging-99999-20261201T000000000000").mkdir()  # an interrupted import's
    assert td.run("data", "prune", "food_safety", "--keep", "3")[0] == 0
    assert built.is_dir() and not older_code.exists() and not (td.top / ".staging-99999-20261201T000000000000").exists()
    assert sorted(p.name for p in shared.iterdir() if not p.name.startswith(".")) == [f"aaaaaaaaaaaa-{places.key}"]
    assert td.answer() == DAYS[4]


def test_what_builds_left_goes_unless_a_build_holds_it(td: Tongdai, tmp_path: Path) -> None:
    ids = td.imported()
    places = Places(td.data_dir, tmp_path / "state")
    kept = places.folder("food_safety", ids[4])
    crashed = kept.with_name(f".{kept.name}.tmp-99999")  # a build of a kept version, killed part way
    crashed.mkdir()
    (crashed / "names.npy").write_bytes(bytes(1000))
    shared = tmp_path / "state" / "built" / "food_safety"
    gone = shared / f"{ids[0]}-{places.key}"  # a removed version's build, and its lock
    gone.mkdir(parents=True)
    (shared / f".{gone.name}.lock").touch()
    running = shared / f".bbbbbbbbbbbb-{places.key}.tmp-4242"  # another process builds this one now
    running.mkdir()
    current_memo, old_memo = places.base_memo("food_safety"), shared / ".base-0123456789abcdef01234567"
    places.folder("food_safety", "base")  # writes the current memo
    old_memo.write_text("cccccccccccc")  # of base files as they were before a release changed them
    with (shared / f".bbbbbbbbbbbb-{places.key}.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, lines = td.run("data", "prune", "food_safety", "--keep", "3")
    assert code == 0 and "removed 3 folders and 3 leftovers" in lines[-1]  # 2 versions and a build; tmp, lock, memo
    assert kept.is_dir() and kept.with_name(f".{kept.name}.lock").is_file() and not crashed.exists()
    assert not gone.exists() and not (shared / f".{gone.name}.lock").exists()
    assert running.is_dir() and (shared / f".bbbbbbbbbbbb-{places.key}.lock").is_file()
    assert current_memo.is_file() and not old_memo.exists()
    assert td.answer() == DAYS[4]


@pytest.mark.parametrize(("argv", "said"), [
    (("data", "prune", "food_safety", "--keep", "-1"), "--keep is a number of versions: 0 or more"),
    (("data", "prune", "no_such"), "no_such")])
def test_a_wrong_prune_says_why(td: Tongdai, argv: tuple[str, ...], said: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data-dir", str(td.data_dir), *argv])
    assert code == 2 and said in capsys.readouterr().err
