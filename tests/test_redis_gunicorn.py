"""Two gunicorn workers share their state through Redis: a list offered by one worker is answered on the other.

Residents text "ATTP pho hoa" and then "2" on separate connections, from six threads at once so that both workers
are kept busy; gunicorn's access log names the worker (pid) of every request, and the test checks that choices
made on the worker that did not offer the list still get the second place in detail.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from gunicorn_kit import free_port, gunicorn
from redis_kit import drop_prefix, new_prefix
from twilio.request_validator import RequestValidator

TOKEN = "3e9b0c1f5d7a4e28b6c0a9d1f2e3b4c5"
PAIRS = 48
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("gunicorn-redis")
    port, prefix = free_port(), new_prefix()
    base = f"http://127.0.0.1:{port}"
    env = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "twilio", "PUBLIC_BASE_URL": base,
           "TWILIO_AUTH_TOKEN": TOKEN, "REDIS_URL": redis_url, "TONGDAI_REDIS_PREFIX": prefix,
           "TONGDAI_SENDER_SALT": "gunicorn-test", "TONGDAI_STATE_DIR": str(tmp)}
    access = tmp / "access.log"
    try:
        with gunicorn(env, tmp, port=port,
                      extra=("--access-logfile", str(access), "--access-logformat", "%(p)s %(U)s?%(q)s")) as url:
            yield url, access
    finally:
        drop_prefix(redis_url, prefix)


def text(base: str, pair: int, step: str, body: str) -> str:
    """One signed delivery on a new connection (no session); the SMS text answered."""
    url = f"{base}/sms/twilio?{urlencode({'pair': pair, 'step': step})}"
    form = {"MessageSid": f"SM{pair:016x}{len(step):016x}", "From": f"+849050{pair:05d}", "To": "+14155550123",
            "Body": body, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature, "Connection": "close"},
                             timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    found = re.search(r"<Message[^>]*>(.*?)</Message>", response.text, re.S)
    return found.group(1) if found else ""


def conversation(base: str, pair: int) -> tuple[str, str]:
    return text(base, pair, "ask", "ATTP pho hoa"), text(base, pair, "choose", "2")


def both_workers_up(base: str, access: Path) -> None:
    """Wait until each of the two workers has answered once: /healthz is up as soon as the first worker has loaded
    the data, and on a loaded machine the second one may still be loading (nine datasets) when the pairs start."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for _ in range(4):
            requests.get(f"{base}/healthz?warmup=1", headers={"Connection": "close"}, timeout=TIMEOUT)
        if len(set(re.findall(r"<(\d+)> /healthz\?warmup=1", access.read_text()))) == 2:
            return
        time.sleep(0.2)
    raise AssertionError("the second gunicorn worker never answered")


def test_a_choice_is_honoured_by_the_other_worker(server: tuple[str, Path]) -> None:
    base, access = server
    both_workers_up(base, access)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda pair: conversation(base, pair), range(PAIRS)))
    for listing, detail in results:
        assert "Tra loi 1-3 de chon." in listing
        assert detail.startswith("Pho Hoa\nDia chi: 88 Ngo Quyen, An Hai"), detail
    deadline = time.monotonic() + 5
    workers: dict[tuple[str, str], str] = {}
    while len(workers) < 2 * PAIRS and time.monotonic() < deadline:  # the access log is written after the reply
        workers = {(m["pair"], m["step"]): m["pid"] for m in re.finditer(
            r"<(?P<pid>\d+)> /sms/twilio\?pair=(?P<pair>\d+)&step=(?P<step>\w+)", access.read_text())}
        time.sleep(0.1)
    assert len(set(workers.values())) == 2, "both workers should have answered"
    crossed = [p for p in range(PAIRS) if workers[(str(p), "ask")] != workers[(str(p), "choose")]]
    assert crossed, "no choice landed on the other worker; the test proved nothing"


def test_bus_in_vietnamese_and_a_trip_on_the_production_web_process(server: tuple[str, Path]) -> None:
    """Issue 12's first two rows, as a resident found them on the Procfile's web process with Redis."""
    base, _ = server
    assert text(base, 1001, "a", "BUS 05").startswith("Tuyen 05: Cho Han (Bach Dang)")
    trip = text(base, 1001, "bb", "xe buyt tu cho han den san bay").splitlines()
    assert trip[0] == "Tu Cho Han den San bay Da Nang" and trip[1].startswith("05 + 04: len Cho Han")
