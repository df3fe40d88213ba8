"""``tongdai data pull|manifest``: bring the versions another machine imported here, checked file by file and
by content hash; and give a data directory's older versions the manifests a pull needs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from lookups.datasets.base import DataError

if TYPE_CHECKING:
    from lookups.importing import pull
    from lookups.store import Catalog

ACTIONS = ("pull", "manifest")


def add_parsers(acts: Any) -> None:
    """``pull`` and ``manifest`` on ``tongdai data``'s sub-parsers."""
    fetch = acts.add_parser("pull", help="fetch the current versions of another machine's data directory")
    fetch.add_argument("source", help="http(s) URL of the other machine's data directory served as static files, "
                                      "or a folder / file:// URL (shared storage)")
    fetch.add_argument("datasets", nargs="*", metavar="DATASET",
                       help="datasets to pull (default: every one of ours the source has switched)")
    fetch.add_argument("--version", help="this version id (12 hex digits, or base) instead of the source's current "
                                         "one; needs exactly one DATASET")
    fetch.add_argument("--no-switch", action="store_true", help="fetch and check, but keep the current version")
    write = acts.add_parser("manifest", help="write MANIFEST.json for stored versions that have none (to be pulled)")
    write.add_argument("dataset", nargs="?", help="one dataset (default: all)")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    if args.action == "manifest":
        return cmd_manifest(catalog, [args.dataset] if args.dataset else [d.id for d in catalog.declarations])
    return cmd_pull(args, catalog)


def cmd_manifest(catalog: Catalog, datasets: list[str]) -> int:
    from lookups.importing import manifest

    for dataset in datasets:
        catalog.declaration(dataset)  # an unknown dataset is a DataError naming the known ones
        written = manifest.write_missing(catalog.data_dir, dataset)
        print(f"{dataset}: " + (f"wrote the manifest of {len(written)} versions: {', '.join(written)}" if written
                                else "every stored version has its manifest"))
    return 0


def cmd_pull(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.cli.pull_sources import open_source
    from lookups.importing import pull

    settings = args.settings
    source = open_source(args.source, settings.TONGDAI_PULL_TIMEOUT)
    for dataset in args.datasets:
        catalog.declaration(dataset)
    if args.version is not None and len(args.datasets) != 1:
        raise DataError("--version names one dataset's version: give exactly one DATASET")
    job = pull.Pull(catalog.data_dir, source, lambda folder, dataset: catalog.kind(dataset).load(folder, dataset),
                    settings.TONGDAI_PULL_MAX_MB << 20, switch=not args.no_switch)
    wanted = _wanted(args, catalog, source)
    for dataset, version in wanted.items():
        print(pull.pull(job, dataset, version), flush=True)
    return 0


def _wanted(args: argparse.Namespace, catalog: Catalog, source: pull.Source) -> dict[str, str]:
    """Dataset -> the version to pull: ``--version``, else what the source's pointer names."""
    from lookups.importing import pull, versions

    if args.version is not None:
        return {args.datasets[0]: pull.checked_id(args.version, "--version")}
    named = args.datasets or [d.id for d in catalog.declarations]
    found = {dataset: pull.pointer(source, dataset) for dataset in named}
    missing = [dataset for dataset, version in found.items() if version is None]
    if args.datasets and missing:
        raise DataError(f"{source.where} has no versions/{missing[0]}/{versions.POINTER}: it never imported "
                        f"{missing[0]}, or it is not a tongdai data directory")
    if len(missing) == len(found):
        raise DataError(f"{source.where} has no versions/<dataset>/{versions.POINTER} for any dataset of ours "
                        f"({', '.join(named)}): is it a tongdai data directory that imported some?")
    return {dataset: version for dataset, version in found.items() if version is not None}
