"""Building a data version's files once, and opening them, against the code before files (``--code DIR``), where
every worker loaded the records and built the index itself at its start.

For each code, a fresh process on a ``tongdai data synth`` directory of food-safety records (cached as
``lookup_speed.py`` caches them):

- with built files (this checkout): ``lookups.built.build.ensure`` into an empty state directory (what
  ``tongdai data import`` or the first process to see a version pays, once), then a second process opens the
  catalog from those files and answers one lookup (what each worker and each switch pays);
- before (``--code``): the catalog loads the records and builds the index in the process, then answers one lookup
  (what each worker and each switch paid).

    .venv/bin/python benchmarks/build_speed.py [--size 100000] [--code /tmp/before]

Times are wall clock and the process's CPU time: on a shared machine the CPU time says more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STEP = r"""
import json, sys, time
from pathlib import Path
data, state, step = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
wall, cpu = time.perf_counter(), time.process_time()
if step == "build":
    from lookups.built import build
    from lookups.built.place import Places
    from lookups.datasets.kinds import kind
    places = Places(data, state)
    places._beside = lambda source: False  # into the state directory: the cached data directory stays as it is
    build.ensure(places, "food_safety", "base", kind("food_safety"))
else:
    from lookups.store import Catalog
    try:
        catalog = Catalog(data, reload_every=0, state_dir=state)
        catalog.places._beside = lambda source: False  # where the build step put them
    except TypeError:  # the code before built files
        catalog = Catalog(data, reload_every=0)
    catalog.index("food_safety").lookup("pho hoa le duan")
print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))
"""


def run(code: Path, data: Path, state: Path, step: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", STEP, str(data), str(state), step], env=env, cwd=code, check=True,
                          capture_output=True, text=True)
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--names", choices=("realistic", "pool"), default="realistic")
    parser.add_argument("--code", type=Path, help="a checkout of the code before built files (the baseline)")
    args = parser.parse_args()
    from benchmarks.lookup_speed import synthetic

    data = synthetic(args.size, args.names)
    with tempfile.TemporaryDirectory() as state:
        if args.code:
            before = run(args.code.resolve(), data, Path(state), "open")
            print(f"before: load and build in each process, first answer after {before['wall_s']:.1f} s "
                  f"({before['cpu_s']:.1f} s CPU)", flush=True)
        built = run(ROOT, data, Path(state), "build")
        print(f"this checkout: build the files once, {built['wall_s']:.1f} s ({built['cpu_s']:.1f} s CPU)", flush=True)
        opened = run(ROOT, data, Path(state), "open")
        print(f"this checkout: open the files, first answer after {opened['wall_s']:.2f} s "
              f"({opened['cpu_s']:.2f} s CPU)", flush=True)
        print(json.dumps({"size": args.size, "before": before if args.code else None, "build": built,
                          "open": opened}))


if __name__ == "__main__":
    main()
