"""The data page through the console's own forms (test client, the served console's app): an admin imports a
file as a new version and rolls it back, both in the audit log and the version list; an operator may validate but
not import; a viewer may not upload at all."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from console_kit import PASSWORDS, Console
from flask.testing import FlaskClient

from app.cli import main
from app.console.accounts import Accounts
from app.reports.desk import store_of
from app.services import services
from lookups.importing import versions

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "tests" / "fixtures" / "imports" / "food_portal.json"


def client_of(console: Console, name: str) -> tuple[FlaskClient, str]:
    client = console.app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").get_data(as_text=True))
    assert csrf
    response = client.post("/console/login", data={"username": name, "password": PASSWORDS[name],
                                                   "csrf_token": csrf.group(1)})
    assert response.status_code == 302
    with client.session_transaction() as session:
        return client, str(session["csrf"])


def exported(console: Console, capsys: pytest.CaptureFixture[str]) -> bytes:
    """The food-safety records as JSON lines, one name changed: a file that imports as a new version."""
    data_dir = services(console.app).catalog.data_dir
    assert main(["--data-dir", str(data_dir), "data", "export", "food_safety"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rows[0]["name"] = rows[0]["name"] + " (đổi tên)"
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()


def upload(client: FlaskClient, csrf: str, body: bytes, action: str) -> tuple[int, str]:
    response = client.post("/console/data/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf, "dataset": "food_safety", "action": action, "as_of": "2026-12-01",
        "source": "Sở ATTP (thử)", "file": (io.BytesIO(body), "food.jsonl")})
    return response.status_code, response.get_data(as_text=True)


def test_an_admin_imports_and_rolls_back_and_both_are_audited(console: Console,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    body = exported(console, capsys)
    data_dir = services(console.app).catalog.data_dir
    operator, csrf = client_of(console, "binh")
    status, page = upload(operator, csrf, body, "validate")
    assert status == 200 and "valid: an import would make a version of" in page
    assert upload(operator, csrf, body, "import")[0] == 403
    assert versions.read_pointer(data_dir, "food_safety") == versions.BASE
    admin, csrf = client_of(console, "an")
    status, page = upload(admin, csrf, body, "import")
    assert status == 200 and "imported food_safety version" in page
    version = versions.read_pointer(data_dir, "food_safety")
    assert version != versions.BASE
    listed = admin.get("/console/data").get_data(as_text=True)
    assert re.search(rf"<code>{version}</code> ★.*?Sở ATTP \(thử\).*?>an<", listed, re.S)
    response = admin.post("/console/data/rollback", data={"csrf_token": csrf, "dataset": "food_safety", "to": "base"})
    assert response.status_code == 302 and versions.read_pointer(data_dir, "food_safety") == versions.BASE
    audit = [(r.actor, r.action, r.target) for r in Accounts(store_of(services(console.app).reports)).recent()]
    assert ("operator:an", "data.import", f"food_safety@{version}") in audit
    assert ("operator:an", "data.rollback", "food_safety@base") in audit


def test_a_pulled_version_shows_where_it_came_from(console: Console, tmp_path: Path) -> None:
    origin = Path(shutil.copytree(ROOT / "data", tmp_path / "origin", ignore=shutil.ignore_patterns("tools")))
    assert main(["--data-dir", str(origin), "data", "import", "food_safety", str(PORTAL), "--force",
                 "--as-of", "2026-12-01"]) == 0
    data_dir = services(console.app).catalog.data_dir
    assert main(["--data-dir", str(data_dir), "data", "pull", str(origin), "food_safety"]) == 0
    pulled = versions.read_pointer(data_dir, "food_safety")
    viewer, _ = client_of(console, "chi")
    listed = viewer.get("/console/data").get_data(as_text=True)
    assert f"pull base → {pulled} ({origin})" in listed


def test_a_viewer_may_not_upload(console: Console) -> None:
    viewer, csrf = client_of(console, "chi")
    assert upload(viewer, csrf, b'{"id": "x"}\n', "validate")[0] == 403
    assert 'id="upload"' not in viewer.get("/console/data").get_data(as_text=True)


def test_a_file_of_the_wrong_kind_is_refused_with_a_reason(console: Console) -> None:
    admin, csrf = client_of(console, "an")
    response = admin.post("/console/data/upload", content_type="multipart/form-data", data={
        "csrf_token": csrf, "dataset": "food_safety", "action": "validate",
        "file": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")})
    assert response.status_code == 400 and "choose a file (.csv, .json, .jsonl, .txt, .xlsx, .zip)" in \
        response.get_data(as_text=True)
