"""Shared fixtures: drive the product through its real entry point, the ``tongdai`` command."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from app.cli import main


@pytest.fixture
def ask(capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """``ask("attp pho hoa")`` runs ``tongdai ask`` and returns what it printed (parsed for --channel json)."""

    def run(text: str, channel: str = "json", at: str | None = None) -> Any:
        argv = ["ask", "--channel", channel, *(["--at", at] if at else []), "--", text]
        assert main(argv) == 0
        out = capsys.readouterr().out
        return json.loads(out) if channel == "json" else out.rstrip("\n")

    return run
