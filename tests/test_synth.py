"""The synthetic food-safety generator and the bundled sample pack (data/)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from lookups.datasets import clinics, food_safety, land_price
from lookups.datasets.synth import generate_food_safety, load_gazetteer, synth_data_dir
from lookups.datasets.synth_names import PROTECTED_NAMES, is_protected
from lookups.text import fold

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF = date(2026, 11, 1)


@pytest.fixture(scope="module")
def pack() -> food_safety.FoodSafetyData:
    return food_safety.load(DATA / "food_safety")


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = synth_data_dir(300, tmp_path / "a", DATA) / "food_safety" / "records.jsonl"
    second = synth_data_dir(300, tmp_path / "b", DATA) / "food_safety" / "records.jsonl"
    other = synth_data_dir(300, tmp_path / "c", DATA, seed=7) / "food_safety" / "records.jsonl"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    streets = load_gazetteer(DATA)
    assert list(generate_food_safety(50, streets=streets, as_of=AS_OF)) == list(
        generate_food_safety(50, streets=streets, as_of=AS_OF))


def test_synth_data_dir_loads_and_copies_the_rest(tmp_path: Path) -> None:
    out = synth_data_dir(1000, tmp_path / "big", DATA)
    data = food_safety.load(out / "food_safety")
    assert len(data.records) == 1000
    assert [r.id for r in data.records[:2]] == ["FS0000001", "FS0000002"]
    assert "1.000" in data.meta.title and data.meta.sample
    assert data.meta.as_of == AS_OF
    for folder in ("gazetteer", "land_price", "clinics", "bus"):
        if (DATA / folder).is_dir():
            for path in (DATA / folder).rglob("*"):
                if path.is_file():
                    assert (out / path.relative_to(DATA)).read_bytes() == path.read_bytes()
    statuses = {r.status(AS_OF) for r in data.records}
    assert statuses == {"valid", "expired", "revoked", "commitment", "none"}
    for record in data.records:
        inspected = [i.date for i in record.inspections]
        for violation in record.violations:
            assert violation.date < AS_OF
            assert any(day <= violation.date for day in inspected)
        if is_protected(record.name):
            assert record.status(AS_OF) == "valid" and not record.violations


def test_synth_data_dir_refuses_to_overwrite_its_source(tmp_path: Path) -> None:
    shutil.copytree(DATA / "food_safety", tmp_path / "food_safety")
    shutil.copytree(DATA / "gazetteer", tmp_path / "gazetteer")
    with pytest.raises(ValueError):
        synth_data_dir(10, tmp_path, tmp_path)


def test_sample_food_safety_pack(pack: food_safety.FoodSafetyData) -> None:
    assert pack.meta.sample and pack.meta.as_of == AS_OF
    assert len(pack.records) >= 3000
    assert len({r.id for r in pack.records}) == len(pack.records)
    statuses = {r.status(pack.meta.as_of) for r in pack.records}
    assert statuses == {"valid", "expired", "revoked", "commitment", "none"}
    names = [fold(r.name) for r in pack.records]
    assert names.count(fold("Phở Hòa")) == 3
    assert names.count(fold("Bún chả cá Bà Lữ")) == 2
    pho_hoa = {r.district for r in pack.records if fold(r.name) == fold("Phở Hòa")}
    assert pho_hoa == {"Hải Châu", "Sơn Trà", "Thanh Khê"}
    protected = {fold(p) for p in PROTECTED_NAMES}
    for record in pack.records:
        if fold(record.name) in protected or is_protected(record.name):
            assert not record.violations, record
            assert record.status(pack.meta.as_of) == "valid", record
    streets = {s.street for s in load_gazetteer(DATA)}
    assert {r.street for r in pack.records} <= streets


def test_sample_land_price_pack() -> None:
    data = land_price.load(DATA / "land_price")
    assert len(data.segments) >= 1000
    for segment in data.segments:
        assert all(a > b for a, b in zip(segment.prices, segment.prices[1:], strict=False)), segment
        assert segment.prices[-1] > 0
    by_type = {s.land_type for s in data.segments}
    assert by_type == {"urban_residential", "commercial", "agricultural"}
    top = max(data.segments, key=lambda s: s.prices[0])
    assert top.street in {"Bạch Đằng", "Lê Duẩn", "Trần Phú", "Võ Nguyên Giáp"}


def test_sample_clinics_pack() -> None:
    data = clinics.load(DATA / "clinics")
    assert len(data.records) >= 300
    assert {r.type for r in data.records} == {"hospital", "clinic", "health_station", "pharmacy"}
    assert sum(r.emergency_24h for r in data.records) >= 20
    wards = (DATA / "gazetteer" / "wards.csv").read_text(encoding="utf-8").splitlines()[1:]
    stations = [r for r in data.records if r.type == "health_station"]
    assert len(stations) == len(wards)
    assert any("BV C" in r.aliases for r in data.records)


def test_metadata_says_sample() -> None:
    for folder in ("food_safety", "land_price", "clinics"):
        meta = json.loads((DATA / folder / "metadata.json").read_text(encoding="utf-8"))
        assert meta["sample"] is True and meta["id"] == folder


def test_realistic_names_tell_places_apart_where_the_old_pool_did_not() -> None:
    """``tongdai data synth`` names (the default) are nearly all distinct on their street, as in a real registry;
    chains are the exception, and their branches are told apart by street. The old pool stays available."""
    streets = load_gazetteer(DATA)

    def shares(names: str) -> tuple[float, int, int]:
        rows = list(generate_food_safety(20_000, streets=streets, as_of=AS_OF, names=names))
        on_street = Counter((fold(str(r["name"])), r["street"]) for r in rows)
        alone = sum(on_street[(fold(str(r["name"])), r["street"])] == 1 for r in rows) / len(rows)
        return alone, len({fold(str(r["name"])) for r in rows}), Counter(fold(str(r["name"])) for r in rows
                                                                          ).most_common(1)[0][1]

    realistic, pool = shares("realistic"), shares("pool")
    assert realistic[0] >= 0.95 and realistic[0] > pool[0], (realistic, pool)
    assert realistic[1] >= 1.5 * pool[1], (realistic, pool)  # distinct names
    assert realistic[2] >= 20  # a chain: one name on many streets
    with pytest.raises(ValueError, match="names must be one of"):
        next(generate_food_safety(1, streets=streets, as_of=AS_OF, names="lorem"))


def test_the_pool_generator_still_makes_the_sample_pack(pack: food_safety.FoodSafetyData) -> None:
    rows = list(generate_food_safety(500, streets=load_gazetteer(DATA), as_of=AS_OF, names="pool"))
    assert [(r["id"], r["name"], r["street"]) for r in rows] == [(r.id, r.name, r.street)
                                                                for r in pack.records[:500]]


def test_realistic_names_never_spell_a_real_chain() -> None:
    rows = generate_food_safety(20_000, streets=load_gazetteer(DATA), as_of=AS_OF)
    real = ("phuc long", "trung nguyen", "hoang yen")
    names = [f" {fold(str(r['name'])).replace(fold(str(r['street'])), ' ')} " for r in rows]  # a branch's street
    assert not [n for n in names if any(f" {b} " in n for b in real)]
