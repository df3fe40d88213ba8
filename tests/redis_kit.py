"""Real Redis for the tests: the shared server at 127.0.0.1:6379 (``TONGDAI_TEST_REDIS`` to use another), each
test in its own key prefix and cleaned up after, and throwaway ``redis-server`` processes on spare loopback ports
for the tests that stop and start one. Without a reachable server, one is started for the session if
``redis-server`` is installed; otherwise the Redis tests are skipped, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from gunicorn_kit import free_port

DEFAULT = "redis://127.0.0.1:6379/0"
START_TIMEOUT = 10.0


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


class Server:
    """A throwaway ``redis-server`` without persistence, on a loopback port; ``stop`` and ``start`` again keep
    the port, so a client configured with its URL sees an outage and a recovery."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(self.url):
            assert self.proc.poll() is None, f"redis-server on port {self.port} exited with {self.proc.returncode}"
            assert time.monotonic() < deadline, f"redis-server on port {self.port} did not answer"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


@contextmanager
def throwaway(workdir: Path) -> Iterator[Server]:
    server = Server(workdir).start()
    try:
        yield server
    finally:
        server.stop()


def shared_url(workdir: Path) -> Iterator[str | None]:
    """The URL of the Redis the tests share; None (and the tests skip) when there is none to be had."""
    url = os.environ.get("TONGDAI_TEST_REDIS", DEFAULT)
    if answers(url):
        yield url
        return
    if shutil.which("redis-server") is None:
        yield None
        return
    with throwaway(workdir) as server:
        yield server.url


def new_prefix() -> str:
    return f"tongdai-test:{uuid.uuid4().hex[:12]}:"


def drop_prefix(url: str, prefix: str) -> int:
    client = redis.Redis.from_url(url)
    names = list(client.scan_iter(match=prefix + "*", count=500))
    if names:
        client.delete(*names)
    return len(names)
