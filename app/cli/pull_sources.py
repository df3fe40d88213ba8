"""Where ``tongdai data pull`` fetches from: another machine's data directory served as static files over HTTP(S)
(any web server, an object store's HTTPS endpoint or a presigned prefix), or a folder (shared storage)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit
from urllib.request import url2pathname

import requests

from lookups.datasets.base import DataError
from lookups.importing.pull import Source

CHUNK = 1 << 16


def open_source(text: str, timeout: float) -> Source:
    """The source ``text`` names: an http(s) URL, a file:// URL or a folder."""
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(text, timeout)
    if scheme == "file":
        return FolderSource(Path(url2pathname(urlsplit(text).path)))
    if scheme and len(scheme) > 1:  # not a Windows drive letter
        raise DataError(f"cannot pull from {text!r}: give an http(s):// URL, a file:// URL or a folder")
    return FolderSource(Path(text))


def _bounded(chunks: Iterable[bytes], limit: int, what: str) -> Iterator[bytes]:
    """``chunks``, stopping with a DataError as soon as there are more than ``limit`` bytes."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise DataError(f"{what} is longer than the {limit} bytes expected; nothing was switched")
        yield chunk


class Files:
    """``read`` and ``fetch`` over ``chunks``, the one thing a kind of source does its own way."""

    where: str

    def chunks(self, rel: str) -> Iterator[bytes] | None:
        raise NotImplementedError

    def read(self, rel: str, limit: int) -> bytes | None:
        chunks = self.chunks(rel)
        return None if chunks is None else b"".join(_bounded(chunks, limit, f"{self.where}/{rel}"))

    def fetch(self, rel: str, dest: Path, limit: int) -> None:
        chunks = self.chunks(rel)
        if chunks is None:
            raise DataError(f"{self.where}/{rel}: not found, though the manifest lists it; nothing was switched")
        with dest.open("wb") as out:
            for chunk in _bounded(chunks, limit, f"{self.where}/{rel}"):
                out.write(chunk)


class HttpSource(Files):
    def __init__(self, base: str, timeout: float) -> None:
        parts = urlsplit(base)
        self._parts = parts._replace(path=parts.path.rstrip("/"))
        self.timeout = timeout
        # Shown and written to the history without user, password or query (a presigned prefix's signature).
        self.where = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], self._parts.path, "", ""))
        self._session = requests.Session()

    def chunks(self, rel: str) -> Iterator[bytes] | None:
        url = urlunsplit(self._parts._replace(path=f"{self._parts.path}/{quote(rel)}"))
        what = f"{self.where}/{rel}"
        try:
            response = self._session.get(url, stream=True, timeout=self.timeout)
        except requests.Timeout:
            raise DataError(f"{what}: no answer within {self.timeout:g} s (TONGDAI_PULL_TIMEOUT)") from None
        except requests.RequestException as exc:
            raise DataError(f"{what}: cannot be reached ({_reason(exc)})") from None
        if response.status_code == 404:
            response.close()
            return None
        if response.status_code >= 400:
            response.close()
            raise DataError(f"{what}: HTTP {response.status_code} {response.reason}")
        return self._stream(response, what)

    def _stream(self, response: requests.Response, what: str) -> Iterator[bytes]:
        try:
            yield from response.iter_content(CHUNK)
        except requests.RequestException as exc:
            raise DataError(f"{what}: the download broke off ({_reason(exc)})") from None
        finally:
            response.close()


def _reason(exc: requests.RequestException) -> str:
    """The useful end of a requests error ("Connection refused", "Name or service not known")."""
    text = str(exc)
    found = re.findall(r"\[Errno -?\d+\] ([^'\")]+)", text) or re.findall(r"Failed to resolve '[^']+'", text)
    return found[-1].strip() if found else type(exc).__name__


class FolderSource(Files):
    """A data directory on shared storage; a symbolic link is not followed (a version is only its own files)."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise DataError(f"cannot pull from {root}: not a folder (give a data directory, or an http(s) URL)")
        self.root = root
        self.where = str(root)

    def chunks(self, rel: str) -> Iterator[bytes] | None:
        path = self.root / rel
        if path.is_symlink():
            raise DataError(f"{path} is a symbolic link; a pull reads only plain files")
        if not path.is_file():
            return None
        return self._stream(path)

    @staticmethod
    def _stream(path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")
