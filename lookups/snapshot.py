"""One dataset version in memory: its data and the search indexes built from it (``lookups.datasets.kinds``
says how each kind is loaded and indexed).

A build runs beside lookups in the same process; ``lookups.pacing`` says how it keeps out of their way.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from lookups.aliases import OldNames
from lookups.datasets.kinds import IndexBuilder
from lookups.index import Index
from lookups.pacing import building

log = logging.getLogger(__name__)


RELOAD_SECONDS = 2.0  # how often a running service looks at the pointer files (app.config passes the setting)


@dataclass
class Snapshot:
    """One version of one dataset and the indexes built from it. The data never changes; an index is added
    when first needed (or before publishing, on a reload) and never replaced."""

    version: str  # the pointer value: "base" or a version id
    data: Any
    builders: dict[str, IndexBuilder]  # the dataset kind's indexes, by name
    indexes: dict[str, Index] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def index(self, name: str, old: OldNames) -> Index:
        found = self.indexes.get(name)
        if found is None:
            with self.lock:
                found = self.indexes.get(name)
                if found is None:
                    with building():
                        found = self.indexes[name] = self.builders[name](self.data, old)
        return found


