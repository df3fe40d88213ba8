"""``/console/data``: every dataset with its versions (as-of, source, records, when and by whom imported), a file
upload checked with the same pipeline and row report as ``tongdai data validate|import``, and rollback.

Validation changes nothing (operators and admins); import and rollback are for admins, and only on a data
directory of the city's own (``TONGDAI_DATA_DIR``), never the bundled sample pack, as on the command line.
Every running worker picks a new current version up within ``TONGDAI_RELOAD_SECONDS``.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from app.console.i18n import translate
from app.console.web import accounts, audit, blueprint, lang, operator, requires
from app.services import services
from lookups.datasets.base import DataError, bundled_data_dir
from lookups.importing import pipeline, versions

SUFFIXES = frozenset({".csv", ".xlsx", ".json", ".jsonl", ".zip", ".txt"})


def _writable() -> bool:
    """Only a data directory named on purpose is changed, as on the command line: never the bundled pack by
    default."""
    svc = services()
    return bool(svc.settings.TONGDAI_DATA_DIR) or svc.catalog.data_dir.resolve() != bundled_data_dir().resolve()


def _datasets() -> list[dict[str, Any]]:
    catalog = services().catalog
    data_dir, loaded = catalog.data_dir, catalog.versions()
    who = {row.target: row.actor.removeprefix("operator:") for row in accounts().recent(500, "")
           if row.action == "data.import"}
    found = []
    for meta, count in catalog.metas():
        current = versions.read_pointer(data_dir, meta.id)
        listed = [{**v, "by": who.get(f"{meta.id}@{v['version']}", "")}
                  for v in versions.list_versions(data_dir, meta.id)]
        found.append({"id": meta.id, "title": meta.title, "records": count, "as_of": meta.as_of.isoformat(),
                      "current": current, "loaded": loaded.get(meta.id, ""), "versions": listed[::-1],
                      "switches": versions.history(data_dir, meta.id)[-5:][::-1]})
    return found


def _page(outcome: pipeline.Outcome | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("console/data.html", datasets=_datasets(), outcome=outcome, writable=_writable()), status


@blueprint.get("/data")
def data() -> tuple[str, int]:
    return _page()


def _request(dataset: str, path: Path) -> pipeline.Request:
    form = request.form
    try:
        as_of = date.fromisoformat(form["as_of"]) if form.get("as_of") else None
    except ValueError:
        raise DataError("the as-of date must be YYYY-MM-DD") from None
    return pipeline.Request(dataset, path, as_of=as_of, source=form.get("source") or None,
                            allow_partial=form.get("allow_partial") == "on", force=form.get("force") == "on",
                            max_loss=services().settings.TONGDAI_IMPORT_MAX_LOSS)  # as on the command line


@blueprint.post("/data/upload")
@requires("operator")
def upload() -> tuple[str, int]:
    catalog, form = services().catalog, request.form
    importing = form.get("action") == "import"
    if importing and not operator().may("admin"):
        return _page(pipeline.Outcome(False, [translate("Your role may not do this.", lang())]), 403)
    upload_file = request.files.get("file")
    dataset = form.get("dataset", "")
    name = secure_filename(upload_file.filename or "") if upload_file else ""
    suffix = Path(name).suffix.lower()
    if not upload_file or not name or suffix not in SUFFIXES:
        return _page(pipeline.Outcome(False, [f"choose a file ({', '.join(sorted(SUFFIXES))})"]), 400)
    if importing and not _writable():
        return _page(pipeline.Outcome(False, [translate(
            "Imports and rollbacks need a data directory of your own (TONGDAI_DATA_DIR); the bundled sample pack is "
            "never changed from here.", lang())]), 400)
    with tempfile.TemporaryDirectory(prefix="tongdai-upload-") as temp:
        path = Path(temp) / name
        upload_file.save(path)
        try:
            catalog.declaration(dataset)
            req = _request(dataset, path)
            outcome = (pipeline.run_import(catalog.data_dir, req, catalog.places) if importing
                       else pipeline.validate(catalog.data_dir, req))
        except DataError as exc:
            return _page(pipeline.Outcome(False, [str(exc)]), 400)
    if importing and outcome.ok and outcome.version:
        audit("data.import", f"{dataset}@{outcome.version}", f"file {name}")
    return _page(outcome, 200 if outcome.ok else 422)


@blueprint.post("/data/rollback")
@requires("admin")
def rollback() -> Response | tuple[str, int]:
    catalog, dataset = services().catalog, request.form.get("dataset", "")
    if not _writable():
        return _page(pipeline.Outcome(False, [translate(
            "Imports and rollbacks need a data directory of your own (TONGDAI_DATA_DIR); the bundled sample pack is "
            "never changed from here.", lang())]), 400)
    try:
        catalog.declaration(dataset)
        outcome = pipeline.rollback(catalog.data_dir, dataset, request.form.get("to") or None, catalog.places)
    except DataError as exc:
        return _page(pipeline.Outcome(False, [str(exc)]), 400)
    if outcome.ok:
        audit("data.rollback", f"{dataset}@{outcome.version}", "; ".join(outcome.lines))
    flash("; ".join(outcome.lines))
    return redirect(url_for("console.data"))
