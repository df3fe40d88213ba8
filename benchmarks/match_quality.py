"""Match quality on noisy queries built from the data pack, for every declared dataset.

Prints, per dataset, top-1 accuracy, recall@5, the confident-wrong rate (decision ``found`` with the wrong
record), how often the answer is direct, how often absent names get ``not_found``, and the same top-1 for the
naive baseline (rapidfuzz ``process.extract`` with ``fuzz.WRatio`` over all folded names); then one markdown
table for the README. Each dataset is searched in its main index (bus: stops; land prices: streets).

    .venv/bin/python benchmarks/match_quality.py [--data-dir DIR] [--count 1000] [--datasets ID ...]
    .venv/bin/python benchmarks/match_quality.py --code /tmp/before   # the same, on another checkout's code

``--code`` measures a baseline: it runs this script against the ``lookups`` package of another checkout
(``git archive <rev> | tar -x -C /tmp/before``); only the four original datasets exist there.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
if "--code" in sys.argv:  # before anything is imported: the other checkout's packages win
    sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])
sys.path.insert(1 if "--code" in sys.argv else 0, str(HERE))
import benchmarks  # noqa: E402

benchmarks.__path__.append(str(HERE / "benchmarks"))  # this checkout's benchmark helpers, under either code

from rapidfuzz import fuzz, process  # noqa: E402

from benchmarks.noise import Query, absent_queries, build_queries  # noqa: E402
from benchmarks.targets import Target, targets  # noqa: E402
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


def measure(name: str, records: list[Target], index: Index, args: argparse.Namespace) -> list[str]:
    """Print one dataset's figures; return its rows of the README table."""
    names = [fold(r.name) for r in records]
    ids = [r.id for r in records]
    count = min(args.count, len(records))
    print(f"{name}: {len(records)} records, {count} queries per noise level")
    rows = []
    for level in (1, 2):
        queries = build_queries(records, count, level, args.seed + level)
        res = evaluate(index, queries)
        base = baseline_top1(names, ids, queries)
        extras = "  ".join(f"{k}={v:.1%}" for k, v in res.items() if k.startswith("miss"))
        print(f"{level}-noise: top1={res['top1']:.1%} recall@5={res['recall5']:.1%} "
              f"confident_wrong={res['confident_wrong']:.2%} answered_directly={res['found']:.1%} "
              f"| baseline WRatio top1={base:.1%}")
        print(f"   misses by noise: {extras}")
        rows.append(f"| {name} | {len(records):,} | {level} | {res['top1']:.1%} | {res['recall5']:.1%} | "
                    f"{res['confident_wrong']:.2%} | {res['found']:.1%} | {base:.1%} |")
        if args.show_misses:
            show_misses(records, index, queries, args.show_misses)
    absent = absent_queries(records, 300, args.seed)
    rate = absent_rate(index, absent)
    print(f"absent names: not_found={rate:.1%} of {len(absent)}")
    rows.append(f"| {name} | | absent | `not_found` {rate:.1%} | | | | |")
    return rows


def show_misses(records: list[Target], index: Index, queries: list[Query], limit: int) -> None:
    shown = 0
    for q in queries:
        ranked = index.search(q.text, limit=3)
        if not ranked or ranked[0].id != q.target:
            target = records[index.row(q.target or "") or 0]
            print(f"   MISS {q.noises} {q.text!r} -> {[(c.name, c.score) for c in ranked]} want {target.name}")
            shown += 1
            if shown >= limit:
                return


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show-misses", type=int, default=0)
    ap.add_argument("--datasets", nargs="*", help="dataset ids (default: every declared dataset)")
    ap.add_argument("--code", type=Path, help="measure with the code of another checkout (a baseline)")
    args = ap.parse_args()
    catalog = Catalog(args.data_dir)
    table = ["| dataset | records | noises | top-1 | recall@5 | confident-wrong | answered directly | "
             "naive top-1 |", "|---|---|---|---|---|---|---|---|"]
    for name, (records, index) in targets(catalog, args.datasets).items():
        table += measure(name, records, index, args)
    print("\n".join(table))


if __name__ == "__main__":
    main()
