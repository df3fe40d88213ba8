"""Lookup speed at 100,000 and 1,000,000 food-safety records, against the naive baseline in the same run.

For each size a child process (pinned to one core) loads a synthetic data directory, builds the index,
and times uncached lookups of noisy queries; it then times the naive baseline (rapidfuzz
``process.extract`` with ``fuzz.WRatio`` over every folded name) on a subset of the same queries and
prints both accuracies. It also times the whole answer path a resident waits for (``handle("ATTP ...")``:
keyword, registry, matcher, decision, reply) on a Catalog of the same directory. Synthetic data directories
are cached under ``benchmarks/.cache``.

    .venv/bin/python benchmarks/lookup_speed.py [--sizes 100000 1000000] [--queries 1000] [--names realistic pool]
    .venv/bin/python benchmarks/lookup_speed.py --sizes 100000 --code /tmp/before   # before/after in one run

``--code DIR`` runs each size twice, first on the code of another checkout (``git archive <rev> | tar -x -C
DIR``), then on this one, so a change is measured against its baseline on the same machine in the same run.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = os.environ.get("TONGDAI_BENCH_CODE")  # the checkout whose code a child measures (default: this one)
sys.path.insert(0, str(ROOT))
if CODE:
    sys.path.insert(0, CODE)
CACHE = ROOT / "benchmarks" / ".cache"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def child(folder: Path, queries: int, baseline_queries: int) -> dict[str, float]:
    from rapidfuzz import fuzz, process

    from benchmarks.noise import build_queries
    from lookups.datasets import food_safety
    from lookups.index import Index
    from lookups.text import fold

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
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
    answers = answer_path(folder, qs[:300])
    answer_times = [ms for ms, _ in answers]
    by_status = {status: statistics.median([ms for ms, s in answers if s == status])
                 for status in ("found", "ambiguous") if any(s == status for _, s in answers)}
    return {
        "answer_p50_ms": statistics.median(answer_times), "answer_p99_ms": pct(answer_times, 0.99),
        "found_p50_ms": by_status.get("found", float("nan")),
        "ambiguous_p50_ms": by_status.get("ambiguous", float("nan")),
        "size": len(data.records), "load_s": load_s, "build_s": build_s, "rss_mb": rss,
        "p50_ms": statistics.median(times), "p99_ms": pct(times, 0.99), "top1": hits / len(qs),
        "base_p50_ms": statistics.median(base_times), "base_top1": base_hits / len(subset),
        "ours_top1_subset": ours_sub / len(subset), "baseline_n": len(subset),
    }


def answer_path(folder: Path, queries: list[Any]) -> list[tuple[float, str]]:
    """Milliseconds and status per message through ``handle`` (no result cache), after a warm-up that builds
    the index."""
    from datetime import UTC, datetime

    from handlers.dispatch import handle
    from lookups.store import Catalog

    catalog = Catalog(folder, reload_every=0)
    now = datetime.now(UTC)
    handle("ATTP pho hoa", catalog, now)
    times: list[tuple[float, str]] = []
    for q in queries:
        t0 = time.perf_counter()
        reply = handle(f"ATTP {q.text}", catalog, now)
        times.append(((time.perf_counter() - t0) * 1000, reply.status))
    return times


def synthetic(size: int, names: str) -> Path:
    """A cached ``tongdai data synth`` directory of ``size`` records (this checkout's generator)."""
    from lookups.datasets.synth import synth_data_dir

    folder = CACHE / f"food_{size}_{names}"
    if not (folder / "food_safety" / "records.jsonl").exists():
        synth_data_dir(size, folder, ROOT / "data", names=names)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--baseline-queries", type=int, default=100)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--names", choices=("realistic", "pool"), nargs="+", default=["realistic"],
                    help="synthetic names (tongdai data synth --names); both: the old generator's figures too")
    ap.add_argument("--code", type=Path, help="also measure the code of this checkout first (the baseline)")
    ap.add_argument("--rounds", type=int, default=1, help="with --code: alternate baseline and ours this often")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.queries, args.baseline_queries)))
        return
    codes = [str(args.code.resolve()), ""] * max(1, args.rounds) if args.code else [""]
    runs: dict[tuple[int, str, str], list[dict[str, float]]] = {}
    for size, names, code in ((s, n, c) for s in args.sizes for n in args.names for c in codes):
        base_n = args.baseline_queries if size <= 100_000 else max(10, args.baseline_queries // 5)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(synthetic(size, names)), "--queries", str(args.queries),
             "--baseline-queries", str(base_n)], check=True, capture_output=True, text=True,
            env={**os.environ, "TONGDAI_BENCH_CODE": code}).stdout
        r = json.loads(out.strip().splitlines()[-1])
        runs.setdefault((size, names, code), []).append(r)
        if args.code:
            print(f"code: {code or 'this checkout'}")
        print(f"{r['size']:>9,} records, {names} names: answer path (handle) p50 {r['answer_p50_ms']:.2f} ms "
              f"(found {r['found_p50_ms']:.2f}, ambiguous {r['ambiguous_p50_ms']:.2f}), "
              f"p99 {r['answer_p99_ms']:.2f} ms")
        print(f"{r['size']:>9,} records: load {r['load_s']:.1f} s, index build {r['build_s']:.2f} s, "
              f"RSS {r['rss_mb']:.0f} MB; lookup p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
              f"top-1 {r['top1']:.1%}")
        print(f"{'':>9}  baseline WRatio full scan: p50 {r['base_p50_ms']:.1f} ms "
              f"(x{r['base_p50_ms'] / r['p50_ms']:.0f} slower), top-1 {r['base_top1']:.1%} vs ours "
              f"{r['ours_top1_subset']:.1%} on the same {r['baseline_n']} queries")
    if args.code and args.rounds > 1:  # the machine is shared: the median of the rounds says more than one
        for (size, names, code), found in runs.items():
            print(f"median of {len(found)} rounds, {size:,} records, {names} names, {code or 'this checkout'}: "
                  f"answer path p50 "
                  f"{statistics.median(r['answer_p50_ms'] for r in found):.2f} ms, p99 "
                  f"{statistics.median(r['answer_p99_ms'] for r in found):.2f} ms; Index.search p50 "
                  f"{statistics.median(r['p50_ms'] for r in found):.2f} ms")


if __name__ == "__main__":
    main()
