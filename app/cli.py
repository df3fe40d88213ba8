"""The ``tongdai`` command: ask questions in the terminal, inspect and synthesise data, run the service."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app import cli_data, cli_operators, cli_ops, cli_reports, cli_stats
from handlers.dispatch import handle
from handlers.render import render
from handlers.reply import Reply
from lookups.datasets.base import DataError, default_data_dir
from lookups.store import Catalog

CHANNELS = ("sms", "zalo", "json")


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_jsonable)


def batch_line(text: str, reply: Reply, channel: str) -> str:
    return _dump({
        "input": text,
        "intent": reply.intent,
        "status": reply.status,
        "matches": [{"dataset": m.dataset, "id": m.id, "name": m.name, "score": m.score} for m in reply.matches],
        "reply": render(reply, channel),
    })


def cmd_ask(args: argparse.Namespace, catalog: Catalog) -> int:
    if args.batch:
        for line in sys.stdin:
            text = line.rstrip("\r\n")
            print(batch_line(text, handle(text, catalog, args.at), args.channel), flush=False)
        return 0
    reply = handle(" ".join(args.text), catalog, args.at)
    out = render(reply, args.channel)
    print(out if isinstance(out, str) else _dump(out))
    return 0


def cmd_data(args: argparse.Namespace, catalog: Catalog) -> int:
    if args.action in cli_data.ACTIONS:
        return cli_data.run(args, catalog)
    if args.action == "export":
        data = catalog.data(args.dataset)  # an unknown dataset is a DataError naming the known ones
        lines = (_dump(row) for row in catalog.kind(args.dataset).export(data))
        if args.format == "jsonl":
            sys.stdout.writelines(line + "\n" for line in lines)
            return 0
        # A JSON array keeps one record per line too, so a diff or an editor shows records, not one huge line.
        sys.stdout.write("[")
        sys.stdout.writelines(("\n" if n == 0 else ",\n") + line for n, line in enumerate(lines))
        sys.stdout.write("\n]\n")
        return 0
    from lookups.datasets.synth import synth_data_dir

    out = synth_data_dir(args.count, Path(args.out), catalog.data_dir)
    print(f"wrote {args.count} food_safety records and copied the other datasets to {out}")
    return 0


def cmd_serve(args: argparse.Namespace, catalog: Catalog) -> int:
    from app import create_app

    app = create_app({"CATALOG": catalog})
    app.run(host=args.host, port=args.port)
    return 0


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time with its offset, e.g. 2026-11-04T07:00+07:00")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tongdai", description="Lookup hotline over a city's declared datasets")
    top.add_argument("--data-dir", type=Path, help="data directory (default: $TONGDAI_DATA_DIR or the sample pack)")
    top.add_argument("-v", "--verbose", action="store_true")
    sub = top.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a message as a channel would")
    ask.add_argument("text", nargs="*", help='the message, e.g. "attp quan com hue"')
    ask.add_argument("--channel", choices=CHANNELS, default="sms")
    ask.add_argument("--batch", action="store_true", help="one message per stdin line, one JSON object per line out")
    ask.add_argument("--at", type=_aware, help="answer as if at this time (ISO 8601 with offset), e.g. for MT")
    data = sub.add_parser("data", help="datasets: list, export, synth, import, validate, history, rollback")
    acts = data.add_subparsers(dest="action", required=True)
    acts.add_parser("list", help="datasets, record counts, as-of dates, current versions")
    cli_data.add_parsers(acts)
    export = acts.add_parser("export", help="every record as JSON lines (or a JSON array), ready to import back")
    export.add_argument("dataset", help="a dataset of the data directory (tongdai data list)")
    export.add_argument("--format", choices=("jsonl", "json"), default="jsonl",
                        help="jsonl: one object per line (default); json: one array")
    synth = acts.add_parser("synth", help="a data directory with N synthetic food-safety records")
    synth.add_argument("dataset", choices=("food_safety",))
    synth.add_argument("--count", type=int, required=True)
    synth.add_argument("--out", required=True)
    serve = sub.add_parser("serve", help="run the web service (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    cli_ops.add_commands(sub)
    cli_stats.add_commands(sub)
    cli_reports.add_commands(sub)
    cli_operators.add_commands(sub)  # the console's accounts
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    catalog = Catalog(args.data_dir or default_data_dir())
    if args.command in cli_ops.COMMANDS:
        return cli_ops.run(args, catalog)
    if args.command in cli_stats.COMMANDS:
        return cli_stats.run(args, catalog)
    if args.command in cli_reports.COMMANDS:
        return cli_reports.run(args, catalog)
    if args.command in cli_operators.COMMANDS:
        return cli_operators.run(args, catalog)
    handlers = {"ask": cmd_ask, "data": cmd_data, "serve": cmd_serve}
    try:
        return handlers[args.command](args, catalog)
    except DataError as exc:
        print(f"tongdai: data error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
