"""The skeleton of a fake provider API on a loopback port (``http.server`` in a thread): ``fake_sms`` and ``fake_zalo``.

The base records every request, calls ``on_send`` as a send arrives and carries out what the subclass's ``reply``
says: "drop" (the connection closed after the request was read), "timeout" (answered after ``slow`` s), else the
reply's JSON with its HTTP status. Each send takes one action from ``script``, "ok" once it runs out.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

Action = str | int  # "ok", "timeout", "drop", "http500" (another status likewise), or a provider's error code


@dataclass
class Seen:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeHTTP:
    script: list[Action] = field(default_factory=list)  # one action per send; "ok" once it runs out
    slow: float = 1.0  # how long a "timeout" answer takes
    on_send: Callable[[Seen], object] | None = None  # called as a send arrives, before it is answered
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    finish_on_stop: ClassVar[bool] = False  # True: ``stop`` waits for the requests in hand

    def start(self, port: int = 0) -> str:
        """Serve on ``port`` (a spare one by default: a test that starts a fake late reserves its port first)."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()},
                            self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with fake.lock:
                    fake.requests.append(seen)
                    action = fake.arrived(seen)
                if fake.on_send and fake.is_send(seen):
                    fake.on_send(seen)
                action, status, answer = fake.reply(seen, action)
                if action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if action == "timeout":
                    time.sleep(fake.slow)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting ("timeout"), as it should

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = not self.finish_on_stop
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def sends(self) -> list[Seen]:
        return [r for r in self.requests if self.is_send(r)]

    def is_send(self, seen: Seen) -> bool:
        """Whether a request is a message sent (not, say, a token refresh)."""
        return True

    def arrived(self, seen: Seen) -> Action:
        """The action for a request, taken as it is recorded (under the lock): the script's next one."""
        return self.script.pop(0) if self.script else "ok"

    def reply(self, seen: Seen, action: Action) -> tuple[Action, int, dict[str, Any]]:
        """The action to carry out, the HTTP status and the JSON answer for a request."""
        raise NotImplementedError
