"""Report categories, agencies and target times: ``data/reports/services.toml`` (what a city changes is data).

``classify`` files a report under the service whose suggesting words it contains, the longest phrase winning
(``lan chiem via he`` over ``via he``); a report that mentions none goes to ``khac``.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lookups.text import fold

log = logging.getLogger(__name__)
PATH = Path("reports") / "services.toml"
OTHER = "khac"
MAX_WORDS = 200  # words of a report looked at when classifying


class CatalogError(ValueError):
    """services.toml is missing a field or has a wrong one; the message names it."""


@dataclass(frozen=True)
class Service:
    code: str
    name_vi: str
    name_en: str
    description: str = ""
    group: str = ""
    words: tuple[str, ...] = ()  # folded
    agency: str = ""
    agencies: dict[str, str] = field(default_factory=dict)  # ward today -> agency
    days: int = 7

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Classified:
    service: Service
    words: str  # the phrase that decided it, as folded ("o ga"); "" for khac


@dataclass(frozen=True)
class ServiceCatalog:
    services: dict[str, Service]
    default_agency: str = "UBND {ward}"
    fallback_agency: str = ""

    @classmethod
    def load(cls, data_dir: Path) -> ServiceCatalog:
        path = data_dir / PATH
        if not path.is_file():
            log.warning("no %s: every report is filed under %r", path, OTHER)
            return cls({OTHER: Service(OTHER, "Khác", "Other")})
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            services = {s.code: s for s in (_service(item) for item in raw.get("service", []))}
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise CatalogError(f"{path}: {exc}") from exc
        services.setdefault(OTHER, Service(OTHER, "Khác", "Other"))
        return cls(services, str(raw.get("default_agency", "UBND {ward}")), str(raw.get("fallback_agency", "")))

    def classify(self, text: str) -> Classified:
        words = fold(text).split()[:MAX_WORDS]
        padded = f" {' '.join(words)} "
        best: tuple[int, str, Service] | None = None
        for service in self.services.values():
            for phrase in service.words:
                if f" {phrase} " in padded and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), phrase, service)
        return Classified(best[2], best[1]) if best else Classified(self.services[OTHER], "")

    def agency(self, service: Service, ward: str, titled_ward: str) -> str:
        """Who handles ``service`` in ``ward`` (its name today); ``titled_ward`` is "phường Hải Châu"."""
        template = service.agencies.get(ward) or service.agency or self.default_agency
        if "{ward}" in template:
            return template.replace("{ward}", titled_ward) if ward else (self.fallback_agency or template)
        return template


def _service(item: dict[str, object]) -> Service:
    code = item["code"]
    if not isinstance(code, str) or not code.isidentifier():
        raise CatalogError(f"service code {code!r} must be letters, digits and _")
    words = item.get("words", [])
    agencies = item.get("agencies", {})
    days = item.get("days", 7)
    if not isinstance(words, list) or not isinstance(agencies, dict) or not isinstance(days, int) or days < 0:
        raise CatalogError(f"service {code}: words must be a list, agencies a table, days a whole number")
    return Service(code, str(item["name_vi"]), str(item["name_en"]), str(item.get("description", "")),
                   str(item.get("group", "")), tuple(w for w in (fold(str(w)) for w in words) if w),
                   str(item.get("agency", "")), {str(k): str(v) for k, v in agencies.items()}, days)
