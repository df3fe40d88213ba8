"""Index files at 100,000 and 1,000,000 food-safety records: build, open, size, search speed, memory.

For each size, separate child processes (each pinned to one core) on a cached ``tongdai data synth`` directory:

- build: loads the records and times ``Index.write`` into a fresh folder (what the importing process pays);
- open: a fresh process that never saw the records times ``Index.open``, then ``search`` (40 ranked) and
  ``lookup`` of noisy queries (as ``lookup_speed.py`` makes them), and reports its memory: RSS, and of it
  the anonymous part (private to the process) and the file-backed part (the maps, shared by every process
  that opens the same files);
- memory: the index built in the process, ``Index(entries)``: on ``--code DIR`` (another checkout, the
  baseline) that is the code before files; here, the same parts held in memory.

    .venv/bin/python benchmarks/index_files.py [--sizes 100000 1000000] [--queries 1000] [--code /tmp/before]

Times are wall clock with the process's CPU time beside them: on a shared machine the CPU time says more.

``/tmp/before`` is ``git archive <rev> | tar -x -C /tmp/before``. Synthetic directories are cached under
``benchmarks/.cache`` (as ``lookup_speed.py`` makes them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = os.environ.get("TONGDAI_BENCH_CODE")
sys.path.insert(0, str(ROOT))
if CODE:
    sys.path.insert(0, CODE)


def memory_mb() -> dict[str, float]:
    """VmRSS and its anonymous and file-backed parts, in MB."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile") if key in status}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed_queries(index: Any, texts: list[str]) -> dict[str, float]:
    index.search(texts[0], limit=40)  # first touch of the code paths, not of the data
    search, lookup, cpu = [], [], []
    for text in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        index.search(text, limit=40)
        t1, c1 = time.perf_counter(), time.process_time()
        index.lookup(text)
        search.append((t1 - t0) * 1000)
        lookup.append((time.perf_counter() - t1) * 1000)
        cpu.append((c1 - c0) * 1000)
    return {"search_p50_ms": statistics.median(search), "search_p99_ms": pct(search, 0.99),
            "lookup_p50_ms": statistics.median(lookup), "lookup_p99_ms": pct(lookup, 0.99),
            "search_cpu_p50_ms": statistics.median(cpu)}


def entries_and_queries(data: Path, count: int) -> tuple[list[Any], list[str]]:
    from benchmarks.noise import build_queries
    from lookups.datasets import food_safety

    records = food_safety.load(data / "food_safety").records
    return [r.entry() for r in records], [q.text for q in build_queries(records, count, 1, seed=11)]


def child(mode: str, data: Path, folder: Path, count: int) -> dict[str, Any]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from lookups.index import Index

    if mode == "open":
        texts = json.loads((folder.parent / "queries.json").read_text())
        before = memory_mb()
        t0 = time.perf_counter()
        index = Index.open(folder)  # type: ignore[attr-defined]
        opened = time.perf_counter() - t0
        at_open = memory_mb()
        return {"open_s": opened, **timed_queries(index, texts), "rss_at_open": at_open["VmRSS"] - before["VmRSS"],
                "before": before, "after": memory_mb()}
    entries, texts = entries_and_queries(data, count)
    before = memory_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "build":
        Index.write(entries, folder)  # type: ignore[attr-defined]
        written_s, written_cpu = time.perf_counter() - t0, time.process_time() - c0
        (folder.parent / "queries.json").write_text(json.dumps(texts))
        sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
        return {"write_s": written_s, "write_cpu_s": written_cpu, "bytes": sum(sizes.values()),
                "largest": sorted(sizes.items(), key=lambda kv: -kv[1])[:4]}
    index = Index(entries)
    built = time.perf_counter() - t0
    del entries
    return {"build_s": built, **timed_queries(index, texts), "before": before, "after": memory_mb()}


def run(mode: str, data: Path, folder: Path, count: int, code: str = "") -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--data", str(data), "--folder", str(folder),
                           "--queries", str(count)], capture_output=True, text=True,
                          env={**os.environ, "TONGDAI_BENCH_CODE": code})
    if done.returncode:
        sys.exit(f"{mode} on {data} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(size: int, label: str, r: dict[str, Any]) -> None:
    grown = {k: r["after"][k] - r["before"].get(k, 0.0) for k in r["after"]}
    print(f"{size:>9,} {label:<22} search p50 {r['search_p50_ms']:.2f} ms (CPU {r['search_cpu_p50_ms']:.2f}) "
          f"p99 {r['search_p99_ms']:.2f} ms; "
          f"lookup p50 {r['lookup_p50_ms']:.2f} ms p99 {r['lookup_p99_ms']:.2f} ms; process RSS "
          f"{r['after']['VmRSS']:.0f} MB (anonymous {r['after']['RssAnon']:.0f}, file-backed "
          f"{r['after']['RssFile']:.0f}); grown by the index {grown['VmRSS']:.0f} MB "
          f"(anonymous {grown['RssAnon']:.0f}, file-backed {grown['RssFile']:.0f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--code", type=Path, help="also measure Index(entries) on this checkout (the baseline)")
    ap.add_argument("--child", choices=("build", "open", "memory"), help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.data, args.folder, args.queries)))
        return
    from benchmarks.lookup_speed import synthetic

    for size in args.sizes:
        data = synthetic(size, "realistic")
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work) / "index"
            folder.mkdir()
            built = run("build", data, folder, args.queries)
            print(f"{size:>9,} records: Index.write {built['write_s']:.2f} s (CPU {built['write_cpu_s']:.2f} s), "
                  f"{built['bytes'] / 2**20:.1f} MB in "
                  f"{len(list(folder.iterdir()))} files (largest: "
                  f"{', '.join(f'{n} {b / 2**20:.1f} MB' for n, b in built['largest'])})")
            opened = run("open", data, folder, args.queries)
            print(f"{size:>9,} records: Index.open {opened['open_s'] * 1000:.1f} ms, RSS grown at open "
                  f"{opened['rss_at_open']:.1f} MB")
            report(size, "opened files:", opened)
            if args.code:
                report(size, "baseline in memory:", run("memory", data, folder, args.queries, str(args.code)))
            report(size, "this code in memory:", run("memory", data, folder, args.queries))


if __name__ == "__main__":
    main()
