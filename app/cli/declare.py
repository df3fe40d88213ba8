"""``tongdai data new <id> --from FILE`` (draft a declaration from a file) and ``tongdai data check <id>``
(validate it, load it, and show the answers to a few generated queries)."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lookups.datasets.base import DataError

if TYPE_CHECKING:
    from lookups.store import Catalog

ACTIONS = ("new", "check")
ID = "letters, digits and _, starting with a letter"


def add_parsers(acts: Any) -> None:
    new = acts.add_parser("new", help="draft a dataset (datapackage.json + CSV) from a CSV, XLSX or JSON file")
    new.add_argument("dataset", help=f"the new dataset's id: its folder name ({ID})")
    new.add_argument("--from", dest="source", type=Path, required=True, help="the city's file")
    new.add_argument("--keyword", help="the keyword residents text (default: from the id)")
    new.add_argument("--sheet", help="XLSX sheet (default: the first)")
    new.add_argument("--encoding", help="CSV encoding when detection is wrong")
    check = acts.add_parser("check", help="validate a dataset's declaration and show answers to sample queries")
    check.add_argument("dataset")


def cmd_new(catalog: Catalog, args: argparse.Namespace) -> int:
    from lookups.datasets.declared import FILE
    from lookups.importing.draft import draft, role_of
    from lookups.importing.readers import read_table
    from lookups.text import fold

    dataset = str(args.dataset)
    if not dataset.replace("_", "a").isalnum() or not dataset[:1].isalpha() or not dataset.isascii():
        raise DataError(f"dataset id {dataset!r}: use {ID}")
    folder = catalog.data_dir / dataset
    if (folder / FILE).exists():
        raise DataError(f"{folder / FILE} exists already; edit it, or choose another id")
    keyword = fold(args.keyword or dataset.replace("_", ""))[:20]
    table = read_table(args.source, lambda header: bool(role_of(header)), encoding=args.encoding, sheet=args.sheet)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{dataset}.csv").open("w", encoding="utf-8", newline="") as out:
        doc = draft(dataset, table, keyword, out)
    (folder / FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tongdai = doc["tongdai"]
    print(f"wrote {folder / FILE} and {folder / (dataset + '.csv')}")
    print(f"fields: {', '.join(f['name'] + ':' + f['type'] for f in doc['resources'][0]['schema']['fields'])}")
    print(f"guessed: name = {tongdai['name']}, location = {tongdai['location'] or 'none'}, keyword = "
          f"{tongdai['keyword']}")
    print(f"next: edit the title, sources, licenses, help, category and reply labels, then: tongdai data check "
          f"{dataset} (docs/datasets.md explains every key)")
    return 0


def _queries(catalog: Catalog, dataset: str, count: int = 4) -> list[str]:
    """A few messages a resident might send: exact names, without accents and with a typo, and one absent."""
    from lookups.text import fold

    decl = catalog.declaration(dataset)
    rows = list(catalog.kind(dataset).export(catalog.data(dataset)))
    rng = random.Random(dataset)
    names = [str(row.get(decl.name) or row.get("name") or "") for row in rng.sample(rows, min(count, len(rows)))]
    word = decl.keyword.upper()
    out = [f"{word} {names[0]}"] if names else []
    for name in names[1:]:
        text = fold(name)
        cut = rng.randrange(len(text)) if len(text) > 6 else len(text)
        out.append(f"{word} {text[:cut]}{text[cut + 1:]}")  # one letter dropped
    return [*out, f"{word} zzqx khong co"]


def cmd_check(catalog: Catalog, dataset: str) -> int:
    from handlers.dispatch import handle
    from handlers.registry import keywords
    from handlers.render import render_sms
    from lookups.datasets.declared import parse
    from lookups.datasets.kinds import kind

    decl = parse(catalog.data_dir / dataset)
    keywords(catalog)  # a keyword clash with a command word
    data = catalog.data(dataset)
    count = kind(decl.plugin).size(data)
    print(f"{decl.path}: valid; {count} records, keyword {decl.keyword.upper()}"
          f"{' (' + ', '.join(a.upper() for a in decl.aliases) + ')' if decl.aliases else ''}, "
          f"as of {data.meta.as_of.isoformat()}")
    for text in [decl.example, *_queries(catalog, dataset)]:
        reply = handle(text, catalog)
        print(f"\n> {text}   [{reply.status}]")
        print(render_sms(reply))
    return 0
