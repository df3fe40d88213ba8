"""The state store's cost and worth at 100,000 food-safety records, Redis against the in-process stand-in, in one run.

1. Per message, in this process: ``Services.respond`` as the SMS webhooks call it (de-duplication, rate and loop
   limits, conversation, result cache, statistics, SMS rendering) for 1,000 distinct noisy ``ATTP`` queries, first
   as cache misses, then again as hits (new message ids, new senders). Redis round trips per message are counted
   twice: by the store (batches sent) and on the socket (``send_packed_command`` calls, connection setup included);
   Redis commands per message come from ``INFO commandstats``.
2. ``POST /sms/twilio`` requests/s under gunicorn (2 sync workers) with ``REDIS_URL`` and without (each worker its
   own stand-in), every request signed, from its own sender, cycling over 200 queries (hits once warm).

    .venv/bin/python benchmarks/cache_speed.py [--queries 1000] [--requests 2000] [--concurrency 8]

Needs Redis at ``$REDIS_URL`` (default 127.0.0.1:6379); keys go under a fresh prefix and are deleted after.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.webhook_throughput import TOKEN, pct, start, stop  # noqa: E402

DATA = ROOT / "benchmarks" / ".cache" / "food_100000"
URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def queries(count: int) -> list[str]:
    """``count`` noisy ATTP queries with distinct cache keys (two spellings of one query would be a hit)."""
    from benchmarks.noise import build_queries
    from handlers.dispatch import cache_key, parse
    from lookups.store import Catalog

    catalog = Catalog(DATA, reload_every=0)
    seen: dict[str, str] = {}
    for q in build_queries(catalog.food.records, count * 2, 1, seed=5):
        text = f"ATTP {q.text}"
        key = cache_key(parse(text, catalog), catalog)
        if key and key not in seen:
            seen[key] = text
    return list(seen.values())[:count]


def commands(client: redis.Redis) -> int:
    return sum(int(v["calls"]) for k, v in client.info("commandstats").items() if k != "cmdstat_info")


def per_message(texts: list[str]) -> None:
    from redis.connection import AbstractConnection

    from app.config import Settings
    from app.message import InboundMessage
    from app.services import Services
    from handlers.render import render_sms
    from lookups.store import Catalog

    sends = [0]
    original = AbstractConnection.send_packed_command

    def counted(self: Any, command: Any, check_health: bool = True) -> None:
        sends[0] += 1
        original(self, command, check_health)

    AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]
    catalog = Catalog(DATA, reload_every=0)
    started = time.perf_counter()
    catalog.warm()
    print(f"{len(catalog.food.records):,} food-safety records indexed in {time.perf_counter() - started:.1f} s; "
          f"{len(texts)} distinct queries\n")
    print(f"{'store':<22} {'pass':<5} {'p50 ms':>7} {'p95 ms':>7} {'mean ms':>8} {'round trips':>12} "
          f"{'socket sends':>13} {'commands':>9}   (per message)")
    client = redis.Redis.from_url(URL)
    for backend in ("redis", "memory"):
        prefix = f"bench:{uuid.uuid4().hex[:8]}:"
        settings = Settings.from_env({}, REDIS_URL=URL if backend == "redis" else "", TONGDAI_REDIS_PREFIX=prefix,
                                     TONGDAI_SENDER_SALT="bench", TONGDAI_REDIS_TIMEOUT_MS=1000)
        svc = Services(settings, catalog)
        for run in ("miss", "hit"):
            times = []
            trips0, sends0, cmds0 = getattr(svc.state, "round_trips", 0), sends[0], commands(client)
            for i, text in enumerate(texts):
                msg = InboundMessage("twilio", f"+84{run == 'hit':d}{i:08d}", text, f"SM{run}{i}", datetime.now(UTC))
                t0 = time.perf_counter()
                said = svc.respond(msg, render_sms)
                times.append((time.perf_counter() - t0) * 1000)
                assert said.text, said
            n = len(texts)
            trips = (getattr(svc.state, "round_trips", 0) - trips0) / n
            sent = (sends[0] - sends0) / n
            cmds = (commands(client) - cmds0) / n if backend == "redis" else 0.0
            name = "Redis" if backend == "redis" else "in-process stand-in"
            print(f"{name:<22} {run:<5} {statistics.median(times):>7.2f} {pct(times, 0.95):>7.2f} "
                  f"{statistics.fmean(times):>8.2f} {trips:>12.2f} {sent:>13.2f} {cmds:>9.1f}")
        hits = svc.metrics.registry.get_sample_value("tongdai_cache_lookups_total", {"result": "hit"})
        assert hits == len(texts), f"{hits} hits of {len(texts)}"
        svc.state.clear()
        svc.state.close()
    AbstractConnection.send_packed_command = original  # type: ignore[method-assign]


def drive(url: str, total: int, concurrency: int, texts: list[str], out: Any) -> None:
    """The load process: ``total`` signed POSTs, each from its own sender (no rate limit applies), cycling texts."""
    validator = RequestValidator(TOKEN)
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    tag = uuid.uuid4().hex[:8]

    def worker() -> None:
        with requests.Session() as session:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                form = {"MessageSid": f"SM{tag}{i:024x}", "From": f"+849{i:08d}", "To": "+14155550123",
                        "Body": texts[i % len(texts)], "NumMedia": "0"}
                t0 = time.perf_counter()
                try:
                    response = session.post(url, data=form, timeout=30,
                                            headers={"X-Twilio-Signature": validator.compute_signature(url, form)})
                    problem = None if response.status_code == 200 and b"<Message" in response.content \
                        else f"HTTP {response.status_code}"
                except requests.RequestException as exc:
                    problem = type(exc).__name__
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    if problem:
                        errors[problem] = errors.get(problem, 0) + 1

    wall0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    out.send({"latencies": latencies, "errors": errors, "wall": time.perf_counter() - wall0})


def throughput(texts: list[str], total: int, concurrency: int, workers: int) -> None:
    print(f"\nPOST /sms/twilio, gunicorn {workers} sync workers, {total} requests, concurrency {concurrency}, "
          f"{len(texts)} queries cycled, {os.cpu_count()} CPUs shared with the client")
    ctx = mp.get_context("spawn")
    for backend in ("redis", "memory"):
        prefix = f"bench:{uuid.uuid4().hex[:8]}:"
        env = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN,
               "TONGDAI_DATA_DIR": str(DATA), "TONGDAI_STATE_DIR": str(ROOT / "benchmarks" / ".cache" / "state"),
               "TONGDAI_SENDER_SALT": "bench", "TONGDAI_REDIS_PREFIX": prefix,
               "REDIS_URL": URL if backend == "redis" else ""}
        proc, base = start("app:create_app()", workers, env)
        try:
            results = []
            for n in (len(texts), total):  # the first round warms every worker's cache and is not counted
                receiver, sender = ctx.Pipe(duplex=False)
                child = ctx.Process(target=drive, args=(f"{base}/sms/twilio", n, concurrency, texts, sender))
                child.start()
                results.append(receiver.recv())
                child.join(timeout=30)
            r = results[-1]
            lat = r["latencies"]
            name = "Redis" if backend == "redis" else "in-process stand-in"
            print(f"{name:<22} {len(lat) / r['wall']:>7.0f} req/s   p50 {pct(lat, 0.5) * 1000:6.2f} ms   "
                  f"p99 {pct(lat, 0.99) * 1000:6.2f} ms   errors {sum(r['errors'].values())} {r['errors'] or ''}")
        finally:
            stop(proc)
            if backend == "redis":
                names = list(redis.Redis.from_url(URL).scan_iter(match=prefix + "*", count=1000))
                if names:
                    redis.Redis.from_url(URL).delete(*names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not (DATA / "food_safety" / "records.jsonl").exists():
        from lookups.datasets.synth import synth_data_dir

        synth_data_dir(100_000, DATA, ROOT / "data")
    texts = queries(args.queries)
    per_message(texts)
    throughput(texts[:200], args.requests, args.concurrency, args.workers)


if __name__ == "__main__":
    main()
