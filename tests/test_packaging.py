"""Installed as a deployer installs it: the wheel built from this tree, installed (not editable) into a fresh
virtual environment, answers ``tongdai ask`` from a directory outside the source tree with the bundled sample pack,
and carries every file of data/, whatever folders it has by then.

Offline and quick: the wheel is built without build isolation (setuptools and wheel come with ``.[dev]``), and the
fresh environment has no pip of its own and borrows the project's installed dependencies through a ``.pth`` line
(plain paths only: the project's editable install of tongdai is not activated there)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handlers.i18n import t

ROOT = Path(__file__).resolve().parent.parent
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "app", "handlers", "lookups", "data")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "versions", "var")
QUESTION = "attp pho hoa le duan"


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.parts[len(folder.parts)] != "versions"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel installed in it; its ``bin`` folder."""
    top = tmp_path_factory.mktemp("packaging")
    source = top / "source"  # a copy, so that the build leaves no build/ or egg-info in the working tree
    source.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=SKIP)
        else:
            shutil.copy2(path, source / name)
    wheels = top / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
        "-w", wheels, source, cwd=top)
    [wheel] = wheels.glob("tongdai-*.whl")
    venv = top / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=top)
    python = venv / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=top).strip())
    (purelib / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel,
        cwd=top)
    return venv / "bin"


def outside_env() -> dict[str, str]:
    """The environment of a deployer's shell: no data directory named, nothing pointing into the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("TONGDAI_DATA_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/bin:/bin"
    return env


def test_the_installed_command_answers_from_another_directory(
        installed: Path, tmp_path: Path, ask: Callable[..., Any]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    answer = run(installed / "tongdai", "ask", QUESTION, cwd=elsewhere, env=outside_env())
    assert answer.rstrip("\n") == ask(QUESTION, channel="sms")  # the same answer as from the source tree
    assert "Pho Hoa" in answer and "211 Le Duan" in answer and "du lieu mau" in answer
    assert t("error", "vi").split(",")[0] not in answer and "su co" not in answer


def test_the_installed_code_and_sample_pack_come_from_the_environment_not_the_source_tree(
        installed: Path, tmp_path: Path) -> None:
    where = run(installed / "python", "-c",
                "import app, lookups.datasets.base as b; print(app.__file__); print(b.bundled_data_dir())",
                cwd=tmp_path, env=outside_env()).split("\n")
    code, data = Path(where[0]), Path(where[1])
    venv = installed.parent
    assert code.is_relative_to(venv) and data.is_relative_to(venv) and data.name == "tongdai_data"
    assert files_under(data) == files_under(ROOT / "data")  # every file of every folder, not a list of today's
