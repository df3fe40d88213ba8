"""A throwaway ``redis-server`` on a spare loopback port, for tests that stop and restart Redis (the shared one at
127.0.0.1:6379 must never be stopped). Its data directory is the test's, with the AOF on, as production needs."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

import redis
from gunicorn_kit import free_port


def spare_port() -> int:
    return free_port()


class ThrowawayRedis:
    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory, self.port = directory, port or spare_port()
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=1)  # fails fast: no retries

    def start(self) -> None:
        """Start (or start again, on the same directory, so it reloads its AOF) and wait until it answers."""
        server = shutil.which("redis-server")
        assert server, "redis-server is not installed (.ci/run installs it)"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--logfile", "redis.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                pass
            assert self.process.poll() is None, (self.directory / "redis.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    def shutdown(self) -> None:
        """``SHUTDOWN``, as an operator or a service manager stops Redis: it syncs the AOF and exits."""
        if self.process is None:
            return
        with contextlib.suppress(redis.ConnectionError):  # it closes the connection as it goes
            self.client().shutdown()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
