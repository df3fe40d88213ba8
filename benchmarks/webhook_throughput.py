"""Throughput of ``POST /sms/twilio`` under gunicorn, against a bare Flask endpoint under the same settings.

Each server runs alone on a loopback port (sync workers, ``--workers N``). A separate load process sends a fixed
number of signed Twilio requests for one repeated query from ``--concurrency`` threads, each with its own
``requests.Session``; every request gets its own MessageSid and signature, as Twilio's would. The same load,
signature included, goes to ``benchmarks/bare_app.py``, so the difference is the webhook's own work.
Client and servers share the machine's cores, so the bare figure is partly a measure of the client.

    .venv/bin/python benchmarks/webhook_throughput.py [--workers 2] [--requests 2000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench0000000000000000000000000000"
TEXT = "ATTP pho hoa le duan"
WARMUP = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(spec: str, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
           "--timeout", "30", "--log-level", "warning", spec]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env, "PUBLIC_BASE_URL": base})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{spec} exited with {proc.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except (requests.ConnectionError, requests.Timeout):  # workers still loading the data
            time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"{spec} did not answer /healthz in 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def drive(url: str, total: int, concurrency: int, expect: bytes, out: Any) -> None:
    """The load process: ``total`` signed POSTs from ``concurrency`` threads; sends back latencies and errors."""
    validator = RequestValidator(TOKEN)
    next_index = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}

    def worker() -> None:
        with requests.Session() as session:
            while True:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                # One sender per request, as many residents: the per-sender rate limit must not silence the load.
                form = {"MessageSid": f"SM{i:032x}", "AccountSid": "AC" + "0" * 32, "From": f"+849{i:08d}",
                        "To": "+14155550123", "Body": TEXT, "NumMedia": "0", "NumSegments": "1"}
                headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}
                started = time.perf_counter()
                try:
                    response = session.post(url, data=form, headers=headers, timeout=30)
                    problem = None if response.status_code == 200 and expect in response.content \
                        else f"HTTP {response.status_code}"
                except requests.RequestException as exc:
                    problem = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors[problem] = errors.get(problem, 0) + 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    out.send({"latencies": latencies, "errors": errors, "wall": time.perf_counter() - wall0,
              "client_cpu": time.process_time() - cpu0})


def measure(url: str, total: int, concurrency: int, expect: bytes) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    results: list[dict[str, Any]] = []
    for n in (WARMUP, total):  # the first round warms every worker and is thrown away
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=drive, args=(url, n, concurrency, expect, sender))
        proc.start()
        results.append(receiver.recv())
        proc.join(timeout=30)
    return results[-1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, r: dict[str, Any]) -> float:
    lat, errors = r["latencies"], sum(r["errors"].values())
    rps = len(lat) / r["wall"]
    print(f"{name:<22} {rps:>8.0f} req/s   p50 {pct(lat, 0.5) * 1000:6.2f} ms   p99 {pct(lat, 0.99) * 1000:6.2f} ms"
          f"   errors {errors} {r['errors'] or ''}  (client CPU {r['client_cpu'] / r['wall']:.0%} of a core)")
    return rps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    env = {"TONGDAI_ENV": "production", "TONGDAI_CHANNELS": "twilio", "TWILIO_AUTH_TOKEN": TOKEN,
           "TONGDAI_STATE_DIR": str(ROOT / "benchmarks" / ".cache" / "state"), "TONGDAI_SENDER_SALT": "bench"}
    print(f"gunicorn sync workers: {args.workers}, {args.requests} requests, concurrency {args.concurrency}, "
          f"query {TEXT!r}, {os.cpu_count()} CPUs")
    rates: dict[str, float] = {}
    for name, spec, expect in (("tongdai /sms/twilio", "app:create_app()", b">Pho Hoa"),
                               ("bare Flask TwiML", "benchmarks.bare_app:create_app()", b">Pho Hoa")):
        proc, base = start(spec, args.workers, env)
        try:
            rates[name] = report(name, measure(f"{base}/sms/twilio", args.requests, args.concurrency, expect))
        finally:
            stop(proc)
    tongdai, bare = rates.values()
    print(f"ratio tongdai/bare: {tongdai / bare:.2f} ({bare / tongdai:.1f}x slower than the bare endpoint)")


if __name__ == "__main__":
    main()
