"""``tongdai data pull``: a version imported on one machine reaches another, over HTTP (the origin's data directory
served as static files on loopback) or from a folder, and answers there; anything that does not match its
manifest or its content hash is refused, one line, with nothing switched."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from lookups.importing import manifest
from lookups.store import Catalog

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "tests" / "fixtures" / "imports" / "food_portal.json"
GTFS = ROOT / "tests" / "fixtures" / "imports" / "bus_feed.zip"
XLSX = ROOT / "tests" / "fixtures" / "imports" / "food_registry.xlsx"  # a version with a subfolder (gtfs/)
NEW = "attp gio bien man thai"  # only in the portal file
Serve = Callable[..., str]  # (folder, token="") -> base URL


def tongdai(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def copy_data(to: Path) -> Path:
    return Path(shutil.copytree(ROOT / "data", to, ignore=shutil.ignore_patterns("tools")))


def current(data_dir: Path, dataset: str = "food_safety") -> str:
    pointer = data_dir / "versions" / dataset / "CURRENT"
    return pointer.read_text().strip() if pointer.exists() else "base"


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where food_safety and bus had an import (its other datasets never switched)."""
    data_dir = copy_data(tmp_path_factory.mktemp("origin") / "data")
    assert main(["--data-dir", str(data_dir), "data", "import", "food_safety", str(PORTAL), "--force",
                 "--as-of", "2026-12-01", "--source", "Cổng dữ liệu mở Đà Nẵng"]) == 0
    assert main(["--data-dir", str(data_dir), "data", "import", "bus", str(GTFS), "--force", "--allow-partial"]) == 0
    return data_dir


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """This machine's data directory: the sample pack, never switched."""
    return copy_data(tmp_path / "here")


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Serve a folder as static files on a loopback port (with a token: only to URLs whose query has it, as an
    object store's presigned prefix); the base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path, token: str = "") -> str:
        class Files(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if token and not self.path.endswith(f"?token={token}"):
                    self.send_error(403)
                    return
                super().do_GET()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Files, directory=str(folder)))
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_version_pulled_over_http_answers_here_and_a_running_catalog_switches(
        origin: Path, here: Path, serve: Serve, capsys: pytest.CaptureFixture[str]) -> None:
    version = current(origin)
    catalog = Catalog(here, reload_every=0.05)
    assert catalog.food_index.lookup("gio bien man thai").status != "found"
    served = serve(origin, token="s3cret")
    code, out, err = tongdai(capsys, here, "data", "pull", served + "/?token=s3cret")  # a presigned prefix
    assert (code, err) == (0, "")
    assert out.splitlines() == [_fetched(origin, "food_safety"), _fetched(origin, "bus")]  # what the origin switched
    assert current(here) == version and current(here, "bus") == current(origin, "bus")
    assert sorted(p.name for p in (here / "versions/bus" / current(origin, "bus") / "gtfs").iterdir()) == sorted(
        p.name for p in (origin / "versions/bus" / current(origin, "bus") / "gtfs").iterdir())
    code, out, _ = tongdai(capsys, here, "ask", "--channel", "json", "--", NEW)
    answer = json.loads(out)
    assert answer["status"] == "found" and answer["title"] == "Nhà hàng Gió Biển Mân Thái"
    assert answer["footer"]["as_of"] == "2026-12-01"
    assert catalog.refresh(wait=True) == ["food_safety"]  # what a running service's reload does
    assert catalog.food_index.lookup("gio bien man thai").status == "found"
    code, out, _ = tongdai(capsys, here, "data", "history", "food_safety")
    assert out.splitlines()[-1].endswith(f"pull      base -> {version}  {served}")
    assert "s3cret" not in out and "s3cret" not in (here / "versions/food_safety/history.jsonl").read_text()


def _fetched(origin: Path, dataset: str) -> str:
    files = manifest.entries(origin / "versions" / dataset / current(origin, dataset))
    assert files and all(manifest.NAME not in e.path for e in files)
    return (f"{dataset}: version {current(origin, dataset)}: fetched {len(files)} files, {sum(e.size for e in files)}"
            " bytes, sizes, SHA-256 and content hash checked; now current, replacing base")


