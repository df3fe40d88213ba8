"""A search index written into a built folder and opened from it.

Stand-in until ``Index.write`` / ``Index.open`` (file-backed, mapped) land in ``lookups.index``: the index is
pickled whole, so opening it still costs a worker its own copy. Both calls are used only through this module.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from pathlib import Path

from lookups.datasets.base import Entry
from lookups.index import Index

FILE = "index.pickle"


def write(entries: Sequence[Entry], folder: Path) -> None:
    """The index of ``entries`` into the existing empty ``folder``."""
    with (folder / FILE).open("wb") as out:
        pickle.dump(Index(entries), out, protocol=pickle.HIGHEST_PROTOCOL)


def open_index(folder: Path) -> Index:
    """The index written into ``folder`` (only ever a folder this service built)."""
    with (folder / FILE).open("rb") as handle:
        found = pickle.load(handle)
    assert isinstance(found, Index)
    return found
