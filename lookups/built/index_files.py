"""A search index written into a built folder and opened from it: ``lookups.index.Index.write`` builds its parts
into files (``lookups.index_files``: .npy arrays, string tables, hash-keyed look-ups, ``index.json``) and
``Index.open`` maps them read-only. The built folder reaches both calls only through this module."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lookups.datasets.base import Entry
from lookups.index import Index

FILE = "index.json"  # the file that says a folder holds a complete index (written last)


def write(entries: Sequence[Entry], folder: Path) -> None:
    """The index of ``entries`` into the existing empty ``folder``."""
    Index.write(entries, folder)


def open_index(folder: Path) -> Index:
    """The index written into ``folder``, mapped read-only (IndexFilesError when it holds none of this format)."""
    return Index.open(folder)
