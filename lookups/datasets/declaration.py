"""What a dataset's ``datapackage.json`` says, once checked (``lookups.datasets.declared`` reads and checks it;
``docs/datasets.md`` documents every key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


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
    # Of the keyword and aliases, those both languages use ("BUS"): the reply's language follows the message, or
    # the sender's last one, and is Vietnamese when neither says.
    bilingual: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return (self.keyword, *self.aliases)

    def where(self, key: str) -> str:
        """The field that holds a location part, or ""."""
        return dict(self.location).get(key, "")

    def located(self, *keys: str) -> tuple[str, ...]:
        """The fields that hold these location parts (``"street"``, ``"ward"``...), in that order, skipping those
        the dataset does not declare."""
        fields = dict(self.location)
        return tuple(fields[key] for key in keys if fields.get(key))

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)
