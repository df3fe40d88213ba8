"""Column mappings: which source column holds which field, as data (TOML), not code.

A mapping file (see ``data/mappings/example.toml``)::

    dataset = "food_safety"
    sheet = "Danh sách"        # optional: XLSX sheet (default: the first)
    encoding = "cp1258"         # optional: CSV encoding (default: detected)
    delimiter = ";"             # optional: CSV delimiter (default: detected)
    header_row = 3              # optional: header row number (default: detected)

    [columns]                   # source header = our field; "" ignores a column
    "Tên cơ sở" = "name"
    "Số GCN" = "certificate.number"

    [values.category]           # source value = our value, for fields with a fixed set of values
    "Nhà hàng" = "restaurant"

    [defaults]                  # a field's value where the file has no column or an empty cell
    "certificate.issued_by" = "Ban Quản lý ATTP Đà Nẵng"

    [metadata]                  # overrides for the new version's metadata.json
    title = "Cơ sở thực phẩm"

Headers and values are compared folded (case, accents, spacing and punctuation do not matter). Our own
field names always work as headers, so an export of ours needs no mapping. The dataset's shipped mapping
(``mappings/<dataset>.toml`` of the data directory, else of the bundled pack) is always read first; a
``--mapping`` file is read on top of it, its entries winning.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lookups.datasets.base import DataError, bundled_data_dir
from lookups.text import fold

BUNDLED = bundled_data_dir() / "mappings"
OPTIONS = ("sheet", "encoding", "delimiter", "header_row")
TABLES = ("columns", "values", "defaults", "metadata")


@dataclass
class Mapping:
    dataset: str
    fields: frozenset[str]
    columns: dict[str, str] = field(default_factory=dict)  # folded header -> field ("" = ignore)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> folded source value -> value
    defaults: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._identity = {fold(f): f for f in self.fields}

    def field_of(self, header: str) -> str | None:
        key = fold(header)
        if key in self.columns:
            return self.columns[key] or None
        return self._identity.get(key)

    def ignored(self, header: str) -> bool:
        """Mapped to "" on purpose (a row counter, personal data): not worth a note in the report."""
        return self.columns.get(fold(header)) == ""

    def known(self, header: str) -> bool:
        return self.field_of(header) is not None

    def value(self, name: str, raw: Any) -> Any:
        """The mapped value for a field with a value table (``Nhà hàng`` -> ``restaurant``), else ``raw``."""
        table = self.values.get(name)
        if table and isinstance(raw, str):
            return table.get(fold(raw), raw)
        return raw

    def read(self, path: Path) -> None:
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: {exc}") from exc
        if doc.get("dataset", self.dataset) != self.dataset:
            raise DataError(f"{path}: a mapping for {doc['dataset']!r}, not {self.dataset!r}")
        if unknown := set(doc) - {"dataset", *OPTIONS, *TABLES}:
            raise DataError(f"{path}: unknown keys {', '.join(sorted(unknown))}")
        columns = doc.get("columns", {})
        self._check(path, "[columns]", (v for v in columns.values() if v))
        self.columns.update({fold(k): str(v) for k, v in columns.items()})
        values = doc.get("values", {})
        self._check(path, "[values]", values)
        for name, table in values.items():
            self.values.setdefault(name, {}).update({fold(k): v for k, v in table.items()})
        self._check(path, "[defaults]", doc.get("defaults", {}))
        self.defaults.update(doc.get("defaults", {}))
        self.metadata.update(doc.get("metadata", {}))
        self.options.update({k: doc[k] for k in OPTIONS if k in doc})
        self.files.append(path)

    def _check(self, path: Path, where: str, names: Iterable[str]) -> None:
        if bad := sorted(set(names) - self.fields):
            raise DataError(f"{path}: {where} names unknown fields {', '.join(bad)}; "
                            f"fields of {self.dataset}: {', '.join(sorted(self.fields))}")


def load_mapping(dataset: str, fields: Iterable[str], data_dir: Path, extra: Path | None) -> Mapping:
    mapping = Mapping(dataset, frozenset(fields))
    for folder in (data_dir / "mappings", BUNDLED):
        if (folder / f"{dataset}.toml").is_file():
            mapping.read(folder / f"{dataset}.toml")
            break
    if extra is not None:
        mapping.read(extra)
    return mapping
