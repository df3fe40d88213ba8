"""Citizen reports filed through the signed Twilio webhook at a sustained rate, on PostgreSQL: throughput, latency
and tickets lost, against lookups sent at the same rate to the same server in the same run.

A fresh PostgreSQL database is created (and dropped at the end) on ``--pg`` (default the local server, user
postgres, trust auth) and migrated with the service's own migrations; gunicorn serves ``app:create_app()`` in
production mode. A separate load process sends one request every 1/rate seconds on a fixed schedule (open loop: a
slow server does not slow the load down), each from its own sender with its own text, signed as Twilio signs.
Latency runs from the request's scheduled time to its answer, so time spent waiting for a free client thread
counts: it is what a resident waits. Lost = requests sent - tickets found in the database afterwards.

    .venv/bin/python benchmarks/report_throughput.py [--rate 50] [--seconds 20] [--workers 2] [--worker-threads 1]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import requests
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.webhook_throughput import TOKEN, pct, start, stop  # noqa: E402

STREETS = ("Le Duan", "Bach Dang", "Tran Phu", "Hung Vuong", "Nguyen Van Linh", "Phan Chau Trinh")
MARK = "bench"


def text_of(kind: str, i: int) -> str:
    if kind == "report":
        return f"PA o ga lon so {i} truoc {i % 300 + 1} {STREETS[i % len(STREETS)]} {MARK}"
    return "ATTP pho hoa le duan"


def drive(url: str, kind: str, rate: float, seconds: float, threads: int, offset: int, out: Any) -> None:
    """The load process: ``rate`` signed POSTs a second for ``seconds``; sends back latencies and errors."""
    validator = RequestValidator(TOKEN)
    total = int(rate * seconds)
    start_at = time.perf_counter() + 0.5
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    codes: list[str] = []
    expect = b"PA-" if kind == "report" else b"Pho Hoa"
    sessions = threading.local()

    def send(i: int) -> None:
        due = start_at + i / rate
        session = getattr(sessions, "session", None) or requests.Session()
        sessions.session = session
        n = offset + i
        form = {"MessageSid": f"SM{kind[0]}{n:031x}", "AccountSid": "AC" + "0" * 32, "From": f"+849{n:08d}",
                "To": "+14155550123", "Body": text_of(kind, n), "NumMedia": "0", "NumSegments": "1"}
        headers = {"X-Twilio-Signature": validator.compute_signature(url, form)}
        problem, code = None, ""
        try:
            response = session.post(url, data=form, headers=headers, timeout=30)
            if response.status_code != 200 or expect not in response.content:
                problem = f"HTTP {response.status_code}"
            elif kind == "report":
                at = response.content.index(b"PA-")
                code = response.content[at + 3:at + 8].decode()
        except requests.RequestException as exc:
            problem = type(exc).__name__
        done = time.perf_counter()
        with lock:
            latencies.append(done - due)
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
            if code:
                codes.append(code)

    with ThreadPoolExecutor(threads) as pool:
        for i in range(total):
            delay = start_at + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, i)
    out.send({"latencies": latencies, "errors": errors, "codes": codes,
              "wall": time.perf_counter() - start_at, "sent": total})


def run(url: str, kind: str, rate: float, seconds: float, threads: int, offset: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=drive, args=(url, kind, rate, seconds, threads, offset, sender))
    proc.start()
    result: dict[str, Any] = receiver.recv()
    proc.join(timeout=60)
    return result


def report(name: str, r: dict[str, Any]) -> None:
    lat, errors = r["latencies"], sum(r["errors"].values())
    print(f"{name:<28} {len(lat) / r['wall']:>6.1f} req/s   p50 {pct(lat, 0.5) * 1000:7.1f} ms   "
          f"p99 {pct(lat, 0.99) * 1000:7.1f} ms   max {max(lat) * 1000:7.1f} ms   errors {errors} {r['errors'] or ''}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=50.0, help="requests a second (default 50)")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long each load lasts (default 20)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--worker-threads", type=int, default=1,
                    help="threads per gunicorn worker (1: sync workers, as the Procfile runs them; more: gthread)")
    ap.add_argument("--threads", type=int, default=32, help="client threads (in flight at most)")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin connection")
    args = ap.parse_args()
    name = f"tongdai_bench_{os.getpid()}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = args.pg.rsplit("/", 1)[0] + f"/{name}"
    env = {"TONGDAI_ENV": "production", "TONGDAI_SENDER_SALT": "bench", "TONGDAI_CHANNELS": "twilio",
           "TWILIO_AUTH_TOKEN": TOKEN,
           "DATABASE_URL": url, "TONGDAI_STATE_DIR": str(ROOT / "benchmarks" / ".cache" / "state"),
           "TONGDAI_RATE_LIMIT": "0", "TONGDAI_LOOP_LIMIT": "0"}
    if args.worker_threads > 1:  # gunicorn reads extra options from the environment
        env["GUNICORN_CMD_ARGS"] = f"--threads {args.worker_threads}"
    try:
        subprocess_env = {**os.environ, **env}
        import subprocess

        subprocess.run([str(Path(sys.executable).parent / "tongdai"), "db", "upgrade"], env=subprocess_env,
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        proc, base = start("app:create_app()", args.workers, env)
        try:
            kind = f"gthread x {args.worker_threads}" if args.worker_threads > 1 else "sync"
            print(f"gunicorn {kind} workers: {args.workers}; {args.rate:g} requests/s for {args.seconds:g} s each; "
                  f"{args.threads} client threads; PostgreSQL {name}; {os.cpu_count()} CPUs")
            run(f"{base}/sms/twilio", "lookup", 10, 2, args.threads, 10_000_000)  # warm every worker
            baseline = run(f"{base}/sms/twilio", "lookup", args.rate, args.seconds, args.threads, 20_000_000)
            report("baseline: ATTP lookups", baseline)
            reports = run(f"{base}/sms/twilio", "report", args.rate, args.seconds, args.threads, 0)
            report("PA reports (new tickets)", reports)
        finally:
            stop(proc)
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM tickets WHERE description LIKE %s", (f"% {MARK}",)).fetchone()
            found = {row[0] for row in conn.execute("SELECT code FROM tickets")}
        count = stored[0] if stored else 0
        answered = set(reports["codes"])
        print(f"tickets: {reports['sent']} sent, {len(answered)} answered with a code, {count} stored, "
              f"lost {reports['sent'] - count}, answered but missing {len(answered - found)}")
        print(f"p99 ratio reports / lookups: {pct(reports['latencies'], 0.99) / pct(baseline['latencies'], 0.99):.2f}")
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
