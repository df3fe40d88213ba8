"""Adversarial messages against normal queries: no message, however long or strange, may cost much more.

Every keyword (and no keyword) gets arguments built to make matching work hard: long, repetitive, one-letter
words, every street or ward name of the gazetteer, every stop, digits, emoji, combining-mark floods,
zero-width characters, separators for the bus "from, to" split, typos in every word. Each message is answered
through the whole answer path ``tongdai ask`` uses (``handlers.dispatch.handle``; no result cache), and its
time is printed against the median of normal queries measured in the same run, rounds interleaved so that
other load on the machine hits both alike.

Two clocks: the CPU time of this thread (the work a message costs; what a user waits for on a server with a
core free, since the answer path does no I/O) decides; wall time is printed beside it. On a shared machine
wall time mostly measures the others: a 10 ms answer is preempted in nearly every run where a 1 ms one often
is not, which inflates ratios. A message's time is its best of the rounds (its first, cold run is shown too).
Exits 1 when the worst CPU time is over ``--limit`` times the normal median.

    .venv/bin/python benchmarks/adversarial.py [--rounds 5] [--limit 10] [--show 15] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.noise import build_queries  # noqa: E402
from handlers.dispatch import handle  # noqa: E402
from lookups.store import Catalog  # noqa: E402

KEYWORDS = ("ATTP", "BUS", "MT", "GIADAT", "KCB", "HD", "")
NOW = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)  # 08:00 in Da Nang: departures exist


def normal_queries(catalog: Catalog) -> list[str]:
    """What residents send, over every keyword: the README's examples and names from each dataset."""
    food = catalog.food.records
    queries = ["attp pho hoa le duan", "ATTP pho hoa, hai chau", "BUS 05", "BUS cho han", "BUS cho han, san bay",
               "MT HC101", "GIADAT le duan", "gd nguyen van linh hai chau", "KCB nhi hai chau", "KCB cap cuu",
               "HD ATTP", "bun cha ca 109", "xin chao"]
    queries += ["ATTP " + q.text for q in build_queries(food, 12, 1, seed=3)]
    queries += [q.text for q in build_queries(food, 4, 1, seed=4)]  # no keyword
    queries += [f"GIADAT {s.name}" for s in catalog.land.streets[::40]]
    queries += [f"KCB {r.name}" for r in catalog.clinics.records[::80]]
    queries += [f"BUS {s.name}" for s in list(catalog.bus.stops.values())[::50]]
    return queries


def _gazetteer(catalog: Catalog) -> tuple[list[str], list[str]]:
    folder = catalog.data_dir / "gazetteer"
    with (folder / "streets.csv").open(encoding="utf-8-sig", newline="") as handle_:
        streets = sorted({row["street"] for row in csv.DictReader(handle_)})
    wards: list[str] = []
    with (folder / "wards.csv").open(encoding="utf-8-sig", newline="") as handle_:
        for row in csv.DictReader(handle_):
            wards += [row["ward"], *row.get("old_district", "").split(";"), *row.get("old_wards", "").split(";")]
    return streets, [w for w in dict.fromkeys(wards) if w]


def _typos(words: list[str]) -> str:
    """Each word with a letter changed: every word costs a typo look-up."""
    return " ".join(w[:1] + "q" + w[2:] if len(w) > 2 else w + "q" for w in words)


