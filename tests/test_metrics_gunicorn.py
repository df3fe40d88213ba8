"""/metrics under several gunicorn workers counts every worker's messages, whichever worker is scraped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from gunicorn_kit import gunicorn

QUERIES = 60
FOUND = re.compile(r'^tongdai_messages_total\{channel="api",intent="attp",status="found"\} (\S+)$', re.MULTILINE)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("metrics")
    # The API's per-key limit is off: on a busy machine it can take a third round of 60 before both workers answer.
    env: dict[str, str | None] = {"TONGDAI_CHANNELS": "api", "TONGDAI_STATE_DIR": str(tmp),
                                  "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"), "TONGDAI_API_RATE_LIMIT": "0"}
    access = tmp / "access.log"
    with gunicorn(env, tmp, workers=2, extra=("--access-logfile", str(access), "--access-logformat", "%(p)s")) as url:
        yield url, access


def ask(base: str) -> int:
    return requests.post(f"{base}/api/v1/query", json={"text": "attp pho hoa le duan"}, timeout=20).status_code


def test_every_scrape_sums_all_workers(server: tuple[str, Path]) -> None:
    base, access = server
    sent = 0
    for _ in range(20):  # concurrent rounds until both workers have answered some (usually the first round)
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(lambda _: ask(base), range(QUERIES))) == {200}
        sent += QUERIES
        if len(set(access.read_text().split())) == 2:
            break
    assert len(set(access.read_text().split())) == 2, "both workers must have answered for this test to mean much"
    for _ in range(6):
        text = requests.get(f"{base}/metrics", timeout=10).text
        assert FOUND.findall(text) == [f"{sent}.0"], text[:2000]
        assert text.count("# TYPE tongdai_dead_letters gauge") == 1


def test_the_metrics_folder_made_for_a_run_goes_with_it(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"  # where tempfile makes the folder when PROMETHEUS_MULTIPROC_DIR is not set
    temp.mkdir()
    env: dict[str, str | None] = {"TONGDAI_CHANNELS": "api", "TONGDAI_STATE_DIR": str(tmp_path / "state"),
                                  "PROMETHEUS_MULTIPROC_DIR": None, "TMPDIR": str(temp)}
    with gunicorn(env, tmp_path, workers=1) as base:
        assert ask(base) == 200
        assert [p.name[:16] for p in temp.iterdir()] == ["tongdai-metrics-"]
    assert list(temp.iterdir()) == []
