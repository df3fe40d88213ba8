"""Dataset declarations: ``<data dir>/<id>/datapackage.json``, a Frictionless Data Package plus a ``tongdai``
object saying how residents reach the dataset. Every key is documented in ``docs/datasets.md``.

A declaration is checked when it is read; an error names the file, the key and what is wrong. The folder name
is the dataset id. A dataset either names a ``plugin`` (code that loads and answers it: the four original
datasets) or is a plain table served by the generic loader, index and handler.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lookups.datasets.base import DataError
from lookups.datasets.declared_check import Checker
from lookups.text import fold

FILE = "datapackage.json"
PLUGINS = ("food_safety", "bus", "land_price", "clinics")  # the kinds implemented in code (lookups.datasets.kinds)
LOCATION_KEYS = ("address", "street", "ward", "district", "lat", "lon")
# Table Schema field types (all accepted; the generic loader reads the ones it knows and keeps the rest as text)
TYPES = ("string", "number", "integer", "boolean", "object", "array", "list", "datetime", "date", "time", "year",
         "yearmonth", "duration", "geopoint", "geojson", "any")
FORMATS = ("csv", "json", "jsonl")


@dataclass(frozen=True)
class FieldSpec:
    """One Table Schema field."""

    name: str
    type: str
    title: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Shown:
    """One line of a record's reply: the field, its labels, and whether it fits an SMS."""

    field: str
    vi: str
    en: str
    sms: bool = True


@dataclass(frozen=True)
class StatusRule:
    """A date field compared with the data's as-of date: on or after it reads ``valid``, before it ``expired``."""

    field: str
    vi: str
    en: str
    valid: tuple[str, str]
    expired: tuple[str, str]
    missing: tuple[str, str]


@dataclass(frozen=True)
class Declaration:
    id: str
    path: Path  # the datapackage.json it was read from
    title: str
    description: str
    source: str
    licence: str
    plugin: str  # "" for a generic table
    keyword: str  # folded, lower case
    aliases: tuple[str, ...]
    english: tuple[str, ...]
    name: str  # the field residents search by
    alias_field: str
    location: tuple[tuple[str, str], ...]  # (street|ward|district|address|lat|lon, field)
    qualifiers: tuple[str, ...]  # other fields that tell records of one name apart, searched like a street
    help_vi: str
    help_en: str
    example: str
    category: tuple[str, str]  # (vi, en)
    order: int
    resource: str  # the data file, relative to the folder
    format: str
    encoding: str
    fields: tuple[FieldSpec, ...]
    primary_key: str
    title_fields: tuple[str, ...]  # joined by " - " into the reply's title
    shown: tuple[Shown, ...]
    line: tuple[str, ...]
    status: StatusRule | None
    as_of: date | None
    sample: bool
    note: str

    def words(self) -> tuple[str, ...]:
        return (self.keyword, *self.aliases)

    def where(self, key: str) -> str:
        """The field that holds a location part, or ""."""
        return dict(self.location).get(key, "")

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


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