def test_pulling_twice_is_a_no_op(origin: Path, here: Path, serve: Serve, capsys: pytest.CaptureFixture[str]) -> None:
    url = serve(origin)
    assert tongdai(capsys, here, "data", "pull", url, "food_safety")[0] == 0
    history = (here / "versions/food_safety/history.jsonl").read_text()
    code, out, err = tongdai(capsys, here, "data", "pull", url, "food_safety")
    assert (code, err) == (0, "")
    assert out == f"food_safety: version {current(origin)}, already here; already current, nothing switched\n"
    assert (here / "versions/food_safety/history.jsonl").read_text() == history


@pytest.mark.parametrize("as_url", [False, True], ids=["path", "file-url"])
def test_a_pull_from_a_folder_and_on_from_the_puller(origin: Path, here: Path, tmp_path: Path, as_url: bool,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    source = origin.as_uri() if as_url else str(origin)
    code, out, err = tongdai(capsys, here, "data", "pull", source, "--no-switch")
    assert (code, err) == (0, "") and out.endswith("not switched (--no-switch), base stays current\n")
    assert current(here) == "base"
    code, out, _ = tongdai(capsys, here, "data", "pull", source)  # nothing fetched again: only the switch
    assert code == 0 and out.endswith("already here; now current, replacing base\n")
    third = copy_data(tmp_path / "third")  # the puller kept the manifest, so it is a source in turn
    assert tongdai(capsys, third, "data", "pull", str(here))[0] == 0
    assert json.loads(tongdai(capsys, third, "ask", "--channel", "json", "--", NEW)[1])["status"] == "found"


def test_a_pulled_version_comes_after_this_machines_own_in_its_history(
        origin: Path, here: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for as_of in ("2026-11-20", "2026-11-25"):  # two imports here (seq 1 and 2); the origin's version is its seq 1
        assert tongdai(capsys, here, "data", "import", "food_safety", str(XLSX), "--allow-partial", "--force",
                       "--as-of", as_of)[0] == 0
    own = current(here)
    assert tongdai(capsys, here, "data", "pull", str(origin), "food_safety")[0] == 0
    pulled = current(origin)
    about = json.loads((here / "versions/food_safety" / pulled / "version.json").read_text())
    assert (about["seq"], about["origin_seq"], about["pulled_from"]) == (3, 1, str(origin))
    code, out, _ = tongdai(capsys, here, "data", "history", "food_safety")
    assert [line.split()[:2] for line in out.splitlines()[4:6]] == [[own, "2026-11-25"], ["*", pulled]]
    code, out, _ = tongdai(capsys, here, "data", "rollback", "food_safety")  # to what was current before the pull
    assert code == 0 and out.startswith(f"food_safety: rolled back from {pulled} to {own} ")
    third = copy_data(tmp_path / "third")  # the manifest written here matches the renumbered version.json
    code, out, err = tongdai(capsys, third, "data", "pull", str(here), "food_safety", "--version", pulled)
    assert (code, err) == (0, "") and "SHA-256 and content hash checked" in out


def test_a_rollback_to_base_on_the_origin_reaches_a_puller(origin: Path, here: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert tongdai(capsys, here, "data", "pull", str(origin), "food_safety")[0] == 0
    rolled = Path(shutil.copytree(origin, tmp_path / "rolled" / "data"))
    assert tongdai(capsys, rolled, "data", "rollback", "food_safety", "--to", "base")[0] == 0
    code, out, _ = tongdai(capsys, here, "data", "pull", str(rolled), "food_safety")
    assert code == 0 and out == (f"food_safety: the data directory's own files (base), which every machine has; "
                                 f"now current, replacing {current(origin)}\n")
    assert current(here) == "base" and json.loads(tongdai(capsys, here, "ask", "--channel", "json", "--", NEW)[1])[
        "status"] != "found"


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.chmod(0o644)  # versions are read-only
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def _manifest_entry(folder: Path, name: str, **changes: Any) -> None:
    def change(text: str) -> str:
        doc = json.loads(text)
        entry = next(e for e in doc["files"] if e["path"] == name)
        entry.update(changes)
        return json.dumps(doc)

    _edit(folder / manifest.NAME, change)


def _lying_manifest(folder: Path) -> None:
    """Drop a record and give the manifest the new size and SHA-256: only the content hash can tell."""
    _edit(folder / "records.jsonl", lambda text: "".join(text.splitlines(keepends=True)[1:]))
    _manifest_entry(folder, "records.jsonl", size=(folder / "records.jsonl").stat().st_size,
                    sha256=manifest.digest(folder / "records.jsonl"))


TAMPERED: list[tuple[str, Callable[[Path], None], str]] = [
    ("file-changed", lambda f: _edit(f / "records.jsonl", lambda t: t.replace("Gió Biển", "Gió Biểm")),
     "records.jsonl does not match its manifest"),
    ("manifest-lies", _lying_manifest, "hash to"),
    ("dot-dot", lambda f: _manifest_entry(f, "report.txt", path="../../../escaped.txt"),
     "'../../../escaped.txt' would leave the version folder"),
    ("absolute", lambda f: _manifest_entry(f, "report.txt", path="/tmp/escaped.txt"), "would leave the version"),
    ("symlink", lambda f: _manifest_entry(f, "report.txt", type="symlink"), "is a symlink, not a file"),
    ("file-missing", lambda f: (f / "report.txt").unlink(), "report.txt: not found, though the manifest lists it"),
    ("longer-than-listed", lambda f: _manifest_entry(f, "report.txt", size=3), "longer than the 3 bytes expected"),
    ("too-big", lambda f: _manifest_entry(f, "report.txt", size=5 << 20), "more than the 1048576 a pulled file"),
    ("no-manifest", lambda f: (f / manifest.NAME).unlink(), "run tongdai data manifest there"),
]


@pytest.mark.parametrize(("tamper", "said"), [(t, s) for _, t, s in TAMPERED], ids=[i for i, _, _ in TAMPERED])
def test_a_tampered_version_is_refused_and_nothing_switches(
        origin: Path, here: Path, tmp_path: Path, serve: Serve, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tamper: Callable[[Path], None], said: str) -> None:
    forged = Path(shutil.copytree(origin, tmp_path / "forged" / "data"))
    tamper(forged / "versions/food_safety" / current(origin))
    monkeypatch.setenv("TONGDAI_PULL_MAX_MB", "1")
    code, out, err = tongdai(capsys, here, "data", "pull", serve(forged))
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and said in err, err
    assert current(here) == "base"
    assert sorted(p.name for p in (here / "versions/food_safety").iterdir()) == [".lock"]  # no version, no staging
    assert not list(tmp_path.rglob("escaped.txt"))


def test_an_older_version_gets_its_manifest_on_the_origin(origin: Path, here: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    older = Path(shutil.copytree(origin, tmp_path / "older" / "data"))
    (older / "versions/food_safety" / current(origin) / manifest.NAME).unlink()
    assert tongdai(capsys, here, "data", "pull", str(older))[0] == 2
    code, out, _ = tongdai(capsys, older, "data", "manifest")
    assert code == 0 and f"food_safety: wrote the manifest of 1 versions: {current(origin)}\n" in out
    assert "clinics: every stored version has its manifest" in out
    assert tongdai(capsys, here, "data", "pull", str(older))[0] == 0 and current(here) == current(origin)


def _silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.parametrize(("source", "env", "said"), [
    ("http://127.0.0.1:1", {}, "http://127.0.0.1:1/versions/food_safety/CURRENT: cannot be reached (Connection "
                               "refused)"),
    ("{served}/nowhere", {}, "/nowhere has no versions/<dataset>/CURRENT for any dataset of ours"),
    ("{served}", {}, "has no versions/clinics/CURRENT: it never imported clinics"),
    ("{silent}", {"TONGDAI_PULL_TIMEOUT": "0.3"}, "no answer within 0.3 s (TONGDAI_PULL_TIMEOUT)"),
    ("{locked}", {}, "/versions/food_safety/CURRENT: HTTP 403 Forbidden"),
    ("{tmp}/nowhere", {}, "nowhere: not a folder"),
    ("s3://bucket/data", {}, "give an http(s):// URL, a file:// URL or a folder"),
], ids=["unreachable", "not-a-data-dir", "never-imported", "silent", "forbidden", "no-folder", "other-scheme"])
def test_a_source_that_cannot_give_a_version_is_one_line(
        origin: Path, here: Path, tmp_path: Path, serve: Serve, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, source: str, env: dict[str, str], said: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    silent = _silent_port()
    filled = source.format(served=serve(origin), silent=f"http://127.0.0.1:{next(silent)}", tmp=tmp_path,
                           locked=serve(origin, token="s3cret"))
    code, out, err = tongdai(capsys, here, "data", "pull", filled, *(["clinics"] if "clinics" in said else []))
    silent.close()
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and said in err, err
    assert current(here) == "base"
