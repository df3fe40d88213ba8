"""The files of a built index: numpy arrays, string tables and hash-keyed look-ups, all read by offset.

A folder holds one ``.npy`` file per part and ``index.json`` (the format, the counts). Opened, each part is
memory-mapped read-only, so every process serving the same version shares the same pages, and opening costs
a few file maps whatever the size. A string table is a blob of UTF-8 bytes and an offsets array (item i is
``blob[offsets[i]:offsets[i + 1]]``), decoded when read. A look-up by string (word -> word id, record id ->
row) is the sorted 64-bit BLAKE2b digests of the keys with the row each came from, searched with
``np.searchsorted``; the caller checks the string at that row, so a digest collision cannot mislead it.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lookups.text import abbreviations

# Bump when what is written changes (a part added, renamed or computed differently): folders of another
# format are refused by ``load`` with IndexFilesError, which tells the caller to build them again.
FORMAT = 3  # 2: phrase_words and phrase_words_start added, row_penalty in place of set_length; 3: layout
META = "index.json"
Parts = dict[str, np.ndarray]


class IndexFilesError(Exception):
    """A folder is not an index this code can open: missing, incomplete, foreign, or of another format."""


def digests(keys: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes of ``keys`` (the same in every process and on every machine, unlike ``hash``)."""
    blake = hashlib.blake2b
    joined = b"".join([blake(k.encode("utf-8", "surrogatepass"), digest_size=8).digest() for k in keys])
    return np.frombuffer(joined, dtype="<i8")


def string_parts(items: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """A string table's blob (uint8) and offsets (int64, one more than items)."""
    # The items joined by NUL and encoded at once, the NUL bytes then found and dropped by numpy: a million names
    # are one encode instead of a million. UTF-8 has a zero byte only for NUL, so the separators are all of them
    # unless an item holds a NUL itself: then each item is encoded on its own.
    joined = "\0".join(items)
    if joined.count("\0") == max(len(items) - 1, 0):
        encoded = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        ends = np.flatnonzero(encoded == 0)
        kept = np.ones(len(encoded), dtype=bool)
        kept[ends] = False
        blob = encoded[kept]
        offsets = np.zeros(len(items) + 1, dtype=np.int64)
        offsets[1:-1] = ends - np.arange(len(ends))
        offsets[-1] = len(blob)
        return blob, offsets
    return _one_by_one(items)


def _one_by_one(items: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode("utf-8", "surrogatepass") for s in items]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def key_parts(hashes: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A look-up's sorted hashes and the row of each (``rows[i]`` is the row of the i-th key hashed)."""
    order = np.argsort(hashes, kind="stable")
    taken = order if rows is None else np.asarray(rows)[order]
    return np.ascontiguousarray(hashes[order]), taken.astype(np.int32)


class Strings:
    """A string table, read by position."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob.data
        self._offsets = offsets.data  # items are Python ints: cheaper to read than numpy scalars
        self._size = len(offsets) - 1

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, item: int) -> str:
        return self._blob[self._offsets[item]:self._offsets[item + 1]].tobytes().decode("utf-8", "surrogatepass")


class Keys:
    """Rows by a string key: ``find`` gives the rows whose key has the same hash (the caller checks them)."""

    def __init__(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        self._hashes = hashes
        self._hash_at = hashes.data  # items are Python ints
        self._rows = rows

    def find(self, keys: Sequence[str]) -> list[list[int]]:
        """For each key, the rows that may hold it, in the order they were given at build."""
        if not keys:
            return []
        wanted = digests(keys)
        at, size, rows, out = self._hash_at, len(self._hash_at), self._rows, []
        # The first hash not below each key's, and the few equal to it after it (a key's hash is nearly always
        # unique): cheaper than a second search of the table for where they end.
        for low, digest in zip(self._hashes.searchsorted(wanted).tolist(), wanted.tolist(), strict=True):
            high = low
            while high < size and at[high] == digest:
                high += 1
            out.append(rows[low:high].tolist() if high > low else [])
        return out


def words_fingerprint() -> str:
    """What the words of an index depend on beside the code: the abbreviations expanded at build."""
    table = json.dumps(sorted(abbreviations().items()), ensure_ascii=False)
    return hashlib.sha256(table.encode()).hexdigest()[:16]


def save(parts: Mapping[str, np.ndarray], meta: Mapping[str, Any], folder: Path) -> None:
    """Write each part as ``<name>.npy`` and then ``index.json``, each flushed to disk before the caller renames
    ``folder`` into place (a folder with ``index.json`` is complete)."""
    for name, array in parts.items():
        with (folder / f"{name}.npy").open("wb") as handle:
            np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
    info = {"format": FORMAT, "abbreviations": words_fingerprint(), "parts": sorted(parts), **meta,
            "layout": {name: _layout(folder / f"{name}.npy", array) for name, array in parts.items()}}
    with (folder / META).open("w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())


def load(folder: Path) -> tuple[Parts, dict[str, Any]]:
    """Map every part of ``folder`` read-only; IndexFilesError names what is wrong with it."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexFilesError(f"{folder}: no {META}: not a built index (or not finished)") from exc
    except (OSError, ValueError) as exc:
        raise IndexFilesError(f"{folder / META}: unreadable: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise IndexFilesError(f"{folder}: index format {found!r}, this code reads format {FORMAT}: build it again")
    if meta.get("abbreviations") != words_fingerprint():
        raise IndexFilesError(f"{folder}: built with another abbreviations table: build it again")
    parts: Parts = {}
    layout = meta.get("layout")
    for name in meta.get("parts", []):
        try:
            dtype, shape, offset = layout[name]  # type: ignore[index]
            parts[name] = _mapped(folder / f"{name}.npy", np.dtype(dtype), tuple(shape), int(offset))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexFilesError(f"{folder}: part {name}: {exc!r}") from exc
    return parts, meta


def _layout(path: Path, array: np.ndarray) -> tuple[str, list[int], int]:
    """A saved part's dtype, shape and where its data starts in the file (after the ``.npy`` header)."""
    return array.dtype.str, list(array.shape), path.stat().st_size - array.nbytes


def _mapped(path: Path, dtype: np.dtype[Any], shape: tuple[int, ...], offset: int) -> np.ndarray:
    """A part mapped read-only as a plain array (it slices faster than ``np.memmap``), its layout read from
    ``index.json``: ``np.load`` parses each header and resolves each path again, which was most of the CPU of
    opening a version, taken from the requests a worker answers meanwhile."""
    with path.open("rb") as handle:
        view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if view[:6] != b"\x93NUMPY" or len(view) != offset + dtype.itemsize * math.prod(shape):
        raise ValueError(f"{path.name} is not the .npy file index.json describes")
    return np.frombuffer(view, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)
