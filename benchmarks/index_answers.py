"""Does an index answer the same on two versions of the code? Every Index method, over many queries, compared.

Each side runs in a child process (``PYTHONHASHSEED=0``, so set iteration orders match) on a data directory: it
builds every index of the Catalog and asks each main index ``search`` (40 ranked, with scores and locations),
``lookup``, ``exact`` and ``idf`` of noisy names (one and two noises, as ``match_quality.py`` makes them), absent
names, exact names, names with their street, first words of names, and ``row``/``display`` of record ids in
upper case. The answers are hashed; the first differing ones are printed. On code that has ``Index.open``
(this checkout) every index is written to files and opened, as a serving process gets it.

    .venv/bin/python benchmarks/index_answers.py --code /tmp/before [--data DIR ...] [--queries 1000]

``/tmp/before`` is ``git archive <rev> | tar -x -C /tmp/before``; ``--data`` defaults to the sample pack.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = os.environ.get("TONGDAI_BENCH_CODE")
sys.path.insert(0, str(ROOT))
if CODE:
    sys.path.insert(0, CODE)


def through_files(workdir: Path) -> None:
    """Make the Catalog's indexes go through ``Index.write`` and ``Index.open`` (this checkout only)."""
    from lookups.datasets import kinds
    from lookups.index import Index

    if not hasattr(Index, "open"):
        return

    def via_files(entries: Any) -> Index:
        folder = Path(tempfile.mkdtemp(dir=workdir))
        Index.write(entries, folder)
        return Index.open(folder)

    kinds.Index = via_files  # type: ignore[attr-defined,assignment]


def child(data: Path, count: int) -> None:
    from benchmarks.noise import absent_queries, build_queries
    from benchmarks.targets import targets
    from lookups.store import Catalog

    with tempfile.TemporaryDirectory() as workdir:
        through_files(Path(workdir))
        catalog = Catalog(data, reload_every=0)
        for name, (records, index) in targets(catalog, None).items():
            texts = [q.text for n in (1, 2) for q in build_queries(records, count, n, seed=11)]  # type: ignore[arg-type]
            texts += [q.text for q in absent_queries(records, count // 4, seed=5)]  # type: ignore[arg-type]
            step = max(1, len(records) // count)
            for rec in records[::step]:
                texts += [rec.name, f"{rec.name} {rec.street or rec.ward}", " ".join(rec.name.split()[:2])]
            for text in dict.fromkeys(texts):
                ranked = [[c.id, c.name, c.score, list(c.locations), c.exact] for c in index.search(text, limit=40)]
                decision = index.lookup(text)
                exact = index.exact(text)
                print(json.dumps([name, text, ranked, decision.status, [c.id for c in decision.candidates],
                                  exact and [exact.id, exact.name, exact.score, list(exact.locations)],
                                  [index.idf(w) for w in text.lower().split()]], ensure_ascii=False))
            for rec in records[::step]:
                row = index.row(f" {rec.id.upper()} ")
                print(json.dumps([name, rec.id, row, None if row is None else index.display(row), len(index)]))


def answers(code: str, data: Path, count: int) -> list[str]:
    done = subprocess.run([sys.executable, __file__, "--child", str(data), "--queries", str(count)],
                          capture_output=True, text=True,
                          env={**os.environ, "TONGDAI_BENCH_CODE": code, "PYTHONHASHSEED": "0"})
    if done.returncode:
        sys.exit(f"{code or 'this checkout'} on {data} failed:\n{done.stderr[-3000:]}")
    return done.stdout.splitlines()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", type=Path, help="the other checkout (the baseline)")
    ap.add_argument("--data", type=Path, nargs="+", default=[ROOT / "data"])
    ap.add_argument("--queries", type=int, default=1000, help="noisy queries per dataset and noise count")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.queries)
        return
    if not args.code:
        ap.error("--code DIR is required")
    for data in args.data:
        before = answers(str(args.code.resolve()), data, args.queries)
        after = answers("", data, args.queries)
        digest = [hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16] for lines in (before, after)]
        differ = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
        same = "identical" if before == after else f"{len(differ)} differ"
        print(f"{data}: {len(before)} answers before (sha256 {digest[0]}), {len(after)} after ({digest[1]}): {same}")
        for a, b in differ[:5]:
            print(f"  before: {a[:300]}\n  after:  {b[:300]}")


if __name__ == "__main__":
    main()