def parse(folder: Path, name: str | None = None) -> Declaration:
    """The declaration of the dataset in ``folder`` (a version folder of dataset ``name``, else the dataset's own
    folder); raises DataError naming the file, the key and the problem."""
    path = folder / FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    ck = Checker(path, "")
    if not isinstance(raw, dict):
        ck.fail("", "must be a JSON object")
    name = name or folder.name
    if raw.get("name") != name:
        ck.fail("name", f"must be the folder name {name!r}, got {raw.get('name')!r}")
    resources = ck.objects(raw, "resources", required=True)
    if not resources:
        ck.fail("resources", "must list at least one resource")
    res_ck = ck.inside("resources[0]")
    resource = resources[0]
    schema = res_ck.obj(resource, "schema", required=True)
    fields = _fields(res_ck.inside("schema"), schema)
    names = {f.name for f in fields}
    pk = schema.get("primaryKey", "")
    primary = pk[0] if isinstance(pk, list) and len(pk) == 1 else pk
    if primary and (not isinstance(primary, str) or primary not in names):
        res_ck.fail("schema.primaryKey", f"must name one declared field, got {pk!r}")
    td = ck.inside("tongdai")
    tongdai = ck.obj(raw, "tongdai", required=True)
    plugin = td.text(tongdai, "plugin")
    if plugin and plugin not in PLUGINS:
        td.fail("plugin", f"unknown plugin {plugin!r} (known: {', '.join(PLUGINS)}; leave it out for a table)")
    generic = not plugin
    keyword = td.keyword(tongdai, "keyword", required=True)
    aliases = tuple(td.keyword_list(tongdai, "aliases"))
    english = tuple(td.keyword_list(tongdai, "english"))
    if stray := [e for e in english if e not in (keyword, *aliases)]:
        td.fail("english", f"{', '.join(stray)} is not the keyword or one of the aliases")
    td.unique([keyword, *aliases], "aliases", "keyword")
    field_names = names if generic else None
    searched = td.field(tongdai, "name", field_names, required=True)
    reply = td.obj(tongdai, "reply", required=generic)
    rp = td.inside("reply")
    location = td.obj(tongdai, "location")
    loc = td.inside("location")
    if bad := sorted(set(location) - set(LOCATION_KEYS)):
        loc.fail(bad[0], f"unknown location key (known: {', '.join(LOCATION_KEYS)})")
    sources = raw.get("sources") or [{}]
    licenses = raw.get("licenses") or [{}]
    if not isinstance(sources, list) or not isinstance(licenses, list):
        ck.fail("sources" if not isinstance(sources, list) else "licenses", "must be a list")
    as_of = td.day(tongdai, "as_of", required=generic)
    if generic and primary == "":
        res_ck.fail("schema.primaryKey", "a table needs a primary key: the field that identifies a record")
    return Declaration(
        id=name, path=path, title=ck.text(raw, "title", required=True), description=ck.text(raw, "description"),
        source=td.text(tongdai, "source") or str(sources[0].get("title", "")),
        licence=str(licenses[0].get("name", "")), plugin=plugin, keyword=keyword, aliases=aliases, english=english,
        name=searched, alias_field=td.field(tongdai, "alias_field", field_names),
        location=tuple((k, loc.field(location, k, field_names)) for k in LOCATION_KEYS if k in location),
        qualifiers=_line(td, tongdai, names, "qualifiers"),
        help_vi=td.inside("help").text(td.obj(tongdai, "help", required=True), "vi", required=True),
        help_en=td.inside("help").text(tongdai["help"], "en", required=True),
        example=td.text(tongdai, "example", required=True),
        category=_pair(td, tongdai, "category", required=True), order=int(td.number(tongdai, "order") or 100),
        resource=res_ck.text(resource, "path", required=True), format=res_ck.choice(resource, "format", FORMATS, "csv"),
        encoding=res_ck.text(resource, "encoding") or "utf-8", fields=fields, primary_key=str(primary or ""),
        title_fields=_title(rp, reply, names) or (searched,), shown=_shown(rp, reply, names),
        line=_line(rp, reply, names, "line"),
        status=_status(td.inside("status"), td.obj(tongdai, "status"), names),
        as_of=as_of, sample=td.flag(tongdai, "sample", default=False), note=td.text(tongdai, "note"))


def declarations(data_dir: Path) -> tuple[Declaration, ...]:
    """Every dataset of ``data_dir`` (a folder with a datapackage.json), in menu order; a keyword or alias claimed
    by two datasets is an error naming both."""
    found = [parse(folder) for folder in sorted(data_dir.iterdir()) if (folder / FILE).is_file()] \
        if data_dir.is_dir() else []
    owner: dict[str, Declaration] = {}
    for decl in found:
        for word in decl.words():
            other = owner.get(fold(word))
            if other is not None:
                raise DataError(f"keyword {word.upper()!r} is claimed by two datasets: {other.id} ({other.path}) "
                                f"and {decl.id} ({decl.path})")
            owner[fold(word)] = decl
    return tuple(sorted(found, key=lambda d: (d.order, d.id)))