def arguments(catalog: Catalog) -> dict[str, str]:
    """Name -> an argument built to cost work; every keyword gets each of them."""
    streets, wards = _gazetteer(catalog)
    stops = [s.name for s in catalog.bus.stops.values()]
    specialties = sorted({s for r in catalog.clinics.records for s in r.specialties})
    marks = "".join(ch + "\u0301\u0323\u0302" * 60 for ch in "pho hoa le duan")
    return {
        "long words x2000 chars": ("pho hoa le duan nguyen van linh " * 70)[:2000],
        "nguyen x160": " ".join(["nguyen"] * 160),
        "one-letter words x2000 chars": " ".join("abcdeghiklmnopqrstuvxy"[i % 22] for i in range(1000)),
        "every street": " ".join(streets),
        "every ward, old names too": " ".join(wards),
        "every stop": " ".join(stops),
        "every specialty": " ".join(specialties + ["benh vien", "phong kham", "cap cuu", "nha thuoc"]),
        "every street, typo in each": _typos(" ".join(streets).split()),
        "street, street (from, to)": " ".join(streets) + ", " + " ".join(reversed(streets)),
        "many separators": ", ".join(stops[:150]),
        "digits 1..500": " ".join(str(n) for n in range(1, 500)),
        "one 5,000-digit word": "1234567890" * 500,
        "one 5,000-letter word": "phohoa" * 833,
        "emoji": "🍜😀🚌🏥 " * 300,
        "emoji between words": "pho 🍜 hoa 😀 le 🚌 duan 🏥 " * 60,
        "combining marks x180 per letter": marks,
        "zero-width inside words": "p\u200bh\u200bo h\u2060o\u00ada l\ufeffe d\u200cu\u200dan " * 100,
        "newlines and tabs": "\n\t".join(["pho hoa"] * 400),
    }


def messages(catalog: Catalog) -> list[tuple[str, str]]:
    return [(f"{kw or '(none)'} {name}", f"{kw} {arg}".strip())
            for kw in KEYWORDS for name, arg in arguments(catalog).items()]


def timed(text: str, catalog: Catalog) -> tuple[float, float]:
    """(CPU seconds of this thread, wall seconds) to answer ``text``."""
    cpu, wall = time.thread_time(), time.perf_counter()
    reply = handle(text, catalog, NOW)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    if reply.status == "error":
        raise SystemExit(f"error reply for {text[:60]!r}: {reply.title}")
    return cpu, wall


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(cpu for cpu, _ in runs), min(wall for _, wall in runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--limit", type=float, default=10.0, help="worst allowed, in normal medians")
    ap.add_argument("--show", type=int, default=15, help="slowest messages listed (0: all)")
    args = ap.parse_args()
    catalog = Catalog(args.data_dir, reload_every=0)
    catalog.warm()
    normal, hostile = normal_queries(catalog), messages(catalog)
    normal_times: list[list[tuple[float, float]]] = [[] for _ in normal]
    hostile_times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in hostile}
    for _ in range(args.rounds):
        for times, text in zip(normal_times, normal, strict=True):
            times.append(timed(text, catalog))
        for name, text in hostile:
            hostile_times[name].append(timed(text, catalog))
    best = [_best(times) for times in normal_times]
    base_cpu = statistics.median(cpu for cpu, _ in best)
    base_wall = statistics.median(wall for _, wall in best)
    print(f"normal queries: {len(normal)} x {args.rounds} runs, median {base_cpu * 1000:.2f} ms CPU "
          f"({base_wall * 1000:.2f} ms wall), slowest {max(cpu for cpu, _ in best) * 1000:.2f} ms CPU")
    rows = sorted(((*_best(t), t[0][1], name) for name, t in hostile_times.items()), reverse=True)
    print(f"adversarial messages: {len(hostile)} x {args.rounds} runs, best run "
          "(CPU ms, x normal; wall ms, x normal; first run's wall ms)")
    for cpu, wall, first, name in rows[:args.show or None]:
        print(f"  {cpu * 1000:7.2f} x{cpu / base_cpu:5.1f}   {wall * 1000:7.2f} x{wall / base_wall:5.1f}   "
              f"({first * 1000:6.2f})  {name}")
    print("worst per keyword:")
    for kw in KEYWORDS:
        cpu, wall, _, name = max(row for row in rows if row[3].split(" ", 1)[0] == (kw or "(none)"))
        print(f"  {kw or '(none)':7s} {cpu * 1000:6.2f} ms CPU x{cpu / base_cpu:4.1f}  "
              f"{wall * 1000:6.2f} ms wall x{wall / base_wall:4.1f}  {name.split(' ', 1)[1]}")
    worst = rows[0]
    ok = worst[0] <= args.limit * base_cpu
    print(f"worst: {worst[3]}: {worst[0] * 1000:.2f} ms CPU = x{worst[0] / base_cpu:.1f} the normal median "
          f"(limit x{args.limit:g}): {'OK' if ok else 'TOO SLOW'}; worst wall time "
          f"x{max(wall for _, wall, _, _ in rows) / base_wall:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
