"""The five catalogue datasets of the sample pack: declared as data only, sized like the city's registers,
labelled sample, no invented phone that can ring; each keyword answers its example through ``tongdai ask``."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lookups.datasets.base import bundled_data_dir
from lookups.datasets.declared import declarations

DATA = bundled_data_dir()
# dataset -> (keyword, fewest rows, most rows): "about as large as the city's real register"
SIZES = {
    "schools": ("truong", 200, 999),
    "farmland_prices": ("giadatnn", 100, 999),
    "language_centres": ("ngoaingu", 70, 150),
    "public_services": ("dvc", 80, 150),
    "transport": ("vantai", 20, 60),
}
# A subscriber number starting with 0 is a form no Vietnamese number takes.
NOT_DIALABLE = re.compile(r"^0236 0\d{3} \d{3}$")


@pytest.mark.parametrize("dataset", sorted(SIZES))
def test_a_catalogue_dataset_is_data_only_sized_and_labelled(dataset: str) -> None:
    decl = next(d for d in declarations(DATA) if d.id == dataset)
    keyword, low, high = SIZES[dataset]
    assert decl.plugin == "" and decl.keyword == keyword and decl.sample
    assert not list((DATA / dataset).glob("*.py"))
    with (DATA / dataset / decl.resource).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert low <= len(rows) <= high
    assert "mẫu" in decl.title and ("hư cấu" in decl.note or "mẫu" in decl.note)
    for row in rows:
        for name in ("phone", "hotline"):
            assert not row.get(name) or NOT_DIALABLE.match(row[name]), row


def test_no_invented_clinic_phone_can_ring() -> None:
    phones = [json.loads(line)["phone"] for line in (DATA / "clinics" / "records.jsonl").open(encoding="utf-8")]
    assert sum(1 for p in phones if p) > 200
    assert all(not p or p == "115" or NOT_DIALABLE.match(p) for p in phones)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("TRUONG thpt phan chau trinh", "Trường THPT Phan Châu Trinh"),
        ("GIADATNN hoa phong lua", "Đất trồng lúa - Hòa Phong"),
        ("DVC khai sinh", "Đăng ký khai sinh"),
        ("SERVICE lam can cuoc", "Cấp thẻ căn cước"),
        ("VANTAI taxi song han xanh", "Taxi Sông Hàn Xanh"),
    ],
)
def test_the_catalogue_answers(ask: Callable[..., Any], text: str, title: str) -> None:
    reply = ask(text)
    assert reply["status"] == "found" and reply["title"] == title, reply
    assert reply["footer"]["sample"] is True


def test_a_farmland_commune_lists_its_land_types(ask: Callable[..., Any]) -> None:
    reply = ask("GIADATNN hoa phong")
    assert reply["status"] == "ambiguous" and all(o["label"] == "Hòa Phong" for o in reply["options"])
    assert len(reply["options"]) == 5 and reply["more"] >= 1


def test_the_catalogue_generator_is_deterministic(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(DATA / "tools"))
    import sample_schools

    assert sample_schools.rows() == sample_schools.rows()


def test_a_shared_location_also_gets_the_nearest_record_of_a_table_with_coordinates(catalog: Any) -> None:
    from app.channels.zalo.messages import near

    reply = near(catalog, 16.0717, 108.2168)  # on Lê Duẩn, Hải Châu
    schools = [f.value for f in reply.fields if f.label == "Giáo dục"]
    assert len(schools) == 1 and schools[0].startswith("Trường ") and "soạn TRUONG <tên>" in schools[0]
