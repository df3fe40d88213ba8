"""Import, validate and roll back: read a file, check every row, store an immutable version, switch.

Both commands run the same checks into a staging folder; ``validate`` stages in a temporary folder and
throws it away, ``run_import`` stores it as a version, builds its files (``lookups.built``) and moves the
pointer (all-or-nothing unless ``allow_partial``; a version losing more than ``max_loss`` of the current
records needs ``force``). Building before the pointer moves is what keeps builds out of serving workers:
they see the new pointer and only open the files.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lookups.built.build import ensure
from lookups.built.place import Places
from lookups.clock import VIETNAM
from lookups.datasets import bus
from lookups.datasets.base import DataError
from lookups.datasets.declared import FILE, PLUGINS, Declaration, declarations, parse
from lookups.datasets.kinds import kind
from lookups.importing import manifest, versions
from lookups.importing.gtfs import check_feed
from lookups.importing.mapping import load_mapping
from lookups.importing.readers import read_table
from lookups.importing.records import SCHEMAS
from lookups.importing.report import Report
from lookups.importing.table import check_table
from lookups.importing.table_schema import add_titles, table_schema

log = logging.getLogger(__name__)
SAMPLE_NOTE = re.compile(r"\s*\((?:dữ liệu mẫu|sample data)\)\s*$", re.IGNORECASE)
LAND_HEADER = ("id", "street", "from_point", "to_point", "ward", "land_type", "vt1", "vt2", "vt3", "vt4", "vt5",
               "decision", "effective_date")


@dataclass
class Request:
    dataset: str
    path: Path
    mapping: Path | None = None
    as_of: date | None = None
    source: str | None = None
    allow_partial: bool = False
    force: bool = False
    max_loss: float = 0.2
    encoding: str | None = None
    sheet: str | None = None


@dataclass
class Outcome:
    ok: bool
    lines: list[str] = field(default_factory=list)
    version: str | None = None
    report: Report | None = None


def _today() -> date:
    return datetime.now(VIETNAM).date()


def _stage(data_dir: Path, req: Request, staging: Path) -> tuple[Report, int, dict[str, Any]]:
    """Check the file and write the accepted records in the loader's layout; (report, records kept, the
    mapping's metadata overrides)."""
    report = Report(req.dataset, str(req.path))
    if req.dataset == "bus":
        report.how = "GTFS " + ("folder" if req.path.is_dir() else "zip")
        return report, check_feed(req.path, report, staging), {}
    decl = _table(data_dir, req.dataset)
    schema = SCHEMAS[req.dataset] if decl is None else table_schema(decl)
    mapping = load_mapping(req.dataset, schema.fields, data_dir, req.mapping)
    if decl is not None:
        add_titles(mapping, decl)
    opts = mapping.options
    table = read_table(req.path, mapping.known, encoding=req.encoding or opts.get("encoding"),
                       delimiter=opts.get("delimiter"), sheet=req.sheet or opts.get("sheet"),
                       header_row=opts.get("header_row"))
    report.how = ", ".join(p for p in (table.kind, table.detail) if p)
    name = versions.DATA_FILES[req.dataset][0] if decl is None else decl.resource
    (staging / name).parent.mkdir(parents=True, exist_ok=True)
    with (staging / name).open("w", encoding="utf-8", newline="") as out:
        if decl is not None or req.dataset == "land_price":
            header = LAND_HEADER if decl is None else schema.fields
            writer = csv.DictWriter(out, header, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            kept = check_table(table, schema, mapping, report, writer.writerow)
        else:
            kept = check_table(table, schema, mapping, report, lambda r: out.write(
                json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"))
    return report, kept, mapping.metadata


def _table(data_dir: Path, dataset: str) -> Declaration | None:
    """The declaration of a declared table (None for a plugin dataset, whose checks are in ``records``)."""
    if not (data_dir / dataset / FILE).is_file():
        if dataset in PLUGINS:
            return None  # a data directory from before declarations
        raise DataError(f"no dataset {dataset!r} in {data_dir} (no {dataset}/{FILE})")
    decl = parse(data_dir / dataset)
    return None if decl.plugin else decl


def _declaration(data_dir: Path, req: Request, extra: dict[str, Any]) -> dict[str, Any]:
    """A table's declaration for the new version: the current one's, with the new as-of date and source."""
    current = versions.folder_of(data_dir, req.dataset, versions.read_pointer(data_dir, req.dataset))
    doc: dict[str, Any] = json.loads((current / FILE).read_text(encoding="utf-8"))
    tongdai = doc.setdefault("tongdai", {})
    tongdai.update(as_of=(req.as_of or _today()).isoformat())
    if req.source:
        tongdai.update(source=req.source, sample=False, note="")
        doc["title"] = SAMPLE_NOTE.sub("", str(doc.get("title")))
    tongdai.update(extra)
    return doc


def _metadata(data_dir: Path, req: Request, extra: dict[str, Any]) -> dict[str, Any]:
    """The current version's metadata with the new as-of date; a named source is real data, not sample."""
    current = versions.folder_of(data_dir, req.dataset, versions.read_pointer(data_dir, req.dataset))
    meta: dict[str, Any] = json.loads((current / "metadata.json").read_text(encoding="utf-8"))
    meta.update(id=req.dataset, as_of=(req.as_of or _today()).isoformat())
    if req.source:
        meta.update(source=req.source, sample=False, note="", title=SAMPLE_NOTE.sub("", str(meta.get("title"))))
    meta.update(extra)
    return meta


def _check(data_dir: Path, req: Request, staging: Path) -> tuple[Report, int, list[str], bool]:
    """Everything but storing: (report, records kept, outcome lines so far, acceptable)."""
    report, kept, overrides = _stage(data_dir, req, staging)
    lines: list[str] = []
    if _table(data_dir, req.dataset) is not None:
        doc = _declaration(data_dir, req, overrides)
        meta = doc["tongdai"]
        (staging / FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        meta = _metadata(data_dir, req, overrides)
        (staging / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
    if report.rejected and not req.allow_partial:
        return report, kept, [f"refused: {report.rejected} of {report.rows_read} rows rejected; nothing was "
                              f"switched (--allow-partial imports the {report.accepted} good rows)"], False
    if kept == 0:
        return report, kept, ["refused: no record was accepted; nothing was switched"], False
    if report.rejected:
        lines.append(f"left out {report.rejected} rejected rows (--allow-partial)")
    if req.dataset == "bus":
        try:
            bus.load(staging)
        except DataError as exc:
            return report, kept, [f"refused: the checked feed still does not load: {exc}"], False
    current = versions.folder_of(data_dir, req.dataset, versions.read_pointer(data_dir, req.dataset))
    before = versions.count_records(req.dataset, current)
    if before and kept < before * (1 - req.max_loss):
        loss = f"{kept} records against {before} now ({1 - kept / before:.0%} fewer, more than {req.max_loss:.0%})"
        if not req.force:
            return report, kept, [*lines, f"refused: the new version would have {loss}; check the file, or pass "
                                          "--force to import it anyway"], False
        lines.append(f"forced: the new version has {loss}")
    if meta.get("sample") and not req.source:
        lines.append("note: no --source, so this version keeps the sample-data label and source of the current "
                     "one; name the real source with --source")
    return report, kept, lines, True


def _stored_meta(staging: Path) -> dict[str, Any]:
    if (staging / "metadata.json").is_file():
        meta: dict[str, Any] = json.loads((staging / "metadata.json").read_text(encoding="utf-8"))
        return meta
    tongdai: dict[str, Any] = json.loads((staging / FILE).read_text(encoding="utf-8"))["tongdai"]
    return tongdai


def validate(data_dir: Path, req: Request) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="tongdai-validate-") as temp:
        report, kept, lines, ok = _check(data_dir, req, Path(temp))
    lines = [line.replace("refused:", "invalid:") for line in lines]
    if ok:
        lines.append(f"valid: an import would make a version of {kept} records (nothing was switched)")
    return Outcome(ok, [*report.lines(), *lines], None, report)


def build(data_dir: Path, dataset: str, version: str, places: Places | None = None) -> None:
    """The files of ``version`` (built once; a version that has them is left as it is)."""
    found = next(d for d in declarations(data_dir) if d.id == dataset)
    ensure(places or Places(data_dir), dataset, version, kind(found.plugin))


def run_import(data_dir: Path, req: Request, places: Places | None = None) -> Outcome:
    """``places``: the catalog's (``Catalog.places``), so a version of a data directory that cannot be
    written to is built under the service's state directory."""
    with versions.locked(data_dir, req.dataset):
        staging = versions.staging(data_dir, req.dataset)
        try:
            report, kept, lines, ok = _check(data_dir, req, staging)
            if not ok:
                folder = versions.root(data_dir, req.dataset) / "refused" / datetime.now(UTC).strftime(
                    "%Y%m%dT%H%M%S%fZ")
                path = report.save(folder, lines)
                return Outcome(False, [*report.lines(), *lines, f"report: {path}"], None, report)
            vid = versions.version_id(req.dataset, staging)
            meta = _stored_meta(staging)
            current = versions.read_pointer(data_dir, req.dataset)
            if vid == current:
                lines.append(f"version {vid} has the same content and is already current; nothing changed")
            elif (versions.root(data_dir, req.dataset) / vid).is_dir():
                lines.append(f"version {vid} already exists with the same content; now current, replacing {current}")
            else:
                lines.append(f"imported {req.dataset} version {vid} (as of {meta['as_of']}, {kept} records); "
                             f"now current, replacing {current}")
            path = report.save(staging, lines)
            details = {"as_of": meta["as_of"], "source": meta.get("source", ""), "file": str(req.path),
                       "how": report.how, "imported_at": versions.now_text(), "records": kept,
                       "rows_read": report.rows_read, "rejected": report.rejected}
            vid, new = versions.store(data_dir, req.dataset, staging, details)
            build(data_dir, req.dataset, vid, places)
            manifest.write(versions.folder_of(data_dir, req.dataset, vid), req.dataset)  # last, before the switch
            if vid != current:
                versions.switch(data_dir, req.dataset, vid, "import")
            log.info("import of %s into %s: version %s (new: %s)", req.path, req.dataset, vid, new)
            where = versions.root(data_dir, req.dataset) / vid / path.name
            return Outcome(True, [*report.lines(), *lines, f"report: {where}"], vid, report)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


def rollback(data_dir: Path, dataset: str, to: str | None, places: Places | None = None) -> Outcome:
    with versions.locked(data_dir, dataset):
        current = versions.read_pointer(data_dir, dataset)
        target = versions.resolve(data_dir, dataset, to) if to else versions.previous(data_dir, dataset)
        if target is None:
            return Outcome(False, [f"{dataset}: {current} is the oldest version; there is nothing to roll back to"])
        if target == current:
            return Outcome(True, [f"{dataset}: {target} is already current; nothing changed"], target)
        about = versions.info(data_dir, dataset, target)
        build(data_dir, dataset, target, places)  # a version from before this code's build format has none yet
        versions.switch(data_dir, dataset, target, "rollback")
        return Outcome(True, [f"{dataset}: rolled back from {current} to {target} (as of {about.get('as_of')}, "
                              f"{about.get('records')} records)"], target)
