"""Where a dataset version's built folder is, and the key that says which build it is.

Beside the version when its folder can be written (``versions/<dataset>/<id>/built/<key>/``; for ``base``,
``<data dir>/<dataset>/built/<content hash>-<key>/``), so every machine that has the version has its files;
else, as for the bundled pack, under the state directory: ``<state dir>/built/<dataset>/<content hash>-<key>/``.

The key is the build FORMAT plus a hash of everything else a build reads: the old ward names
(``gazetteer/wards.csv``) and the code that turns records into files (``BUILD_CODE``). A change to any of them
makes a new folder, never a stale read of an old one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cached_property
from pathlib import Path

from lookups.aliases import TABLE as OLD_NAMES
from lookups.datasets.base import bundled_data_dir
from lookups.importing import versions

FORMAT = 1  # raise when the layout of a built folder changes in a way the hashed code does not show
LOOKUPS = Path(__file__).resolve().parents[1]
BUILD_CODE = ("aliases.py", "text.py", "abbreviations.tsv", "vocab.py", "index.py", "index_build.py", "index_pass.py",
              "index_files.py", "datasets/kinds.py", "datasets/food_safety.py", "datasets/clinics.py",
              "datasets/table.py", "built/build.py", "built/records.py", "built/index_files.py")
FOLDER = "built"
MEMO = ".base-"  # the base version's content hash, by its files' sizes, times and inodes


def default_state_dir() -> Path:
    """For a catalog made without one (scripts, tests): a per-user folder in the temporary directory."""
    return Path(tempfile.gettempdir()) / f"tongdai-state-{os.getuid()}"


class Places:
    """The built folders of one data directory's versions."""

    def __init__(self, data_dir: Path, state_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.state_dir = state_dir or default_state_dir()

    @cached_property
    def key(self) -> str:
        digest = hashlib.sha256()
        for path in [self.data_dir / OLD_NAMES, *(LOOKUPS / name for name in BUILD_CODE)]:
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"-")
        return f"f{FORMAT}-{digest.hexdigest()[:12]}"

    def folder(self, dataset: str, version: str) -> Path:
        """Where the built files of ``dataset`` in ``version`` are (or are to be)."""
        source = versions.folder_of(self.data_dir, dataset, version)
        if self._beside(source):
            return source / FOLDER / (self.key if version != versions.BASE else f"{self._hash(dataset)}-{self.key}")
        content = version if version != versions.BASE else self._hash(dataset)
        return self.state_dir / FOLDER / dataset / f"{content}-{self.key}"

    def _beside(self, source: Path) -> bool:
        if self.data_dir.resolve() == bundled_data_dir():
            return False  # an installed package (or the checkout's sample pack): never written at run time
        return os.access(source, os.W_OK) and (not (source / FOLDER).exists() or os.access(source / FOLDER, os.W_OK))

    def base_memo(self, dataset: str) -> Path:
        """Where the content hash of the base version is kept while its files are as they are now."""
        source = versions.folder_of(self.data_dir, dataset, versions.BASE)
        files = sorted(p for p in [*source.glob("*.*"), *(source / "gtfs").glob("*")] if p.is_file())
        stats = hashlib.sha256(repr([(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino)
                                     for p in files]).encode()).hexdigest()[:24]
        return self.state_dir / FOLDER / dataset / f"{MEMO}{stats}"

    def _hash(self, dataset: str) -> str:
        """The content hash of the base version (an import's id is its hash). Hashing a million records takes
        over a second, so the hash is kept in the state directory under the files' sizes, times and inodes."""
        memo = self.base_memo(dataset)
        try:
            return memo.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        content = versions.version_id(dataset, versions.folder_of(self.data_dir, dataset, versions.BASE))
        memo.parent.mkdir(parents=True, exist_ok=True)
        temp = memo.with_name(f"{memo.name}.{os.getpid()}")
        temp.write_text(content, encoding="utf-8")
        os.replace(temp, memo)
        return content
