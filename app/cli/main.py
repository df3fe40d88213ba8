"""The ``tongdai`` command: ask questions in the terminal, inspect and synthesise data, run the service.

Each command imports what it needs when it runs (the command groups' modules import only ``argparse`` and the
settings at the top), so ``tongdai --help`` or ``tongdai data list`` does not load Flask, SQLAlchemy or the
answer path."""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app.cli import data as cli_data
from app.cli import operators as cli_operators
from app.cli import ops as cli_ops
from app.cli import reports as cli_reports
from app.cli import send as cli_send
from app.cli import stats as cli_stats
from app.config import ConfigError, Settings
from lookups.datasets.base import DataError

if TYPE_CHECKING:
    from handlers.reply import Reply
    from lookups.store import Catalog

log = logging.getLogger(__name__)
CHANNELS = ("sms", "zalo", "json")


class Parser(argparse.ArgumentParser):
    """A mistake on the command line is one line on stderr (not the usage block), saying where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_jsonable)


def batch_line(text: str, reply: Reply, channel: str) -> str:
    from handlers.render import render

    return _dump({
        "input": text,
        "intent": reply.intent,
        "status": reply.status,
        "matches": [{"dataset": m.dataset, "id": m.id, "name": m.name, "score": m.score} for m in reply.matches],
        "reply": render(reply, channel),
    })


def answering(catalog: Catalog) -> Catalog:
    """``catalog``, loaded: a data directory that cannot be read, or holds no dataset, is the operator's mistake,
    said once here rather than as a "sorry" or a bare menu to every message."""
    if not catalog.declarations:
        raise DataError(f"{catalog.data_dir} holds no dataset (no <dataset>/datapackage.json): "
                        "is it the data directory?")
    catalog.warm()
    return catalog


def cmd_ask(args: argparse.Namespace, catalog: Catalog) -> int:
    from handlers.dispatch import handle
    from handlers.render import render

    answering(catalog)
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

    if Path(args.out).resolve() == catalog.data_dir.resolve():
        raise DataError(f"--out {args.out} is the data directory the other datasets are copied from "
                        "(--data-dir or TONGDAI_DATA_DIR): give another folder")
    out = synth_data_dir(args.count, Path(args.out), catalog.data_dir, names=args.names)
    print(f"wrote {args.count} food_safety records and copied the other datasets to {out}")
    return 0


def cmd_serve(args: argparse.Namespace, catalog: Catalog) -> int:
    from app import create_app

    with socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET) as probe:
        # The development server would print two lines and exit; a port in use is said once, before the data loads.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((args.host, args.port))
        except OSError as exc:
            raise OSError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    app = create_app({"CATALOG": answering(catalog)})
    app.run(host=args.host, port=args.port)
    return 0


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time with its offset, e.g. 2026-11-04T07:00+07:00")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of at least 1, not {text!r}")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top: argparse.ArgumentParser = Parser(prog="tongdai",
                                          description="Lookup hotline over a city's declared datasets")
    top.add_argument("--data-dir", type=Path, help="data directory (default: $TONGDAI_DATA_DIR or the sample pack)")
    top.add_argument("-v", "--verbose", action="store_true")
    sub = top.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a message as a channel would")
    ask.add_argument("text", nargs="*", help='the message, e.g. "attp quan com hue"')
    ask.add_argument("--channel", choices=CHANNELS, default="sms")
    ask.add_argument("--batch", action="store_true", help="one message per stdin line, one JSON object per line out")
    ask.add_argument("--at", type=_aware, help="answer as if at this time (ISO 8601 with offset), e.g. for MT")
    data = sub.add_parser("data", help="datasets: list, export, synth, import, validate, history, rollback, pull, "
                                         "manifest")
    acts = data.add_subparsers(dest="action", required=True)
    acts.add_parser("list", help="datasets, record counts, as-of dates, current versions")
    cli_data.add_parsers(acts)
    export = acts.add_parser("export", help="every record as JSON lines (or a JSON array), ready to import back")
    export.add_argument("dataset", help="a dataset of the data directory (tongdai data list)")
    export.add_argument("--format", choices=("jsonl", "json"), default="jsonl",
                        help="jsonl: one object per line (default); json: one array")
    synth = acts.add_parser("synth", help="a data directory with N synthetic food-safety records")
    synth.add_argument("dataset", choices=("food_safety",))
    synth.add_argument("--count", type=_positive, required=True)
    synth.add_argument("--out", required=True)
    synth.add_argument("--names", choices=("realistic", "pool"), default="realistic",
                       help="realistic: about as many names as places, chains with branches (default); "
                            "pool: the first generator's small pool of names")
    serve = sub.add_parser("serve", help="run the web service (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    cli_ops.add_commands(sub)
    cli_stats.add_commands(sub)
    cli_reports.add_commands(sub)
    cli_send.add_commands(sub)
    cli_operators.add_commands(sub)  # the console's accounts
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return run(args)
    except BrokenPipeError:  # `tongdai data export ... | head`
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # the user's files and folders
        return _fail(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc))
    except DataError as exc:  # the user's data
        return _fail(f"data error: {exc}")
    except (ConfigError, UnicodeError) as exc:  # the user's settings, a file in another encoding
        return _fail(str(exc))
    except Exception as exc:  # a bug, not a mistake: still one line, and the traceback with -v
        log.info("tongdai %s failed", args.command, exc_info=True)
        return _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with -v for the details)", 70)


def _fail(message: str, code: int = 2) -> int:
    print(f"tongdai: {' '.join(message.split())}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from lookups.store import Catalog

    settings = Settings.from_env(None, TONGDAI_DATA_DIR=str(args.data_dir)) if args.data_dir else Settings.from_env()
    args.settings = settings  # --data-dir wins over TONGDAI_DATA_DIR
    settings.check_data()
    catalog = Catalog(settings.data_dir, reload_every=settings.TONGDAI_RELOAD_SECONDS, state_dir=settings.state_dir)
    if args.command in cli_ops.COMMANDS:
        return cli_ops.run(args, catalog)
    if args.command in cli_stats.COMMANDS:
        return cli_stats.run(args, catalog)
    if args.command in cli_reports.COMMANDS:
        return cli_reports.run(args, catalog)
    if args.command in cli_send.COMMANDS:
        return cli_send.run(args, catalog)
    if args.command in cli_operators.COMMANDS:
        return cli_operators.run(args, catalog)
    handlers = {"ask": cmd_ask, "data": cmd_data, "serve": cmd_serve}
    return handlers[args.command](args, catalog)


