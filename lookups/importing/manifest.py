"""``MANIFEST.json``: every file of a version folder with its size and SHA-256, so another machine can fetch the
version file by file and know it has exactly what the origin has (``tongdai data pull``).

The manifest is written last, right before the pointer moves, by walking the folder, so it covers whatever an
import put there (data files, version.json, reports, built index files in subfolders). Reading one is strict:
a manifest comes from another machine, so a path that could leave the version folder is refused, not cleaned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lookups.datasets.base import DataError
from lookups.importing import versions

NAME = "MANIFEST.json"
MAX_ENTRIES = 10_000  # a version is a handful of files; a manifest listing more is not one of ours
SHA256 = re.compile(r"[0-9a-f]{64}")
SAFE_PART = re.compile(r"[^\x00-\x1f\\:]+")  # no control characters, no Windows separators or drive letters


@dataclass(frozen=True)
class Entry:
    path: str  # relative, with "/" separators, inside the version folder
    size: int
    sha256: str


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def entries(folder: Path) -> list[Entry]:
    """Every regular file under ``folder`` but the manifest itself, sorted; a symbolic link is refused, since a
    version is only ever its own files."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            raise DataError(f"{path}: a version folder holds only files, not symbolic links")
        if path.is_file() and rel != NAME and not path.name.startswith(f".{NAME}"):
            found.append(Entry(rel, path.stat().st_size, digest(path)))
    return found


def write(folder: Path, dataset: str, version: str = "") -> Path:
    """(Re)write ``folder``'s manifest atomically (beside, then renamed), read-only like the rest of a version;
    ``version`` is the folder's name unless given (a staging folder's is not)."""
    doc = {"dataset": dataset, "version": version or folder.name, "written_at": versions.now_text(),
           "files": [asdict(e) for e in entries(folder)]}
    temp = folder / f".{NAME}.{os.getpid()}"
    temp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    temp.chmod(0o444)
    os.replace(temp, folder / NAME)
    return folder / NAME


def write_missing(data_dir: Path, dataset: str) -> list[str]:
    """Write the manifest of every stored version of ``dataset`` that has none; the ids written."""
    written = []
    for about in versions.list_versions(data_dir, dataset):
        folder = versions.folder_of(data_dir, dataset, about["version"])
        if about["version"] != versions.BASE and not (folder / NAME).is_file():
            write(folder, dataset)
            written.append(str(about["version"]))
    return written


def safe_path(text: Any) -> str:
    """``text`` if it names a file inside a version folder; a DataError otherwise (``..``, absolute, odd)."""
    if not isinstance(text, str) or not text:
        raise DataError(f"manifest path {text!r} is not a file name")
    parts = PurePosixPath(text).parts
    if text.startswith("/") or any(p in ("", ".", "..") for p in text.split("/")) \
            or not all(SAFE_PART.fullmatch(p) for p in parts):
        raise DataError(f"manifest path {text!r} would leave the version folder or is not a plain relative path")
    return text


def parse(raw: bytes, dataset: str, version: str) -> list[Entry]:
    """The entries of a fetched manifest of ``dataset`` version ``version``, each checked; a DataError naming the
    first thing wrong."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        files = doc["files"]
        if doc.get("dataset", dataset) != dataset or doc.get("version", version) != version:
            raise DataError(f"the manifest is for {doc.get('dataset')} version {doc.get('version')}, "
                            f"not {dataset} version {version}")
        found = [_entry(item) for item in files]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"the manifest of {dataset} version {version} is not a manifest: {exc}") from None
    if len(found) > MAX_ENTRIES:
        raise DataError(f"the manifest lists {len(found)} files, more than {MAX_ENTRIES}")
    paths = {e.path for e in found}
    if len(paths) != len(found):
        raise DataError("the manifest lists a file twice")
    for e in found:
        if any(str(parent) in paths for parent in PurePosixPath(e.path).parents):
            raise DataError(f"the manifest lists {e.path} inside a path it also lists as a file")
    return found


def _entry(item: Any) -> Entry:
    if item.get("type", "file") != "file":
        raise DataError(f"manifest entry {item.get('path')!r} is a {item.get('type')}, not a file (links and "
                        "folders are not fetched)")
    path, size, sha = safe_path(item["path"]), item["size"], item["sha256"]
    if path == NAME:
        raise DataError(f"the manifest lists itself ({NAME})")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise DataError(f"manifest entry {path}: size {size!r} is not a number of bytes")
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise DataError(f"manifest entry {path}: sha256 {sha!r} is not a SHA-256 in hex")
    return Entry(path, size, sha)
