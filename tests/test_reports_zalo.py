"""PA and TT by Zalo text: the signed webhook stores the event, the worker answers through the fake Zalo API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_zalo import FakeZalo, event, sign
from reports_kit import code_in
from zalo_kit import make_rig

from app import create_app
from lookups.store import Catalog


def test_zalo_pa_then_tt(fake: FakeZalo, catalog: Catalog, database: dict[str, str], tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    if "DATABASE_URL" in database:
        monkeypatch.setenv("DATABASE_URL", database["DATABASE_URL"])
    rig = make_rig(fake, catalog, Path(database["TONGDAI_STATE_DIR"]), monkeypatch)
    app = create_app({"CATALOG": catalog})
    raw = event("user_send_text", "PA Ngập nước sâu trên đường Nguyễn Văn Linh", "pa-1")
    response = app.test_client().post("/zalo/webhook", data=raw, content_type="application/json",
                                      headers={"X-ZEvent-Signature": sign(raw)})
    assert response.status_code == 200
    assert rig.drain() == {"done": 1}
    text = fake.sends[-1].json["message"]["text"]
    assert text.startswith("Đã nhận phản ánh PA-") and "(Ngập úng, thoát nước: ngap nuoc)" in text
    assert "Nguyễn Văn Linh, Hải Châu" in text
    code = code_in(text)
    rig.queue("user_send_text", f"tt {code.lower()}", "tt-1")
    assert rig.drain() == {"done": 1}
    status = fake.sends[-1].json["message"]["text"]
    assert status.startswith(f"PA-{code}: Đã tiếp nhận") and "Công ty CP Thoát nước" in status
