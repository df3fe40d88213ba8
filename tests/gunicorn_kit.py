"""A real gunicorn serving ``app:create_app()`` on a loopback port, for the tests that need real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0  # each worker loads and indexes the data before /healthz answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def gunicorn(env: Mapping[str, str | None], log_dir: Path, *, port: int | None = None, workers: int = 2,
             timeout: int = 30, extra: Sequence[str] = ()) -> Iterator[str]:
    """Start gunicorn with ``env`` over ours (None removes a variable), wait for ``/healthz``, yield its base URL,
    and always stop it."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = log_dir / "gunicorn.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--timeout", str(timeout), *extra, "app:create_app()"]
    full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, f"gunicorn exited:\n{log_path.read_text(errors='replace')}"
            assert time.monotonic() < deadline, f"no /healthz in {START_TIMEOUT}s:\n{log_path.read_text()}"
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # gunicorn accepts before its workers have loaded the data
                pass
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
