"""``tongdai data new <id> --from FILE`` drafts a dataset a person can edit, and ``tongdai data check`` validates
it and shows answers to generated queries; the drafted dataset answers through ``tongdai ask`` at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.cli import main
from lookups.datasets.base import bundled_data_dir

ROWS = [["STT", "Tên bảo tàng", "Địa chỉ", "Phường", "Giá vé", "Ngày mở cửa", "Điện thoại"],
        [1, "Bảo tàng Điêu khắc Chăm", "02 Đường 2 Tháng 9", "Hải Châu", "60.000", "15/04/1919", "0236 0000 101"],
        [2, "Bảo tàng Đà Nẵng", "24 Trần Phú", "Hải Châu", "20.000", "01/01/2011", "0236 0000 102"],
        [3, "Bảo tàng Mỹ thuật Đà Nẵng", "78 Lê Duẩn", "Hải Châu", "20.000", "26/12/2016", "0236 0000 103"]]


def _csv(path: Path) -> Path:
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in ROWS) + "\n", encoding="utf-8")
    return path


def _json(path: Path) -> Path:
    path.write_text(json.dumps({"data": [dict(zip(ROWS[0], row, strict=True)) for row in ROWS[1:]]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def _xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("write", [_csv, _json, _xlsx], ids=["csv", "json", "xlsx"])
def test_new_drafts_a_dataset_that_answers(tmp_path: Path, write: object, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data, ignore=shutil.ignore_patterns("versions", "tools"))
    assert callable(write)
    source = write(tmp_path / f"museums.{write.__name__[1:]}")
    assert main(["--data-dir", str(data), "data", "new", "museums", "--from", str(source), "--keyword", "BAOTANG"]) == 0
    out = capsys.readouterr().out
    assert "guessed: name = ten_bao_tang" in out and "'address': 'dia_chi'" in out and "'ward': 'phuong'" in out
    doc = json.loads((data / "museums" / "datapackage.json").read_text(encoding="utf-8"))
    types = {f["name"]: f["type"] for f in doc["resources"][0]["schema"]["fields"]}
    assert types["gia_ve"] == "integer" and types["ngay_mo_cua"] == "date" and types["dien_thoai"] == "string"
    assert doc["tongdai"]["keyword"] == "BAOTANG" and doc["tongdai"]["example"] == "BAOTANG bao tang dieu khac cham"

    assert main(["--data-dir", str(data), "data", "check", "museums"]) == 0
    out = capsys.readouterr().out
    assert "valid; 3 records, keyword BAOTANG" in out and "> BAOTANG bao tang dieu khac cham   [found]" in out
    assert "[not_found]" in out  # the absent name

    assert main(["--data-dir", str(data), "ask", "--channel", "json", "baotang bao tang my thuat da nang"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["status"] == "found" and reply["title"] == "Bảo tàng Mỹ thuật Đà Nẵng"
    assert {"label": "Giá vé", "value": "20.000"} in reply["fields"]
    assert not any(f["label"] == "STT" for f in reply["fields"])


def test_new_refuses_an_existing_dataset_and_the_bundled_pack(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = _csv(tmp_path / "m.csv")
    assert main(["data", "new", "museums", "--from", str(source)]) == 2
    assert "say which data directory" in capsys.readouterr().err
    assert main(["--data-dir", str(bundled_data_dir()), "data", "new", "schools", "--from", str(source)]) == 2
    assert "exists already" in capsys.readouterr().err


def test_check_names_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert main(["--data-dir", str(data), "data", "new", "museums", "--from", str(_csv(tmp_path / "m.csv"))]) == 0
    path = data / "museums" / "datapackage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["tongdai"]["name"] = "ten"
    path.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    assert main(["--data-dir", str(data), "data", "check", "museums"]) == 2
    assert f"{path}: tongdai.name: names 'ten', which is not a field" in capsys.readouterr().err
