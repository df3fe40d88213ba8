"""Old versions and built files removed, so the data and state directories do not grow with every import and
every release (``tongdai data prune``).

Kept for each dataset: ``base``, the current version, the one before it (``rollback``'s default target) and the
``keep`` most recently stored imports. Removed: every other import, every built folder of a kept version that
another build key made (older code or older ward names: this code never reads it), the built folders under the
state directory of versions that are gone, staging folders an interrupted import or pull left behind, what
builds left (the temporary folder of a build that did not finish, the lock of a built folder that is gone) and
base hashes kept for files that have since changed.

It runs under the dataset's import lock, so no import, rollback or pull of that dataset runs meanwhile. A
process that still serves a removed version keeps its maps (a removed file stays readable while mapped); one
still running older code that opens a removed build rebuilds it, once, as for a version it sees first.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from lookups.built import build
from lookups.built.place import FOLDER, MEMO, Places
from lookups.importing import versions


@dataclass(frozen=True)
class Pruned:
    dataset: str
    kept: tuple[str, ...]  # version ids, oldest first
    removed: tuple[tuple[Path, int], ...]  # (folder, bytes)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would remove" if dry_run else "removed"
        said = [f"{self.dataset}: {verb} {path} ({_mb(size)})" for path, size in self.removed]
        freed = sum(size for _path, size in self.removed)
        folders = sum(1 for path, _size in self.removed if not path.name.startswith("."))
        hidden = len(self.removed) - folders
        return [*said, f"{self.dataset}: kept {', '.join(self.kept)}; {verb} {folders} folders"
                       + (f" and {hidden} leftovers" if hidden else "") + f", {_mb(freed)}"]


def prune(data_dir: Path, dataset: str, places: Places, keep: int, dry_run: bool = False) -> Pruned:
    """Remove what ``dataset`` no longer needs (nothing with ``dry_run``); what was, or would be, removed."""
    with versions.locked(data_dir, dataset):
        ids = [v["version"] for v in versions.list_versions(data_dir, dataset)]  # once: it counts base's records
        stored, current = ids[1:], versions.read_pointer(data_dir, dataset)
        before = versions.stored_before(ids, current)
        wanted = {versions.BASE, current, *([before] if before else []), *(stored[-keep:] if keep > 0 else [])}
        kept = [v for v in ids if v in wanted]
        gone = {v for v in stored if v not in wanted}
        doomed = [versions.folder_of(data_dir, dataset, v) for v in stored if v in gone]
        doomed += _stale_builds(data_dir, dataset, places, kept, gone)
        top = versions.root(data_dir, dataset)
        doomed += sorted(top.glob(".staging-*")) if top.is_dir() else []  # the lock is ours: none is in use
        removed = [(path, _size(path)) for path in doomed]
        if not dry_run:
            for path in doomed:
                shutil.rmtree(path)
        shared = places.state_dir / FOLDER / dataset
        for parent in [*(versions.folder_of(data_dir, dataset, v) / FOLDER for v in kept), shared]:
            for path in build.leftovers(parent, set(doomed)):
                removed.append((path, _size(path)))
                if not dry_run:
                    _remove(path)
        for memo in _stale_memos(places, dataset, set(doomed)):
            removed.append((memo, _size(memo)))
            if not dry_run:
                memo.unlink()
        return Pruned(dataset, tuple(kept), tuple(removed))


def _stale_builds(data_dir: Path, dataset: str, places: Places, kept: list[str], gone: set[str]) -> list[Path]:
    """Built folders that no kept version reads with this code: beside the kept versions, any other; under the
    state directory, which other data directories may share, only those of another build key or of a version
    removed here."""
    current = {places.folder(dataset, v) for v in kept}
    beside = [versions.folder_of(data_dir, dataset, v) / FOLDER for v in kept]
    found = [path for parent in beside for path in _folders(parent) if path not in current]
    return found + [path for path in _folders(places.state_dir / FOLDER / dataset) if path not in current and (
        not path.name.endswith(f"-{places.key}") or path.name.split("-", 1)[0] in gone)]


def _stale_memos(places: Places, dataset: str, going: set[Path]) -> list[Path]:
    """The base hashes kept under the state directory that name no built folder left there, but the one of the
    base files as they are now (another data directory sharing the state directory has its built folder)."""
    parent, current = places.state_dir / FOLDER / dataset, places.base_memo(dataset)
    if not parent.is_dir():
        return []
    left = {path.name.split("-", 1)[0] for path in _folders(parent) if path not in going}
    return [memo for memo in sorted(parent.glob(f"{MEMO}*")) if memo != current and memo.is_file()
            and memo.read_text(encoding="utf-8").strip() not in left]


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _folders(parent: Path) -> list[Path]:
    """The built folders in ``parent`` (not a build's hidden temporary folder or lock)."""
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")) if parent.is_dir() else []


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
