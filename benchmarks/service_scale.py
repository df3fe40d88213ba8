"""The running service at scale: memory of 1 and N gunicorn workers, time to ready, and the service's own work
per message through the operators' API, each against its baseline in the same run.

For each code (``--code DIR`` first, the baseline; then this checkout), ``tongdai ask`` answers one question
twice in a fresh process: the first time to first answer includes building the version's files (this
checkout; once per version), the second only opens them (the baseline loads and indexes every time). Then,
for each worker count, gunicorn serves
``app:create_app()`` (as the Procfile does) on a ``tongdai data synth`` directory of ``--size`` records, with
the result cache, the API rate limit, live reload and the Zalo worker thread off. Measured:

- ready: seconds from start until ``/readyz`` first answers 200 (one worker ready), and until every worker
  is idle (its CPU time stopped growing for 0.5 s: data loaded, index built);
- memory: total PSS and RSS of the master and its workers (``/proc/<pid>/smaps_rollup``) once all are idle,
  with no other gunicorn running (the baseline's would share the pages of the same libraries, and each
  process's PSS counts only its share of a shared page, so a figure taken beside it is too low);
- memory again after the queries below (sent one at a time, to whichever worker accepts each);
- with one worker: each noisy query (``ATTP <query>``, built from the data as ``match_quality.py`` builds
  them) sent to ``POST /api/v1/query`` one at a time, alternating with ``GET /healthz`` (a request that does
  nothing), so both see the same machine; the service's own work per message is a query's latency less the
  median ``/healthz`` latency. Found, ambiguous and not-found answers (no record, or "did you mean"
  suggestions) are also shown apart. The worker's CPU time for each request (``/proc/<pid>/schedstat``,
  nanoseconds) is read around it too: a query's CPU time less the median
  ``/healthz`` CPU time is the same figure without the waiting that other programs on the machine cause
  (latencies on a shared machine move by milliseconds between runs; CPU time much less). With ``--code``, one
  worker of each code runs at once and each query goes to both in turn, so that both see the same load.

    .venv/bin/python benchmarks/service_scale.py [--size 100000] [--workers 1 4] [--queries 300] [--code DIR]
        [--gunicorn-arg=--preload]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KEY = "bench-key"
START_TIMEOUT = 600.0


def kb_of(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(p) for p in found]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def start(code: Path, data: Path, workers: int, port: int, log: Path,
          extra: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TONGDAI_DATA_DIR": str(data), "TONGDAI_API_KEY": KEY, "TONGDAI_API_RATE_LIMIT": "0",
           "TONGDAI_CACHE_TTL": "0", "TONGDAI_CHANNELS": "api", "TONGDAI_WORKER_THREAD": "0",
           "TONGDAI_RELOAD_SECONDS": "0", "PYTHONPATH": str(code)}
    env.pop("REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--timeout", "600", *extra, "app:create_app()"]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT)


def first_answer(code: Path, data: Path, text: str) -> float:
    """Seconds until ``tongdai ask`` has answered ``text`` in a fresh process, interpreter start included."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("TONGDAI_STATE_DIR", None)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(data), "ask", text], cwd=code, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def wait_ready(proc: subprocess.Popen[bytes], base: str, workers: int, t0: float) -> tuple[float, float]:
    first = None
    while first is None:
        if proc.poll() is not None or time.monotonic() - t0 > START_TIMEOUT:
            raise RuntimeError("gunicorn did not start")
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                first = time.monotonic() - t0
        except requests.RequestException:
            pass
        time.sleep(0.05)
    while True:  # every worker idle: its CPU time still for half a second
        pids = children(proc.pid)
        before = {p: cpu_ticks(p) for p in pids}
        time.sleep(0.5)
        if len(pids) == workers and all(cpu_ticks(p) == before[p] for p in pids):
            return first, time.monotonic() - t0 - 0.5


def queries(data: Path, count: int) -> list[str]:
    from benchmarks.noise import build_queries
    from lookups.datasets import food_safety

    records = food_safety.load(data / "food_safety").records
    return [q.text for q in build_queries(records, count, 1, seed=11)]


