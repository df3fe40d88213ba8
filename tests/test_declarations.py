"""Declarations are checked when a data directory is read: an error names the file, the key and the problem."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from lookups.datasets.base import DataError
from lookups.datasets.declared import declarations

PARKS = Path(__file__).parent / "fixtures" / "declared" / "parks"
Change = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Change:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            doc = doc[int(key)] if isinstance(doc, list) else doc[key]
        if value is None:
            del doc[last]
        else:
            doc[last] = value
    return change


CASES = [
    ("name-not-folder", _set("name", "congvien"), "name: must be the folder name 'parks'"),
    ("no-keyword", _set("tongdai.keyword", None), "tongdai.keyword: is required"),
    ("bad-keyword", _set("tongdai.keyword", "CONG VIEN!"), "tongdai.keyword: 'CONG VIEN!' is not a keyword"),
    ("name-not-a-field", _set("tongdai.name", "ten"), "tongdai.name: names 'ten', which is not a field"),
    ("english-not-a-keyword", _set("tongdai.english", ["GARDEN"]), "tongdai.english: garden is not the keyword"),
    ("bad-type", _set("resources.0.schema.fields.5.type", "money"),
     "resources[0].schema.fields[5].type: unknown value 'money'"),
    ("bad-as-of", _set("tongdai.as_of", "01/11/2026"), "tongdai.as_of: must be a date as YYYY-MM-DD"),
    ("no-help", _set("tongdai.help", None), "tongdai.help: is required"),
    ("reply-field-unknown", _set("tongdai.reply.fields", [{"field": "x", "vi": "X", "en": "X"}]),
     "tongdai.reply.fields[0].field: names 'x'"),
    ("bad-plugin", _set("tongdai.plugin", "parks"), "tongdai.plugin: unknown plugin 'parks'"),
    ("no-primary-key", _set("resources.0.schema.primaryKey", None), "resources[0].schema.primaryKey: a table needs"),
    ("sms-not-bool", _set("tongdai.reply.fields", [{"field": "ward", "vi": "P", "en": "W", "sms": "no"}]),
     "tongdai.reply.fields[0].sms: must be true or false"),
]


def _write(root: Path, change: Change | None = None, folder: str = "parks") -> Path:
    shutil.copytree(PARKS, root / folder)
    doc = json.loads((root / folder / "datapackage.json").read_text(encoding="utf-8"))
    doc["name"] = folder
    if change is not None:
        change(doc)
    (root / folder / "datapackage.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return root / folder / "datapackage.json"


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_declaration_names_the_file_and_the_key(tmp_path: Path, change: Change, expected: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, change)
    assert main(["--data-dir", str(tmp_path), "data", "list"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: {expected}" in err, err


def test_a_keyword_claimed_twice_names_both_datasets(tmp_path: Path) -> None:
    first = _write(tmp_path)
    second = _write(tmp_path, _set("tongdai.keyword", "VUONHOA"), folder="gardens")
    with pytest.raises(DataError) as caught:
        declarations(tmp_path)
    message = str(caught.value)
    assert "'PARK' is claimed by two datasets" in message and str(first) in message and str(second) in message


def test_a_dataset_keyword_may_not_take_a_command_word(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, _set("tongdai.aliases", ["PARK", "HELP"]))
    assert main(["--data-dir", str(tmp_path), "ask", "congvien apec"]) == 0
    out = capsys.readouterr().out
    assert "su co" in out  # the resident gets the polite error; the operator's log names the file
    with pytest.raises(DataError, match=f"{path}: tongdai: keyword 'HELP' is already the HD command"):
        from handlers.registry import keywords
        from lookups.store import Catalog
        keywords(Catalog(tmp_path))


def test_the_bundled_pack_declares_every_dataset() -> None:
    from lookups.datasets.base import bundled_data_dir

    found = {d.id: d for d in declarations(bundled_data_dir())}
    assert {"food_safety", "bus", "land_price", "clinics"} <= set(found)
    assert all(found[p].plugin == p for p in ("food_safety", "bus", "land_price", "clinics"))


def test_the_reference_page_example_is_a_working_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import re

    doc = (Path(__file__).parents[1] / "docs" / "datasets.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"```(csv|json)\n(.*?)```", doc, re.S))
    (tmp_path / "parks").mkdir()
    (tmp_path / "parks" / "parks.csv").write_text(blocks["csv"], encoding="utf-8")
    (tmp_path / "parks" / "datapackage.json").write_text(blocks["json"], encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "ask", "CONGVIEN cong vien apec"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Cong vien APEC\nGiay phep: con hieu luc (den 01/01/2030)\n"), shown
    assert "Dien tich (m2): 42.000\nGio mo cua: 05:00-22:00\n" in shown


def test_a_data_directory_from_before_declarations_keeps_its_datasets(tmp_path: Path) -> None:
    from lookups.datasets.base import bundled_data_dir

    old = tmp_path / "old"
    shutil.copytree(bundled_data_dir() / "land_price", old / "land_price")
    (old / "land_price" / "datapackage.json").unlink()
    assert main(["--data-dir", str(old), "ask", "--channel", "json", "GIADAT le duan"]) == 0
    assert [d.id for d in declarations(old)] == ["land_price"]


def test_location_fields_come_in_the_order_asked_and_only_those_declared() -> None:
    parks = next(d for d in declarations(PARKS.parent) if d.id == "parks")  # declares a street and a ward only
    assert parks.located("street", "ward", "district", "address") == ("street", "ward")
    assert parks.located("address", "ward", "street") == ("ward", "street")
    assert parks.located("lat", "district") == ()
