"""The generic handler of a declared table: look the name up, answer with the record as its declaration says.

Everything dataset-specific (keyword, help, which fields a reply shows with which labels, which fit an SMS,
the one-line form of a list entry, the status rule) is data in the dataset's ``datapackage.json``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.common import reader, resolve
from handlers.i18n import day, footer, pick
from handlers.registry import Request, plugin
from handlers.reply import Field, Lang, Reply
from lookups.datasets.declared import Declaration, FieldSpec, StatusRule
from lookups.datasets.table import Record, TableData


def value_text(spec: FieldSpec, value: Any, lang: Lang) -> str:
    """A value as residents read it: dates as 31/12/2026, whole numbers with thousands separators, yes/no."""
    if value is None:
        return ""
    if isinstance(value, date):
        return day(value, lang)
    if isinstance(value, bool):
        return pick(lang, "Có", "Yes") if value else pick(lang, "Không", "No")
    if isinstance(value, int) and abs(value) >= 10_000 and spec.type == "integer":
        grouped = f"{value:,}"
        return grouped.replace(",", ".") if lang == "vi" else grouped
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def status_text(rule: StatusRule, record: Record, as_of: date, lang: Lang) -> str:
    when = record.get(rule.field)
    if not isinstance(when, date):
        return pick(lang, *rule.missing)
    if when >= as_of:
        return f"{pick(lang, *rule.valid)} ({pick(lang, 'đến', 'until')} {day(when, lang)})"
    return f"{pick(lang, *rule.expired)} ({pick(lang, 'từ', 'since')} {day(when, lang)})"


def line(decl: Declaration, record: Record, lang: Lang) -> str:
    """The one-line form of a record in a list: the declared ``line`` fields, else its location."""
    names = decl.line or decl.located("address", "street", "ward")
    parts = [value_text(decl.spec(n), record.get(n), lang) for n in names]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def show(data: TableData, decl: Declaration, record: Record, req: Request, intent: str) -> Reply:
    lang = req.lang
    fields: list[Field] = []
    if decl.status is not None:
        fields.append(Field(pick(lang, decl.status.vi, decl.status.en),
                            status_text(decl.status, record, data.meta.as_of, lang)))
    for shown in decl.shown:
        text = value_text(decl.spec(shown.field), record.get(shown.field), lang)
        if text:
            fields.append(Field(pick(lang, shown.vi, shown.en), text, sms=shown.sms))
    title = " - ".join(t for t in (value_text(decl.spec(n), record.get(n), lang) for n in decl.title_fields) if t)
    return Reply(intent, "found", lang, title, fields=tuple(fields), footer=footer(data.meta))


@plugin("")
def table(req: Request) -> Reply:
    data: TableData = req.catalog.data(req.dataset)
    decl = req.catalog.declaration(req.dataset)
    record, index = reader(data.records), req.catalog.index(req.dataset)
    places = (*decl.qualifiers, *decl.located("street", "ward", "district", "address"))
    subject = decl.spec(decl.name).title or decl.name
    return resolve(
        req, intent=decl.keyword, dataset=req.dataset, index=index, footer=footer(data.meta),
        detail=lambda row: line(data.decl, record(row), req.lang),
        narrowers=lambda row: tuple(str(record(row).get(p) or "") for p in places),
        show=lambda row: show(data, data.decl, record(row), req, decl.keyword),
        syntax=f"{decl.keyword.upper()} <{subject}>",
    )
