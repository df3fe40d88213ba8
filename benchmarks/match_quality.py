"""Match quality on noisy queries built from the data pack.

Prints top-1 accuracy, recall@5, the confident-wrong rate (decision ``found`` with the wrong record),
how often absent names get ``not_found``, and the same top-1 for the naive baseline
(rapidfuzz ``process.extract`` with ``fuzz.WRatio`` over all folded names).

    .venv/bin/python benchmarks/match_quality.py [--data-dir DIR] [--count 1000]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process  # noqa: E402

from benchmarks.noise import Query, absent_queries, build_queries  # noqa: E402
from lookups.decide import decide  # noqa: E402
from lookups.index import Index  # noqa: E402
from lookups.store import Catalog  # noqa: E402
from lookups.text import fold  # noqa: E402


def evaluate(index: Index, queries: list[Query]) -> dict[str, float]:
    top1 = recall5 = wrong = found = 0
    by_noise: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    for q in queries:
        ranked = index.search(q.text, limit=40)
        decision = decide(ranked)
        ids = [c.id for c in ranked]
        top1 += bool(ids) and ids[0] == q.target
        recall5 += q.target in ids[:5]
        if decision.status == "found":
            found += 1
            wrong += decision.candidates[0].id != q.target
        for noise in q.noises:
            by_noise[noise] += 1
            misses[noise] += not (ids and ids[0] == q.target)
    n = max(len(queries), 1)
    result = {"top1": top1 / n, "recall5": recall5 / n, "confident_wrong": wrong / n, "found": found / n}
    result.update({f"miss[{k}]": misses[k] / by_noise[k] for k in sorted(by_noise)})
    return result


def baseline_top1(names: list[str], ids: list[str], queries: list[Query]) -> float:
    hits = 0
    for q in queries:
        best = process.extractOne(fold(q.text), names, scorer=fuzz.WRatio, processor=None)
        hits += best is not None and ids[best[2]] == q.target
    return hits / max(len(queries), 1)


def absent_rate(index: Index, queries: list[Query]) -> float:
    return sum(index.lookup(q.text).status == "not_found" for q in queries) / max(len(queries), 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show-misses", type=int, default=0)
    args = ap.parse_args()
    catalog = Catalog(args.data_dir)
    records = catalog.food.records
    index = catalog.food_index
    names = [fold(r.name) for r in records]
    ids = [r.id for r in records]
    print(f"food_safety: {len(records)} records, {args.count} queries per noise level")
    for level in (1, 2):
        queries = build_queries(records, args.count, level, args.seed + level)
        res = evaluate(index, queries)
        base = baseline_top1(names, ids, queries)
        extras = "  ".join(f"{k}={v:.1%}" for k, v in res.items() if k.startswith("miss"))
        print(f"{level}-noise: top1={res['top1']:.1%} recall@5={res['recall5']:.1%} "
              f"confident_wrong={res['confident_wrong']:.2%} answered_directly={res['found']:.1%} "
              f"| baseline WRatio top1={base:.1%}")
        print(f"   misses by noise: {extras}")
        if args.show_misses:
            shown = 0
            for q in queries:
                ranked = index.search(q.text, limit=3)
                if not ranked or ranked[0].id != q.target:
                    target = records[index.row(q.target or "") or 0]
                    print(f"   MISS {q.noises} {q.text!r} -> {[(c.name, c.score) for c in ranked]} want {target.name}")
                    shown += 1
                    if shown >= args.show_misses:
                        break
    absent = absent_queries(records, 300, args.seed)
    print(f"absent names: not_found={absent_rate(index, absent):.1%} of {len(absent)}")


if __name__ == "__main__":
    main()
