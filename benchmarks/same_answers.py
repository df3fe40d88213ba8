"""Do two versions of the code give residents the same answers? Replies to the same messages, compared.

Messages over every declared dataset, built from the data: noisy names (one and two noises, as
``match_quality.py`` makes them), exact names, names with their street, and the first word or two of names
(what makes the numbered lists). Each goes through ``handlers.dispatch.handle`` (the path of ``tongdai ask``)
and is rendered as JSON; the options' selecting commands are left out of the comparison with ``--ignore-commands``
(a change that only words them differently). With ``--service``, each goes through the whole service instead
(``POST /api/v1/query`` in-process, result cache off), once per channel, and what is compared is the response
body as sent, byte for byte. ``--data-dir`` reads another data directory (a ``tongdai data synth`` one). Prints
how many replies differ, and the first few.

    .venv/bin/python benchmarks/same_answers.py --code /tmp/before [--count 150] [--ignore-commands]
        [--service] [--data-dir DIR]

``/tmp/before`` is ``git archive <rev> | tar -x -C /tmp/before``. The other checkout runs in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)


def messages(count: int, data_dir: Path | None) -> list[str]:
    sys.path.insert(0, str(HERE))
    from benchmarks.noise import build_queries
    from benchmarks.targets import targets
    from lookups.store import Catalog

    catalog = Catalog(data_dir)
    out = []
    for name, (records, _) in targets(catalog, None).items():
        keyword = catalog.declaration(name).keyword.upper()
        for noises in (1, 2):
            out += [f"{keyword} {q.text}" for q in build_queries(records, count, noises, seed=11)]  # type: ignore[arg-type]
        step = max(1, len(records) // count)
        for rec in records[::step]:
            out += [f"{keyword} {rec.name}", f"{keyword} {rec.name} {rec.street or rec.ward}".rstrip(),
                    f"{keyword} {' '.join(rec.name.split()[:1])}", f"{keyword} {' '.join(rec.name.split()[:2])}"]
    return list(dict.fromkeys(out))


def answers(texts: list[str], data_dir: Path | None) -> list[dict[str, object]]:
    from handlers.dispatch import handle
    from handlers.render import render_json
    from lookups.store import Catalog

    catalog = Catalog(data_dir)
    return [render_json(handle(text, catalog, NOW)) for text in texts]


def served(texts: list[str], data_dir: Path | None) -> list[dict[str, object]]:
    """Each text through ``POST /api/v1/query`` for each channel: the response bodies as sent."""
    import tempfile

    from app import create_app
    from app.services import Services
    from lookups.store import Catalog

    Services.now = lambda self: NOW  # type: ignore[method-assign]  # MT's departures read the clock
    with tempfile.TemporaryDirectory() as state:
        app = create_app({"TONGDAI_CHANNELS": "api", "TONGDAI_API_KEY": "k", "TONGDAI_CACHE_TTL": 0,
                          "TONGDAI_API_RATE_LIMIT": 0, "TONGDAI_STATE_DIR": state, "CATALOG": Catalog(data_dir)})
        client = app.test_client()
        return [{channel: client.post("/api/v1/query", json={"text": text, "channel": channel},
                                      headers={"X-API-Key": "k"}).get_data(as_text=True)
                 for channel in ("json", "sms", "zalo")} for text in texts]


def _kind(a: dict[str, object], b: dict[str, object]) -> str:
    """What differs: the answer itself, only the selecting commands (and the hint quoting one), or only the
    match scores an operator sees in JSON."""
    keys = {k for k in {*a, *b} if a.get(k) != b.get(k)}
    if keys <= {"matches"}:
        same = [(m["id"], m["name"]) for m in a["matches"]] == [(m["id"], m["name"]) for m in b["matches"]]  # type: ignore
        return "scores" if same else "answer"
    if keys <= {"options", "hint", "matches"}:
        strip = [{k: v for k, v in o.items() if k != "command"} for o in a.get("options", [])]  # type: ignore
        return "commands" if strip == [{k: v for k, v in o.items() if k != "command"}
                                      for o in b.get("options", [])] else "answer"  # type: ignore
    return "answer"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", type=Path, help="the other checkout")
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--ignore-commands", action="store_true")
    ap.add_argument("--show", type=int, default=8, help="changed answers to print")
    ap.add_argument("--service", action="store_true", help="through the API, every channel, bodies as sent")
    ap.add_argument("--data-dir", type=Path, help="a data directory other than the bundled sample pack")
    ap.add_argument("--answer", action="store_true", help=argparse.SUPPRESS)  # the subprocess: texts on stdin
    args = ap.parse_args()
    reply = served if args.service else answers
    data_dir = args.data_dir.resolve() if args.data_dir else None
    if args.answer:
        sys.path.insert(0, str(Path.cwd()))
        print(json.dumps(reply(json.load(sys.stdin), data_dir)))
        return 0
    texts = messages(args.count, data_dir)
    ours = reply(texts, data_dir)
    options = [*(["--service"] if args.service else []), *(["--data-dir", str(data_dir)] if data_dir else [])]
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--answer", *options], cwd=args.code,
                          input=json.dumps(texts), capture_output=True, text=True, check=True)
    theirs = json.loads(proc.stdout)
    differ = []
    kinds: Counter[str] = Counter()
    for text, a, b in zip(texts, ours, theirs, strict=True):
        if args.ignore_commands:
            for reply in (a, b):
                for option in reply.get("options", []):  # type: ignore[union-attr]
                    option.pop("command", None)
                reply.pop("hint", None)
        if a != b:
            differ.append((text, a, b))
            kinds[_kind(a, b)] += 1
    print(f"{len(texts)} messages, {len(differ)} replies differ: {dict(kinds)}")
    for text, a, b in [d for d in differ if _kind(d[1], d[2]) == "answer"][:args.show]:
        keys = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
        print(f"- {text!r}: {', '.join(keys)}\n  this: {a.get('status')} {[a.get(k) for k in keys]}\n"
              f"  that: {b.get('status')} {[b.get(k) for k in keys]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
