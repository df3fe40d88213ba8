"""Lookup speed at 100,000 and 1,000,000 food-safety records, against the naive baseline in the same run.

For each size a child process (pinned to one core) loads a synthetic data directory, builds the index,
and times uncached lookups of noisy queries; it then times the naive baseline (rapidfuzz
``process.extract`` with ``fuzz.WRatio`` over every folded name) on a subset of the same queries and
prints both accuracies. Synthetic data directories are cached under ``benchmarks/.cache``.

    .venv/bin/python benchmarks/lookup_speed.py [--sizes 100000 1000000] [--queries 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def child(size: int, queries: int, baseline_queries: int) -> dict[str, float]:
    from rapidfuzz import fuzz, process

    from benchmarks.noise import build_queries
    from lookups.datasets import food_safety
    from lookups.datasets.synth import synth_data_dir
    from lookups.index import Index
    from lookups.text import fold

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    folder = CACHE / f"food_{size}"
    if not (folder / "food_safety" / "records.jsonl").exists():
        synth_data_dir(size, folder, ROOT / "data")
    start = time.perf_counter()
    data = food_safety.load(folder / "food_safety")
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    index = Index([r.entry() for r in data.records])
    build_s = time.perf_counter() - start
    rss = rss_mb()
    qs = build_queries(data.records, queries, 1, seed=11)
    times, hits = [], 0
    for q in qs:
        t0 = time.perf_counter()
        ranked = index.search(q.text, limit=40)
        times.append((time.perf_counter() - t0) * 1000)
        hits += bool(ranked) and ranked[0].id == q.target
    names = [fold(r.name) for r in data.records]
    subset = qs[:baseline_queries]
    base_times, base_hits, ours_sub = [], 0, 0
    for q in subset:
        t0 = time.perf_counter()
        best = process.extract(fold(q.text), names, scorer=fuzz.WRatio, processor=None, limit=5)
        base_times.append((time.perf_counter() - t0) * 1000)
        base_hits += bool(best) and data.records[best[0][2]].id == q.target
        ranked = index.search(q.text, limit=5)
        ours_sub += bool(ranked) and ranked[0].id == q.target
    return {
        "size": size, "load_s": load_s, "build_s": build_s, "rss_mb": rss,
        "p50_ms": statistics.median(times), "p99_ms": pct(times, 0.99), "top1": hits / len(qs),
        "base_p50_ms": statistics.median(base_times), "base_top1": base_hits / len(subset),
        "ours_top1_subset": ours_sub / len(subset), "baseline_n": len(subset),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--baseline-queries", type=int, default=100)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.queries, args.baseline_queries)))
        return
    for size in args.sizes:
        base_n = args.baseline_queries if size <= 100_000 else max(10, args.baseline_queries // 5)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--queries", str(args.queries),
             "--baseline-queries", str(base_n)], check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{r['size']:>9,} records: load {r['load_s']:.1f} s, index build {r['build_s']:.2f} s, "
              f"RSS {r['rss_mb']:.0f} MB; lookup p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
              f"top-1 {r['top1']:.1%}")
        print(f"{'':>9}  baseline WRatio full scan: p50 {r['base_p50_ms']:.1f} ms "
              f"(x{r['base_p50_ms'] / r['p50_ms']:.0f} slower), top-1 {r['base_top1']:.1%} vs ours "
              f"{r['ours_top1_subset']:.1%} on the same {r['baseline_n']} queries")


if __name__ == "__main__":
    main()