def cpu_ns(pid: int) -> int:
    """Nanoseconds the process's main thread (a sync gunicorn worker's only one) has run on a CPU."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def work_per_message(servers: list[tuple[str, int]], texts: list[str]) -> list[dict[str, Any]]:
    """For each (base URL, worker pid): latency and worker CPU per query, less those of ``/healthz``. With several
    servers (the baseline and this checkout), each query goes to every one in turn (in alternating order), so
    that all see the same load on the machine."""
    sessions = [requests.Session() for _ in servers]
    headers = {"X-API-Key": KEY}
    for (base, _), session in zip(servers, sessions, strict=True):
        for text in texts[:20]:  # warm-up: first searches fill caches
            session.post(f"{base}/api/v1/query", json={"text": f"ATTP {text}"}, headers=headers, timeout=30)
    ask: list[list[tuple[float, float, str]]] = [[] for _ in servers]  # (latency ms, worker CPU ms, status)
    idle: list[list[tuple[float, float]]] = [[] for _ in servers]
    for n, text in enumerate(texts):
        order = range(len(servers)) if n % 2 == 0 else range(len(servers) - 1, -1, -1)
        for i in order:
            (base, worker), session = servers[i], sessions[i]
            t0, c0 = time.perf_counter(), cpu_ns(worker)
            reply = session.post(f"{base}/api/v1/query", json={"text": f"ATTP {text}"}, headers=headers, timeout=30)
            ms, cpu = (time.perf_counter() - t0) * 1000, (cpu_ns(worker) - c0) / 1e6
            assert reply.status_code == 200, reply.text
            ask[i].append((ms, cpu, str(reply.json()["reply"]["status"])))
            t0, c0 = time.perf_counter(), cpu_ns(worker)
            session.get(f"{base}/healthz", timeout=30)
            idle[i].append(((time.perf_counter() - t0) * 1000, (cpu_ns(worker) - c0) / 1e6))
    return [_figures(a, i) for a, i in zip(ask, idle, strict=True)]


def _figures(ask: list[tuple[float, float, str]], idle: list[tuple[float, float]]) -> dict[str, Any]:
    nothing, nothing_cpu = statistics.median(ms for ms, _ in idle), statistics.median(cpu for _, cpu in idle)
    work = sorted(ms - nothing for ms, _, _ in ask)
    out: dict[str, Any] = {"nothing_p50_ms": nothing, "work_p50_ms": statistics.median(work),
                           "work_p99_ms": work[min(len(work) - 1, int(0.99 * len(work)))],
                           "nothing_cpu_p50_ms": nothing_cpu,
                           "cpu_p50_ms": statistics.median(cpu - nothing_cpu for _, cpu, _ in ask)}
    for status in ("found", "ambiguous", "not_found"):
        mine = [(ms - nothing, cpu - nothing_cpu) for ms, cpu, s in ask if s == status]
        if mine:
            out[f"{status}_p50_ms"] = statistics.median(ms for ms, _ in mine)
            out[f"{status}_cpu_p50_ms"] = statistics.median(cpu for _, cpu in mine)
            out[f"{status}_count"] = len(mine)
    return out


def launch(code: Path, data: Path, workers: int, log: Path,
           extra: list[str]) -> tuple[subprocess.Popen[bytes], str, list[int], dict[str, Any]]:
    """A started gunicorn, its base URL, its pids (master first) and its start-up figures."""
    port = random.randint(20000, 40000)
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    proc = start(code, data, workers, port, log, extra)
    try:
        first, idle = wait_ready(proc, base, workers, t0)
    except BaseException:
        stop(proc)
        raise
    pids = [proc.pid, *children(proc.pid)]
    return proc, base, pids, {
        "workers": workers, "ready_s": first, "all_idle_s": idle,
        "pss_mb": sum(kb_of(p, "Pss") for p in pids) / 1024,
        "rss_mb": sum(kb_of(p, "Rss") for p in pids) / 1024,
        "worker_rss_mb": max(kb_of(p, "Rss") for p in pids[1:]) / 1024}


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def time_one_worker(codes: list[Path], data: Path, texts: list[str], log: Path,
                    extra: list[str]) -> list[dict[str, Any]]:
    """One worker of each code, started one after the other, then the queries to all of them side by side: the
    work figures only (memory is measured with each code alone, in ``measure``)."""
    started: list[tuple[subprocess.Popen[bytes], str, list[int], dict[str, Any]]] = []
    try:
        for code in codes:
            started.append(launch(code, data, 1, log, extra))
        return work_per_message([(base, pids[1]) for _, base, pids, _ in started], texts)
    finally:
        for proc, _, _, _ in started:
            stop(proc)


def measure(code: Path, data: Path, workers: int, texts: list[str], log: Path,
            extra: list[str]) -> dict[str, Any]:
    """One gunicorn, the only one running: its start figures and memory, and its memory again after the
    queries (a new connection each, so that several workers share them)."""
    proc, base, pids, result = launch(code, data, workers, log, extra)
    try:
        for text in texts:
            requests.post(f"{base}/api/v1/query", json={"text": f"ATTP {text}"}, headers={"X-API-Key": KEY},
                          timeout=30)
        result["pss_after_mb"] = sum(kb_of(p, "Pss") for p in pids) / 1024
        return result
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--names", choices=("realistic", "pool"), default="realistic")
    ap.add_argument("--code", type=Path, help="another checkout measured first, as the baseline")
    ap.add_argument("--gunicorn-arg", action="append", default=[], help="passed to gunicorn (--preload)")
    args = ap.parse_args()
    from benchmarks.lookup_speed import synthetic

    data = synthetic(args.size, args.names)
    texts = queries(data, args.queries)
    codes = [args.code.resolve(), ROOT] if args.code else [ROOT]
    log = ROOT / "benchmarks" / ".cache" / "service_scale.log"
    for code in codes:
        asks = [first_answer(code, data, f"ATTP {texts[0]}") for _ in range(2)]
        print(json.dumps({"code": str(code), "size": args.size, "ask_first_s": asks[0], "ask_again_s": asks[1]}))
        print(f"{'this checkout' if code == ROOT else code}: tongdai ask, {args.size:,} records: first answer after "
              f"{asks[0]:.1f} s in a fresh process, {asks[1]:.1f} s the second time", flush=True)
    runs = [(code, measure(code, data, workers, texts, log, args.gunicorn_arg))
            for workers in args.workers for code in codes]
    if 1 in args.workers and texts:
        work = time_one_worker(codes, data, texts, log, args.gunicorn_arg)
        for code, result in runs:
            if result["workers"] == 1:
                result.update(work[codes.index(code)])
    for code, r in runs:
        print(json.dumps({"code": str(code), "size": args.size, **r}), flush=True)
        print(summary(code, r, args.size, len(texts)), flush=True)


def summary(code: Path, r: dict[str, Any], size: int, queries: int) -> str:
    line = (f"{'this checkout' if code == ROOT else code}: {r['workers']} worker(s), {size:,} records: "
            f"/readyz after {r['ready_s']:.1f} s, all idle after {r['all_idle_s']:.1f} s; PSS "
            f"{r['pss_mb']:.0f} MB, RSS {r['rss_mb']:.0f} MB (largest worker {r['worker_rss_mb']:.0f} MB)")
    if "pss_after_mb" in r:
        line += f"; PSS after {queries} queries {r['pss_after_mb']:.0f} MB"
    if "work_p50_ms" in r:
        line += (f"\n  own work per message p50 {r['work_p50_ms']:.2f} ms, p99 {r['work_p99_ms']:.2f} ms "
                 f"(a do-nothing request {r['nothing_p50_ms']:.2f} ms); found "
                 f"{r.get('found_p50_ms', float('nan')):.2f} ms ({r.get('found_count', 0)}), ambiguous "
                 f"{r.get('ambiguous_p50_ms', float('nan')):.2f} ms ({r.get('ambiguous_count', 0)}), not found or "
                 f"did you mean {r.get('not_found_p50_ms', float('nan')):.2f} ms ({r.get('not_found_count', 0)})"
                 f"\n  worker CPU per message p50 {r['cpu_p50_ms']:.2f} ms (a do-nothing request "
                 f"{r['nothing_cpu_p50_ms']:.2f} ms); found {r.get('found_cpu_p50_ms', float('nan')):.2f} ms, "
                 f"ambiguous {r.get('ambiguous_cpu_p50_ms', float('nan')):.2f} ms, not found or did you mean "
                 f"{r.get('not_found_cpu_p50_ms', float('nan')):.2f} ms")
    return line

if __name__ == "__main__":
    main()
