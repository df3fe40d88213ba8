"""The record store of a built version: one line of compact JSON per record, read by offset from a map.

``<name>.jsonl`` holds the records, each a JSON array in the order its kind's codec writes (``to_row``);
``<name>.offsets.npy`` holds where each line starts, plus the end of the last, as int64. Both are mapped
read-only, so every worker of a machine shares one copy in the page cache, and a record is decoded only when a
handler reads it (``Records[row]``), tens of microseconds each.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np

T = TypeVar("T")
NAME = "records"
CHUNK = 4096  # offsets read per step while iterating, so a full scan never copies the whole offset array
# Up to this many records are decoded once when a version is opened and kept as a tuple: some handlers scan
# every record per message (clinics by specialty or ward, the nearest clinic), which costs ~10 us a record to
# decode. A few thousand records are a few MB per worker; beyond that the store stays mapped.
IN_MEMORY = 5000


def write(rows: Iterable[Sequence[Any]], folder: Path, name: str) -> int:
    """Each row as one line of ``folder/<name>.jsonl``, with its offsets; returns the number of rows."""
    offsets = [0]
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder for every row
    with (folder / f"{name}.jsonl").open("wb") as out:
        for row in rows:
            line = encode(row).encode() + b"\n"
            out.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(folder / f"{name}.offsets.npy", np.asarray(offsets, dtype=np.int64))
    return len(offsets) - 1


def open_records(folder: Path, decode: Callable[[list[Any]], T]) -> Sequence[T]:
    """The record store of a built folder: mapped, or decoded into a tuple when it has at most IN_MEMORY records."""
    found = Records(folder, NAME, decode)
    return tuple(found) if len(found) <= IN_MEMORY else found


class Records(Sequence[T]):
    """A read-only sequence of records decoded on access from a mapped record store."""

    def __init__(self, folder: Path, name: str, decode: Callable[[list[Any]], T]) -> None:
        self._decode = decode
        self._offsets: np.ndarray = np.load(folder / f"{name}.offsets.npy", mmap_mode="r")
        with (folder / f"{name}.jsonl").open("rb") as handle:  # the map outlives the descriptor
            size = handle.seek(0, 2)
            self._blob: mmap.mmap | bytes = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, row: int) -> T: ...

    @overload
    def __getitem__(self, row: slice) -> list[T]: ...

    def __getitem__(self, row: int | slice) -> T | list[T]:
        if isinstance(row, slice):
            return [self[n] for n in range(len(self))[row]]
        size = len(self)
        if row < 0:
            row += size
        if not 0 <= row < size:
            raise IndexError(f"record {row} of {size}")
        start, end = self._offsets[row:row + 2].tolist()
        return self._decode(json.loads(self._blob[start:end]))

    def __iter__(self) -> Iterator[T]:
        blob, decode, loads = self._blob, self._decode, json.loads
        for first in range(0, len(self), CHUNK):
            bounds = self._offsets[first:first + CHUNK + 1].tolist()
            for start, end in zip(bounds[:-1], bounds[1:], strict=True):
                yield decode(loads(blob[start:end]))
