"""Every mistake an operator can make with the ``tongdai`` command is one line on stderr and a non-zero exit, never
a traceback: run through the installed console script, in a clean environment of our own."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TONGDAI = Path(sys.executable).with_name("tongdai")


@dataclass(frozen=True)
class Mistake:
    id: str
    argv: tuple[str, ...]  # "{tmp}" and "{data}" (a writable copy of the sample pack) are filled in
    said: str  # in the one line on stderr
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""


SAMPLE = "{tmp}/in.csv"
IMPORT = ("--data-dir", "{data}", "data", "import", "food_safety")
MISTAKES = [
    Mistake("synth-out-is-the-data-dir", ("data", "synth", "food_safety", "--count", "5", "--out", "{data}"),
            "--out {data} is the data directory", env={"TONGDAI_DATA_DIR": "{data}"}),
    Mistake("synth-count-negative", ("data", "synth", "food_safety", "--count", "-5", "--out", "{tmp}/s"),
            "argument --count: give a whole number of at least 1"),
    Mistake("synth-count-not-a-number", ("data", "synth", "food_safety", "--count", "lots", "--out", "{tmp}/s"),
            "argument --count"),
    Mistake("synth-without-out", ("data", "synth", "food_safety", "--count", "5"), "required: --out"),
    Mistake("data-dir-missing", ("--data-dir", "{tmp}/nowhere", "ask", "bus 05"), "{tmp}/nowhere (--data-dir"),
    Mistake("data-dir-env-missing", ("ask", "bus 05"), "does not exist", env={"TONGDAI_DATA_DIR": "{tmp}/nowhere"}),
    Mistake("data-dir-is-a-file", ("--data-dir", SAMPLE, "data", "list"), "is not a directory"),
    Mistake("data-dir-empty", ("--data-dir", "{tmp}", "ask", "bus 05"), "{tmp} holds no dataset"),
    Mistake("data-dir-broken", ("--data-dir", "{tmp}/broken", "ask", "bus 05"), "datapackage.json"),
    Mistake("import-without-data-dir", ("data", "import", "food_safety", SAMPLE), "say which data directory"),
    Mistake("import-missing-file", (*IMPORT, "{tmp}/nofile.csv"), "{tmp}/nofile.csv: No such file"),
    Mistake("import-missing-path", ("data", "import", "food_safety"), "required: path"),
    Mistake("import-unknown-dataset", ("data", "import", "restaurants", SAMPLE), "no dataset 'restaurants'"),
    Mistake("import-no-name-column", (*IMPORT, SAMPLE), "no column maps to name"),
    Mistake("import-missing-mapping", (*IMPORT, SAMPLE, "--mapping", "{tmp}/none.toml"), "none.toml"),
    Mistake("import-broken-mapping", (*IMPORT, SAMPLE, "--mapping", "{tmp}/bad.toml"), "bad.toml"),
    Mistake("import-unknown-encoding", (*IMPORT, SAMPLE, "--encoding", "klingon"), "unknown encoding 'klingon'"),
    Mistake("import-not-a-workbook", (*IMPORT, "{tmp}/fake.xlsx"), "not a readable XLSX"),
    Mistake("import-bus-from-csv", ("--data-dir", "{data}", "data", "import", "bus", SAMPLE), "GTFS"),
    Mistake("import-max-loss-not-a-number", (*IMPORT, SAMPLE, "--max-loss", "lots"), "argument --max-loss"),
    Mistake("import-as-of-not-a-date", (*IMPORT, SAMPLE, "--as-of", "2026-13-45"), "argument --as-of"),
    Mistake("env-max-loss-not-a-number", (*IMPORT, SAMPLE), "TONGDAI_IMPORT_MAX_LOSS must be a number",
            env={"TONGDAI_IMPORT_MAX_LOSS": "lots"}),
    Mistake("env-max-loss-above-one", (*IMPORT, SAMPLE), "TONGDAI_IMPORT_MAX_LOSS must be a share",
            env={"TONGDAI_IMPORT_MAX_LOSS": "20"}),
    Mistake("env-reload-negative", ("ask", "bus 05"), "TONGDAI_RELOAD_SECONDS", env={"TONGDAI_RELOAD_SECONDS": "-1"}),
    Mistake("env-number-not-a-number", ("serve", "--port", "0"), "TONGDAI_RATE_LIMIT must be a whole number",
            env={"TONGDAI_RATE_LIMIT": "ten"}),
    Mistake("rollback-unknown-version", ("--data-dir", "{data}", "data", "rollback", "food_safety", "--to", "v999"),
            "no version matches 'v999'"),
    Mistake("export-unknown-dataset", ("data", "export", "buses"), "no dataset 'buses'"),
    Mistake("pull-unreachable", ("--data-dir", "{data}", "data", "pull", "http://127.0.0.1:1/data"),
            "http://127.0.0.1:1/data/versions/food_safety/CURRENT: cannot be reached (Connection refused)"),
    Mistake("pull-not-a-data-dir", ("--data-dir", "{data}", "data", "pull", "{tmp}"),
            "{tmp} has no versions/<dataset>/CURRENT for any dataset of ours"),
    Mistake("pull-unknown-dataset", ("--data-dir", "{data}", "data", "pull", "{tmp}", "restaurants"),
            "no dataset 'restaurants'"),
    Mistake("pull-version-of-what", ("--data-dir", "{data}", "data", "pull", "{tmp}", "--version", "base"),
            "--version names one dataset's version: give exactly one DATASET"),
    Mistake("env-pull-timeout-zero", ("--data-dir", "{data}", "data", "pull", "{tmp}"),
            "TONGDAI_PULL_TIMEOUT must be more than 0", env={"TONGDAI_PULL_TIMEOUT": "0"}),
    Mistake("unknown-command", ("lookup", "pho"), "invalid choice: 'lookup'"),
    Mistake("no-command", (), "required: command"),
    Mistake("ask-time-without-offset", ("ask", "--at", "2026-11-04T07:00", "MT HC103"), "with its offset"),
    Mistake("ask-unknown-channel", ("ask", "--channel", "fax", "bus 05"), "invalid choice: 'fax'"),
    Mistake("serve-port-out-of-range", ("serve", "--port", "99999"), "a port is a number from 0 to 65535"),
    Mistake("serve-env-misspelt", ("serve", "--port", "0"), "TONGDAI_ENV must be development or production",
            env={"TONGDAI_ENV": "prod"}),
    Mistake("serve-production-without-secrets", ("serve", "--port", "0"), "TWILIO_AUTH_TOKEN is required",
            env={"TONGDAI_ENV": "production"}),
    Mistake("stats-day-not-a-date", ("stats", "--day", "2026-13-01"), "give the day as YYYY-MM-DD"),
    Mistake("stats-without-redis", ("stats",), "REDIS_URL is not set"),
    Mistake("stats-redis-unreachable", ("stats",), "Redis at redis://127.0.0.1:1/0 cannot be reached",
            env={"REDIS_URL": "redis://127.0.0.1:1/0"}),
    Mistake("worker-production-without-secrets", ("worker",), "ZALO_APP_ID is required in production",
            env={"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "zalo"}),
    Mistake("zalo-token-set-empty", ("zalo-token", "set"), "both an access token and a refresh token"),
    Mistake("deadletters-resend-nothing", ("deadletters", "resend"), "one of the arguments id --all is required"),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("mistakes")
    shutil.copytree(ROOT / "data", tmp / "data")
    (tmp / "in.csv").write_text("ten,dia chi\nPho Hoa,1 Le Duan\n", encoding="utf-8")
    (tmp / "bad.toml").write_text("[columns\nname = ", encoding="utf-8")
    (tmp / "fake.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp / "broken" / "food_safety").mkdir(parents=True)
    (tmp / "broken" / "food_safety" / "datapackage.json").write_text('{"name": "food_safety", ', encoding="utf-8")
    return tmp


def run(workspace: Path, argv: tuple[str, ...], env: dict[str, str], stdin: str = "",
        port_taken: int | None = None) -> subprocess.CompletedProcess[str]:
    def fill(text: str) -> str:
        return text.replace("{data}", str(workspace / "data")).replace("{tmp}", str(workspace))

    clean = {k: v for k, v in os.environ.items() if not k.startswith("TONGDAI_") and k != "REDIS_URL"}
    clean["TONGDAI_STATE_DIR"] = str(workspace / "state")
    full = {**clean, **{k: fill(v) for k, v in env.items()}}
    return subprocess.run([str(TONGDAI), *(fill(a) for a in argv)], input=stdin, capture_output=True, text=True,
                          env=full, cwd=workspace, timeout=120)


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_a_mistake_is_one_line_and_a_failure(workspace: Path, mistake: Mistake) -> None:
    done = run(workspace, mistake.argv, mistake.env, mistake.stdin)
    line = one_line(done)
    assert done.returncode != 0, done.stdout
    assert line.startswith("tongdai") and mistake.said.replace("{data}", str(workspace / "data")).replace(
        "{tmp}", str(workspace)) in line, line


def test_a_port_in_use_is_one_line(workspace: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(workspace, ("serve", "--port", str(port)), {"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": "k"})
    assert done.returncode != 0 and f"cannot listen on 127.0.0.1:{port}" in one_line(done)


def test_a_misspelt_setting_is_named_with_the_one_it_resembles(workspace: Path) -> None:
    done = run(workspace, ("ask", "bus 05"), {"TONGDAI_CACHE_TLL": "60", "TONGDAI_NOTHING_LIKE_IT": "1"})
    assert done.returncode == 0 and done.stdout.startswith("Tuyen 05")
    warnings = done.stderr.splitlines()
    assert len(warnings) == 2, done.stderr
    assert "TONGDAI_CACHE_TLL is not a tongdai setting and is ignored; did you mean TONGDAI_CACHE_TTL?" in warnings[0]
    assert warnings[1].endswith("TONGDAI_NOTHING_LIKE_IT is not a tongdai setting and is ignored")
