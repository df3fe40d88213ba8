"""Dataset declarations: ``<data dir>/<id>/datapackage.json``, a Frictionless Data Package plus a ``tongdai``
object saying how residents reach the dataset. Every key is documented in ``docs/datasets.md``.

A declaration is checked when it is read; an error names the file, the key and what is wrong. The folder name
is the dataset id. A dataset either names a ``plugin`` (code that loads and answers it: the four original
datasets) or is a plain table served by the generic loader, index and handler.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lookups.datasets.base import DataError, bundled_data_dir
from lookups.datasets.declaration import Declaration, FieldSpec, Shown, StatusRule
from lookups.datasets.declared_check import Checker
from lookups.text import fold

__all__ = ["FILE", "FORMATS", "PLUGINS", "TYPES", "Declaration", "FieldSpec", "Shown", "StatusRule", "declarations",
           "parse"]

FILE = "datapackage.json"
PLUGINS = ("food_safety", "bus", "land_price", "clinics")  # the kinds implemented in code (lookups.datasets.kinds)
LOCATION_KEYS = ("address", "street", "ward", "district", "lat", "lon")
# Table Schema field types (all accepted; the generic loader reads the ones it knows and keeps the rest as text)
TYPES = ("string", "number", "integer", "boolean", "object", "array", "list", "datetime", "date", "time", "year",
         "yearmonth", "duration", "geopoint", "geojson", "any")
FORMATS = ("csv", "json", "jsonl")


def _pair(ck: Checker, raw: dict[str, Any], key: str, *, required: bool = False) -> tuple[str, str]:
    value = ck.obj(raw, key, required=required)
    return (ck.text(value, "vi", required=bool(value)), ck.text(value, "en", required=bool(value)))


def _fields(ck: Checker, schema: dict[str, Any]) -> tuple[FieldSpec, ...]:
    found: list[FieldSpec] = []
    for n, raw in enumerate(ck.objects(schema, "fields", required=True)):
        at = ck.inside(f"fields[{n}]")
        constraints = at.obj(raw, "constraints")
        enum = at.inside("constraints").strings(constraints, "enum")
        found.append(FieldSpec(
            at.name(raw, "name"), at.choice(raw, "type", TYPES, "string"), at.text(raw, "title"),
            at.text(raw, "description"), bool(constraints.get("required", False)), enum,
            at.inside("constraints").number(constraints, "minimum"),
            at.inside("constraints").number(constraints, "maximum")))
    ck.unique([f.name for f in found], "fields", "field name")
    return tuple(found)


def _shown(ck: Checker, raw: dict[str, Any], names: set[str]) -> tuple[Shown, ...]:
    out = []
    for n, item in enumerate(ck.objects(raw, "fields")):
        at = ck.inside(f"fields[{n}]")
        out.append(Shown(at.field(item, "field", names, required=True), at.text(item, "vi", required=True),
                         at.text(item, "en", required=True), at.flag(item, "sms", default=True)))
    return tuple(out)


def _line(ck: Checker, raw: dict[str, Any], names: set[str], key: str) -> tuple[str, ...]:
    """A list of field names under ``key``."""
    found = ck.strings(raw, key)
    if stray := [n for n in found if n not in names]:
        ck.fail(key, f"names {stray[0]!r}, which is not a field of the schema")
    return found


def _title(ck: Checker, raw: dict[str, Any], names: set[str]) -> tuple[str, ...]:
    """``title``: one field, or a list of fields joined into the title."""
    if isinstance(raw.get("title"), list):
        return _line(ck, raw, names, "title")
    one = ck.field(raw, "title", names)
    return (one,) if one else ()


def _status(ck: Checker, raw: dict[str, Any], names: set[str]) -> StatusRule | None:
    if not raw:
        return None
    return StatusRule(ck.field(raw, "field", names, required=True), ck.text(raw, "vi", required=True),
                      ck.text(raw, "en", required=True), _pair(ck, raw, "valid", required=True),
                      _pair(ck, raw, "expired", required=True), _pair(ck, raw, "missing"))


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    if not isinstance(raw, dict):
        Checker(path, "").fail("", "must be a JSON object")
    return raw


def _resource(ck: Checker, raw: dict[str, Any], table: bool) -> tuple[dict[str, Any], tuple[FieldSpec, ...], str]:
    """The first resource, its fields and its primary key ("" when it has none)."""
    resources = ck.objects(raw, "resources", required=True)
    if not resources:
        ck.fail("resources", "must list at least one resource")
    at = ck.inside("resources[0]")
    schema = at.obj(resources[0], "schema", required=True)
    fields = _fields(at.inside("schema"), schema)
    pk = schema.get("primaryKey", "")
    primary = pk[0] if isinstance(pk, list) and len(pk) == 1 else pk
    if primary and (not isinstance(primary, str) or primary not in {f.name for f in fields}):
        at.fail("schema.primaryKey", f"must name one declared field, got {pk!r}")
    if table and not primary:
        at.fail("schema.primaryKey", "a table needs a primary key: the field that identifies a record")
    return resources[0], fields, str(primary or "")


def _keywords(td: Checker, tongdai: dict[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    keyword = td.keyword(tongdai, "keyword", required=True)
    aliases = tuple(td.keyword_list(tongdai, "aliases"))
    english = tuple(td.keyword_list(tongdai, "english"))
    bilingual = tuple(td.keyword_list(tongdai, "bilingual"))
    for key, words in (("english", english), ("bilingual", bilingual)):
        if stray := [e for e in words if e not in (keyword, *aliases)]:
            td.fail(key, f"{', '.join(stray)} is not the keyword or one of the aliases")
    if both := set(english) & set(bilingual):
        td.fail("bilingual", f"{', '.join(sorted(both))} is in english too: a word is English or both, not both")
    td.unique([keyword, *aliases], "aliases", "keyword")
    return keyword, aliases, english, bilingual


def _first(ck: Checker, raw: dict[str, Any], key: str, inner: str) -> str:
    """``sources[0].title``, ``licenses[0].name``: "" when absent."""
    items = raw.get(key) or [{}]
    if not isinstance(items, list) or not isinstance(items[0], dict):
        ck.fail(key, "must be a list of objects")
    return str(items[0].get(inner, ""))


def _location(td: Checker, tongdai: dict[str, Any], names: set[str] | None) -> tuple[tuple[str, str], ...]:
    location = td.obj(tongdai, "location")
    loc = td.inside("location")
    if bad := sorted(set(location) - set(LOCATION_KEYS)):
        loc.fail(bad[0], f"unknown location key (known: {', '.join(LOCATION_KEYS)})")
    return tuple((k, loc.field(location, k, names)) for k in LOCATION_KEYS if k in location)


def parse(folder: Path, name: str | None = None) -> Declaration:
    """The declaration of the dataset in ``folder`` (a version folder of dataset ``name``, else the dataset's own
    folder); raises DataError naming the file, the key and the problem."""
    path = folder / FILE
    raw = _read(path)
    ck, td = Checker(path, ""), Checker(path, "tongdai")
    name = name or folder.name
    if raw.get("name") != name:
        ck.fail("name", f"must be the folder name {name!r}, got {raw.get('name')!r}")
    tongdai = ck.obj(raw, "tongdai", required=True)
    plugin = td.text(tongdai, "plugin")
    if plugin and plugin not in PLUGINS:
        td.fail("plugin", f"unknown plugin {plugin!r} (known: {', '.join(PLUGINS)}; leave it out for a table)")
    table = not plugin
    resource, fields, primary = _resource(ck, raw, table)
    names = {f.name for f in fields}
    checked = names if table else None  # a plugin's reply is code: its fields need not be in the schema
    keyword, aliases, english, bilingual = _keywords(td, tongdai)
    searched = td.field(tongdai, "name", checked, required=True)
    reply, rp, res = td.obj(tongdai, "reply", required=table), td.inside("reply"), ck.inside("resources[0]")
    helps = td.obj(tongdai, "help", required=True)
    return Declaration(
        id=name, path=path, title=ck.text(raw, "title", required=True), description=ck.text(raw, "description"),
        source=td.text(tongdai, "source") or _first(ck, raw, "sources", "title"),
        licence=_first(ck, raw, "licenses", "name"), plugin=plugin, keyword=keyword, aliases=aliases,
        english=english, name=searched, alias_field=td.field(tongdai, "alias_field", checked),
        location=_location(td, tongdai, checked), qualifiers=_line(td, tongdai, names, "qualifiers"),
        help_vi=td.inside("help").text(helps, "vi", required=True),
        help_en=td.inside("help").text(helps, "en", required=True),
        example=td.text(tongdai, "example", required=True),
        category=_pair(td, tongdai, "category", required=True), order=int(td.number(tongdai, "order") or 100),
        resource=res.text(resource, "path", required=True), format=res.choice(resource, "format", FORMATS, "csv"),
        encoding=res.text(resource, "encoding") or "utf-8", fields=fields, primary_key=primary,
        title_fields=_title(rp, reply, names) or (searched,), shown=_shown(rp, reply, names),
        line=_line(rp, reply, names, "line"), status=_status(td.inside("status"), td.obj(tongdai, "status"), names),
        as_of=td.day(tongdai, "as_of", required=table), sample=td.flag(tongdai, "sample", default=False),
        note=td.text(tongdai, "note"), bilingual=bilingual)


def declarations(data_dir: Path) -> tuple[Declaration, ...]:
    """Every dataset of ``data_dir`` (a folder with a datapackage.json), in menu order; a keyword or alias claimed
    by two datasets is an error naming both."""
    found = [parse(folder) for folder in sorted(data_dir.iterdir()) if (folder / FILE).is_file()] \
        if data_dir.is_dir() else []
    # A data directory made before declarations existed (a plugin's folder with only metadata.json) keeps its
    # datasets: they get the bundled pack's declaration.
    found += [parse(bundled_data_dir() / name) for name in PLUGINS if (data_dir / name / "metadata.json").is_file()
              and not (data_dir / name / FILE).is_file() and (bundled_data_dir() / name / FILE).is_file()]
    owner: dict[str, Declaration] = {}
    for decl in found:
        for word in decl.words():
            other = owner.get(fold(word))
            if other is not None:
                raise DataError(f"keyword {word.upper()!r} is claimed by two datasets: {other.id} ({other.path}) "
                                f"and {decl.id} ({decl.path})")
            owner[fold(word)] = decl
    return tuple(sorted(found, key=lambda d: (d.order, d.id)))
