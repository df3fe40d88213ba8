"""Fetch a dataset version another machine holds, check it, store it and switch to it (``tongdai data pull``).

The source is another data directory, reached through a ``Source`` (static files over HTTP, or a folder): its
``versions/<dataset>/CURRENT`` names the version, the version's ``MANIFEST.json`` lists its files. Each file is
fetched into a staging folder beside the versions and checked against the manifest's size and SHA-256; then
the dataset's own loader reads the staged folder, and its content hash must be the version id, so neither a
manifest nor a file can pass off other data under the id. Only then is the folder renamed into place and the
pointer switched, the way an import switches it (a running service reloads it within TONGDAI_RELOAD_SECONDS).
The stored copy is numbered after this machine's own versions (its ``seq``), and its manifest is written anew for
the files as kept here, so this machine can be a source in turn.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lookups.datasets.base import DataError
from lookups.importing import manifest, versions

log = logging.getLogger(__name__)
VERSION_ID = re.compile(r"[0-9a-f]{12}")  # what ``content_hash`` makes; it becomes a folder name here
POINTER_BYTES = 1024
MANIFEST_BYTES = 8 << 20


class Source(Protocol):
    """Another machine's data directory, file by file (paths relative to it, "/"-separated)."""

    where: str  # for messages and the history: no credentials, no signature

    def read(self, rel: str, limit: int) -> bytes | None:
        """The file's bytes, None if it does not exist; a DataError if it is longer than ``limit``."""

    def fetch(self, rel: str, dest: Path, limit: int) -> None:
        """Copy the file to ``dest``; a DataError if it does not exist or is longer than ``limit``."""


@dataclass(frozen=True)
class Pull:
    data_dir: Path
    source: Source
    load: Callable[[Path, str], Any]  # the dataset's loader: (folder, dataset) -> data with ``.meta.version``
    max_bytes: int  # per file
    switch: bool = True


def pointer(source: Source, dataset: str) -> str | None:
    """The version the source serves for ``dataset``; None if it has never switched one."""
    raw = source.read(f"versions/{dataset}/{versions.POINTER}", POINTER_BYTES)
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace").strip() or versions.BASE
    return checked_id(text, f"{source.where}: versions/{dataset}/{versions.POINTER}")


def checked_id(text: str, where: str) -> str:
    if text != versions.BASE and not VERSION_ID.fullmatch(text):
        raise DataError(f"{where}: {text[:40]!r} is not a version id (12 hex digits, or base)")
    return text


def pull(job: Pull, dataset: str, wanted: str) -> str:
    """Bring ``dataset`` version ``wanted`` here (and make it current unless told not to); what happened."""
    with versions.locked(job.data_dir, dataset):
        current = versions.read_pointer(job.data_dir, dataset)
        target = versions.folder_of(job.data_dir, dataset, wanted)
        if wanted == versions.BASE:
            got = "the data directory's own files (base), which every machine has"
        elif target.is_dir():
            if versions.version_id(dataset, target) != wanted:
                raise DataError(f"{target} does not hash to its id {wanted}: this machine's copy is damaged; "
                                "move it away and pull again")
            got = f"version {wanted}, already here"
        else:
            got = f"version {wanted}: {_fetch(job, dataset, wanted, target)}"
        if wanted == current:
            return f"{dataset}: {got}; already current, nothing switched"
        if not job.switch:
            return f"{dataset}: {got}; not switched (--no-switch), {current} stays current"
        versions.switch(job.data_dir, dataset, wanted, "pull", source=job.source.where)
        log.info("pulled %s version %s from %s", dataset, wanted, job.source.where)
        return f"{dataset}: {got}; now current, replacing {current}"


def _fetch(job: Pull, dataset: str, wanted: str, target: Path) -> str:
    """Fetch, check and store the version's files in ``target``; a summary of what was checked."""
    folder = f"versions/{dataset}/{wanted}"
    raw = job.source.read(f"{folder}/{manifest.NAME}", MANIFEST_BYTES)
    if raw is None and job.source.read(f"{folder}/version.json", MANIFEST_BYTES) is None:
        raise DataError(f"{job.source.where} has no {dataset} version {wanted} (no {folder}/version.json)")
    if raw is None:
        raise DataError(f"{job.source.where}: {folder} has no {manifest.NAME} (a version stored before "
                        "manifests: run tongdai data manifest there, then pull again)")
    files = manifest.parse(raw, dataset, wanted)
    staged = versions.staging(job.data_dir, dataset)
    try:
        for entry in files:
            if entry.size > job.max_bytes:
                raise DataError(f"{folder}/{entry.path} is {entry.size} bytes, more than the {job.max_bytes} a "
                                "pulled file may have (TONGDAI_PULL_MAX_MB)")
            dest = staged / entry.path
            if not dest.resolve().is_relative_to(staged.resolve()):  # manifest.parse refused it already
                raise DataError(f"manifest path {entry.path!r} would leave the version folder")
            dest.parent.mkdir(parents=True, exist_ok=True)
            job.source.fetch(f"{folder}/{entry.path}", dest, entry.size)
            if dest.stat().st_size != entry.size or manifest.digest(dest) != entry.sha256:
                raise DataError(f"{job.source.where}: {folder}/{entry.path} does not match its manifest (size or "
                                "SHA-256); nothing was switched")
        _renumber(job, dataset, staged)
        manifest.write(staged, dataset, wanted)  # of the files as kept here, so this machine can be a source in turn
        try:
            loaded = job.load(staged, dataset).meta.version
        except (DataError, OSError, ValueError, KeyError) as exc:
            raise DataError(f"{dataset} version {wanted} from {job.source.where} does not load: {exc}") from None
        if loaded != wanted:
            raise DataError(f"{job.source.where}: the files of {dataset} version {wanted} hash to {loaded}, not "
                            f"{wanted}; nothing was switched")
        versions.place(staged, target)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    return f"fetched {len(files)} files, {sum(e.size for e in files)} bytes, sizes, SHA-256 and content hash checked"


def _renumber(job: Pull, dataset: str, staged: Path) -> None:
    """Give the fetched version this machine's next ``seq``, so its history lists it after what was stored here
    before (rollback's default target, and what a prune keeps, follow that order); the origin's is kept beside."""
    try:
        about = json.loads((staged / "version.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{job.source.where}: version.json of {dataset} does not read ({exc})") from None
    if not isinstance(about, dict):
        raise DataError(f"{job.source.where}: version.json of {dataset} is not an object")
    about.update(seq=versions.next_seq(job.data_dir, dataset), origin_seq=about.get("seq"),
                 pulled_from=job.source.where)
    (staged / "version.json").write_text(json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8")
