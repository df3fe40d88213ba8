"""How long a ``tongdai`` command takes to start: ``import app.cli``, ``tongdai --help``, ``tongdai data list`` and
``tongdai ask "ATTP pho hoa"``, each a fresh ``python -m app.cli`` process, wall time and CPU time (user + system of
the child), with the number of modules ``import app.cli`` loads.

    .venv/bin/python benchmarks/cli_startup.py [--rounds 3]
    .venv/bin/python benchmarks/cli_startup.py --code /tmp/before   # before/after in one run

``--code DIR`` runs every command on the code of another checkout (``git archive <rev> | tar -x -C DIR``) and on
this one in turn, round after round, so both see the same machine; the range over the rounds is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"import app.cli": ["-c", "import app.cli"], "tongdai --help": ["-m", "app.cli", "--help"],
            "tongdai data list": ["-m", "app.cli", "data", "list"],
            'tongdai ask "ATTP pho hoa"': ["-m", "app.cli", "ask", "ATTP pho hoa"]}


def timed(code: Path, argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python <argv>`` run in ``code`` (first on ``sys.path``, as the current
    directory is for ``-c`` and ``-m``)."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, *argv], cwd=code, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(code)})
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def modules(code: Path) -> int:
    found = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app.cli"], cwd=code, check=True,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    return found.stderr.count("import time:") - 1  # less the header line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, help="another checkout, measured in turn with this one")
    args = parser.parse_args()
    codes = {"before": args.code.resolve(), "this": ROOT} if args.code else {"this": ROOT}
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for label, code in codes.items():
            for name, argv in COMMANDS.items():
                runs.setdefault((label, name), []).append(timed(code, argv))
    print(f"| command | {' | '.join(f'{label}: wall, CPU' for label in codes)} |")
    print(f"|---|{'---|' * len(codes)}")
    for name in COMMANDS:
        cells = []
        for label in codes:
            walls, cpus = zip(*runs[label, name], strict=True)
            cells.append(f"{min(walls):.2f}-{max(walls):.2f} s, {min(cpus):.2f}-{max(cpus):.2f} s")
        print(f"| `{name}` | {' | '.join(cells)} |")
    print("modules loaded by import app.cli: " + ", ".join(f"{label} {modules(code)}" for label, code in codes.items()))


if __name__ == "__main__":
    main()
