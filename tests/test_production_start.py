"""Starting the Procfile's web process in production: a missing secret or a wrong setting stops the start in the
gunicorn master, before any worker is forked, with one line naming the variable and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn_kit import ROOT, free_port, gunicorn

BIN = Path(sys.executable).parent
SECRETS = {"TWILIO_AUTH_TOKEN": "5f4dcc3b5aa765d61d8327deb882cf99", "PUBLIC_BASE_URL": "https://tongdai.example.vn",
           "SMS_GATEWAY_KEY": "gateway-key", "SMS_GATEWAY_CPID": "cp-1", "ZALO_APP_ID": "1",
           "ZALO_APP_SECRET": "s", "ZALO_OA_SECRET_KEY": "k", "TONGDAI_API_KEY": "api-key",
           "TONGDAI_SECRET_KEY": "console-" * 5, "TONGDAI_SENDER_SALT": "production-start"}


def web_command() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web process")


def start(tmp_path: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TONGDAI_") and k not in SECRETS}
    full = {**base, **SECRETS, "TONGDAI_ENV": "production", "PORT": str(free_port()), "WEB_CONCURRENCY": "2",
            "TONGDAI_STATE_DIR": str(tmp_path / "state"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), **env}
    return subprocess.run(["sh", "-c", web_command()], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in full.items() if v is not None})


@pytest.mark.parametrize(("env", "line"), [
    ({"TWILIO_AUTH_TOKEN": None}, "tongdai: TWILIO_AUTH_TOKEN is required in production for the twilio channel"),
    ({"TWILIO_AUTH_TOKEN": "  \n"}, "tongdai: TWILIO_AUTH_TOKEN is required in production"),
    ({"ZALO_OA_SECRET_KEY": ""}, "tongdai: ZALO_OA_SECRET_KEY is required in production for the zalo channel"),
    ({"TONGDAI_RATE_LIMIT": "ten"}, "tongdai: TONGDAI_RATE_LIMIT must be a whole number, got 'ten'"),
    ({"TONGDAI_ENV": "prod"}, "tongdai: TONGDAI_ENV must be development or production"),
    ({"TONGDAI_DATA_DIR": "/nonexistent/tongdai-data"}, "tongdai: the data directory /nonexistent/tongdai-data"),
], ids=["no-twilio-token", "blank-twilio-token", "no-zalo-secret", "rate-limit-not-a-number", "env-misspelt",
        "no-data-dir"])
def test_a_wrong_setting_stops_the_start_with_one_line(tmp_path: Path, env: dict[str, str | None],
                                                        line: str) -> None:
    done = start(tmp_path, **env)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "Booting worker" not in output, output
    name = line.split()[1]
    naming = [row for row in output.splitlines() if name in row]
    assert len(naming) == 1 and naming[0].startswith(line), output


def test_an_unknown_setting_is_warned_about_once_for_all_workers(tmp_path: Path) -> None:
    env = {**SECRETS, "TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "api", "TONGDAI_RELOAD_SECOND": "5",
           "TONGDAI_STATE_DIR": str(tmp_path / "state")}
    with gunicorn(env, tmp_path, workers=2):
        pass
    log = (tmp_path / "gunicorn.log").read_text()
    warned = [row for row in log.splitlines() if "TONGDAI_RELOAD_SECOND " in row]
    assert warned == ["TONGDAI_RELOAD_SECOND is not a tongdai setting and is ignored; "
                      "did you mean TONGDAI_RELOAD_SECONDS?"], log
    assert log.count("Booting worker") == 2
