"""``tongdai data list|import|validate|history|rollback|prune``: bring files in as versions, move between them,
and remove the old ones (``pull`` and ``manifest``, which bring versions from another machine, are in
``app.cli.pull``)."""

from __future__ import annotations

import argparse
import codecs
import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import declare as cli_declare
from app.cli import pull as cli_pull
from lookups.datasets.base import DataError

if TYPE_CHECKING:
    from lookups.importing import pipeline
    from lookups.store import Catalog

log = logging.getLogger(__name__)
ACTIONS = ("list", "import", "validate", "history", "rollback", "prune", *cli_declare.ACTIONS, *cli_pull.ACTIONS)


def _encoding(name: str) -> str:
    try:
        codecs.lookup(name)
        return name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r} (utf-8, utf-8-sig, utf-16, cp1258...)") from None


def _checks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", help="a dataset of the data directory (tongdai data list)")
    parser.add_argument("path", type=Path, help="CSV, XLSX, JSON or JSON lines file; GTFS zip or folder for bus")
    parser.add_argument("--mapping", type=Path, help="column mapping (TOML), read on top of the shipped one")
    parser.add_argument("--as-of", type=date.fromisoformat, help="date the data is valid for (default: today)")
    parser.add_argument("--source", help="where the data comes from (replaces the sample label)")
    parser.add_argument("--encoding", type=_encoding,
                        help="CSV encoding when detection is wrong: utf-8, utf-16, cp1258...")
    parser.add_argument("--sheet", help="XLSX sheet (default: the first)")
    parser.add_argument("--max-loss", type=float, default=None,
                        help="refuse a version with this share fewer records than now "
                             "(default $TONGDAI_IMPORT_MAX_LOSS or 0.2)")
    parser.add_argument("--allow-partial", action="store_true", help="import the good rows, leave out the rest")


def add_parsers(acts: Any) -> None:
    """The subcommands this module serves, on ``tongdai data``'s sub-parsers (``list`` is made by cli.py)."""
    cli_declare.add_parsers(acts)
    _checks(acts.add_parser("import", help="check a file and make it the current version"))
    acts.choices["import"].add_argument("--force", action="store_true",
                                        help="import even if the new version loses many records")
    _checks(acts.add_parser("validate", help="the import's checks, switching nothing"))
    history = acts.add_parser("history", help="versions of a dataset and the switches between them")
    history.add_argument("dataset", help="a dataset of the data directory")
    rollback = acts.add_parser("rollback", help="make an earlier version current again")
    rollback.add_argument("dataset", help="a dataset of the data directory")
    rollback.add_argument("--to", help="version id (or prefix, or 'base'); default: the one before the current")
    prune = acts.add_parser("prune", help="remove old versions and built files this code no longer reads")
    prune.add_argument("datasets", nargs="*", metavar="DATASET", help="datasets to prune (default: all)")
    prune.add_argument("--keep", type=int, default=3, metavar="N",
                       help="imports to keep besides the current one and the one before it (default: 3)")
    prune.add_argument("--dry-run", action="store_true", help="say what would be removed, remove nothing")
    cli_pull.add_parsers(acts)


def _request(args: argparse.Namespace) -> pipeline.Request:
    from lookups.importing import pipeline

    return pipeline.Request(
        args.dataset, args.path, mapping=args.mapping, as_of=args.as_of, source=args.source,
        allow_partial=args.allow_partial, force=getattr(args, "force", False),
        max_loss=args.settings.TONGDAI_IMPORT_MAX_LOSS if args.max_loss is None else args.max_loss,
        encoding=args.encoding, sheet=args.sheet)


def _writable(args: argparse.Namespace) -> None:
    # The bundled sample pack is the repository's data/: an import never lands there by accident.
    if not args.settings.TONGDAI_DATA_DIR:
        raise DataError("say which data directory to change: --data-dir DIR or TONGDAI_DATA_DIR "
                        "(the bundled sample pack is changed only when named explicitly)")


def cmd_list(catalog: Catalog) -> int:
    from lookups.importing import versions

    print(f"{'dataset':<16} {'records':>9}  {'as of':<10}  {'version':<12}  {'current':<12}  title")
    for meta, count in catalog.metas():
        current = catalog.versions().get(meta.id, versions.BASE)
        print(f"{meta.id:<16} {count:>9}  {meta.as_of.isoformat():<10}  {meta.version:<12}  {current:<12}  "
              f"{meta.title}")
    return 0


def cmd_history(data_dir: Path, dataset: str) -> int:
    from lookups.importing import versions

    current = versions.read_pointer(data_dir, dataset)
    print(f"{dataset} versions, oldest first (* = current)")
    print(f"  {'version':<12}  {'as of':<10}  {'records':>9}  {'imported':<20}  source")
    for v in versions.list_versions(data_dir, dataset):
        mark = "*" if v["version"] == current else " "
        print(f"{mark} {v['version']:<12}  {v.get('as_of', ''):<10}  {v.get('records', 0):>9}  "
              f"{v.get('imported_at') or '-':<20}  {v.get('source', '')}")
    switches = versions.history(data_dir, dataset)
    if switches:
        print("switches")
        for s in switches:
            print(f"  {s['at']}  {s['action']:<8}  {s['from']} -> {s['to']}  {s.get('source', '')}".rstrip())
    return 0


def cmd_prune(catalog: Catalog, args: argparse.Namespace) -> int:
    from lookups.importing import prune

    if args.keep < 0:
        raise DataError("--keep is a number of versions: 0 or more")
    for dataset in args.datasets or [d.id for d in catalog.declarations]:
        catalog.declaration(dataset)  # an unknown dataset is a DataError naming the known ones
        pruned = prune.prune(catalog.data_dir, dataset, catalog.places, args.keep, args.dry_run)
        print("\n".join(pruned.lines(args.dry_run)))
    return 0


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    data_dir = catalog.data_dir
    if args.action == "list":
        return cmd_list(catalog)
    if args.action == "new":
        _writable(args)
        return cli_declare.cmd_new(catalog, args)
    if args.action == "check":
        return cli_declare.cmd_check(catalog, args.dataset)
    if args.action == "prune":  # the bundled pack has no versions: only its builds in the state directory go
        return cmd_prune(catalog, args)
    if args.action in cli_pull.ACTIONS:
        _writable(args)
        return cli_pull.run(args, catalog)
    from lookups.importing import pipeline

    catalog.declaration(args.dataset)  # an unknown dataset is a DataError naming the known ones
    if args.action == "history":
        return cmd_history(data_dir, args.dataset)
    if args.action == "validate":
        outcome = pipeline.validate(data_dir, _request(args))
    elif args.action == "import":
        _writable(args)
        outcome = pipeline.run_import(data_dir, _request(args), catalog.places)
    else:
        _writable(args)
        outcome = pipeline.rollback(data_dir, args.dataset, args.to, catalog.places)
    print("\n".join(outcome.lines))
    return 0 if outcome.ok else 1
