"""The ``tongdai`` command itself: batch mode, data commands, and the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from lookups.datasets.declared import PLUGINS as DATASET_IDS
from lookups.datasets.food_safety import load as load_food

ROOT = Path(__file__).resolve().parents[1]


def test_batch_writes_one_json_object_per_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["attp pho hoa", "ATTP pho hoa le duan", "attp lau de thach sanh", "", "xin chao ban oi"]
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--batch"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["input"] for r in rows] == lines
    assert [r["status"] for r in rows] == ["ambiguous", "found", "not_found", "help", "help"]
    assert set(rows[0]) == {"input", "intent", "status", "matches", "reply"}
    scores = [m["score"] for m in rows[0]["matches"]]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert rows[1]["matches"][0]["dataset"] == "food_safety" and rows[1]["reply"].startswith("Pho Hoa")


def test_data_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for dataset in DATASET_IDS:
        assert dataset in out
    assert "2026-11-01" in out


@pytest.mark.parametrize("dataset", DATASET_IDS)
def test_data_export(dataset: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "export", dataset]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) > 10 and all({"id", "name"} <= set(r) for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_synth_writes_a_complete_data_dir_that_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "big"
    assert main(["data", "synth", "food_safety", "--count", "2000", "--out", str(out)]) == 0
    assert len(load_food(out / "food_safety").records) == 2000
    capsys.readouterr()
    assert main(["--data-dir", str(out), "data", "list"]) == 0
    assert "2000" in capsys.readouterr().out
    assert main(["--data-dir", str(out), "ask", "--channel", "json", "xb 01"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "found"


def test_broken_data_dir_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "food_safety" / "records.jsonl").write_text('{"id": "x"}\n{not json\n')
    assert main(["--data-dir", str(tmp_path / "data"), "data", "list"]) == 2
    err = capsys.readouterr().err
    assert "records.jsonl" in err and "data error" in err


def test_installed_console_script() -> None:
    exe = Path(sys.executable).with_name("tongdai")
    result = subprocess.run([str(exe), "ask", "attp pho hoa le duan"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Pho Hoa\n") and result.stdout.isascii()


@pytest.mark.parametrize(("text", "expected"), [
    ("GIADAT " + " ".join("abcdeghik"[i % 9] for i in range(2000)), 'Khong tim thay "a b c d e g h i k'),
    ("attp p\u200bho h\u00adoa " + "\u0301" * 300 + "le d\u2060uan", "Pho Hoa\n"),
    ("🍜 " * 500 + "nguyen " * 200, "Tong dai tra cuu. Soan:"),
])
def test_an_adversarial_message_gets_a_polite_answer_from_the_console_script(text: str, expected: str) -> None:
    exe = Path(sys.executable).with_name("tongdai")
    result = subprocess.run([str(exe), "ask", text], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert result.stdout.startswith(expected) and len(result.stdout) <= 460 and result.stdout.isascii()


HEAVY = ("flask", "werkzeug", "sqlalchemy", "alembic", "redis", "requests", "twilio", "numpy", "app.services",
         "handlers.dispatch")
LOADED = """import sys
from app.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)"""


@pytest.mark.parametrize(("argv", "loaded"), [
    (["--help"], ""),
    (["data", "list"], "numpy"),
    (["reports", "list", "--help"], ""),  # its --status choices, without the answer path or the database
    (["ask", "attp pho hoa"], "handlers.dispatch numpy"),
])
def test_a_command_loads_what_it_needs_only(argv: list[str], loaded: str) -> None:
    done = subprocess.run([sys.executable, "-c", LOADED.format(heavy=HEAVY), *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True)
    assert done.stderr.splitlines()[-1:] == [loaded]
    if argv == ["--help"]:  # every command is listed, though none of their modules' heavy parts is loaded
        for command in ("ask", "data", "serve", "worker", "deadletters", "zalo-token", "stats", "db", "reports",
                        "send", "operator"):
            assert command in done.stdout


THREADS = """import os
from app.cli import main
main(["ask", "attp pho hoa"])
print(len(os.listdir("/proc/self/task")))"""


def test_a_command_starts_no_thread_pool_that_would_take_the_workers_cores() -> None:
    """numpy's OpenBLAS starts a thread per core (and spins them) unless told otherwise; the service's own
    setting applies unless the environment gives one."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=True, env=env)
    assert done.stdout.splitlines()[-1] == "1"
    env["OPENBLAS_NUM_THREADS"] = "2"  # an operator's choice stands
    done = subprocess.run([sys.executable, "-c", THREADS], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          check=True, env=env)
    assert done.stdout.splitlines()[-1] == "2"
