"""Server-side SVG: bar charts for traffic and the reports map (points over the gazetteer's streets). No script
and no library: the page is an image the browser draws, which works offline and on any phone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#12355b", "#2a7ab0", "#f2a900", "#1d6b35", "#9b1c1c", "#6b4fa3", "#5b6570")


def bars(items: Sequence[tuple[str, float]], title: str, width: int = 360, unit: str = "") -> str:
    """Horizontal bars, one per item, the value at the end of each; labels left."""
    if not items:
        return ""
    row, label_w = 22, 110
    top = max(value for _, value in items) or 1
    height = row * len(items) + 6
    parts = [*_open(width, height, title, 12)]
    for n, (label, value) in enumerate(items):
        y = n * row + 3
        length = (width - label_w - 50) * value / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label[:16])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{row - 6}" '
                     f'fill="{PALETTE[n % len(PALETTE)]}"/>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 14}">{_number(value)}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(items: Sequence[tuple[str, float]], title: str, width: int = 720, height: int = 180,
            overlay: Sequence[float] | None = None) -> str:
    """Vertical columns over time (one per day), labelled every few; ``overlay`` is a share (0-1) drawn as a
    line on the same width, e.g. the not-found rate."""
    if not items:
        return ""
    base, left = height - 20, 34
    top = max(value for _, value in items) or 1
    step = (width - left) / len(items)
    parts = [*_open(width, height, title, 11),
             f'<text x="0" y="12">{_number(top)}</text>', f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" '
             f'stroke="#8a939c"/>']
    every = max(1, len(items) // 6)
    for n, (label, value) in enumerate(items):
        x = left + n * step
        h = (base - 10) * value / top
        parts.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
                     f'fill="#2a7ab0"><title>{escape(label)}: {_number(value)}</title></rect>')
        if n % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 4}">{escape(label[5:])}</text>')
    if overlay:
        points = " ".join(f"{left + (n + 0.5) * step:.1f},{base - (base - 10) * share:.1f}"
                          for n, share in enumerate(overlay))
        parts.append(f'<polyline points="{points}" fill="none" stroke="#f2a900" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    label: str
    href: str = ""


def street_map(streets: Iterable[tuple[str, float, float]], points: Sequence[Point], title: str,
               width: int = 720) -> str:
    """The gazetteer's streets as grey dots (named), and each point as a red marker linking to ``href``."""
    streets = list(streets)
    every = [(lat, lon) for _, lat, lon in streets] + [(p.lat, p.lon) for p in points]
    if not every:
        return ""
    lat0, lat1 = min(a for a, _ in every), max(a for a, _ in every)
    lon0, lon1 = min(b for _, b in every), max(b for _, b in every)
    span_lat, span_lon = max(lat1 - lat0, 0.01), max(lon1 - lon0, 0.01)
    height = int(width * span_lat / span_lon) if span_lon else width
    height = max(240, min(height, 900))
    pad = 16

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (pad + (lon - lon0) / span_lon * (width - 2 * pad), pad + (lat1 - lat) / span_lat * (height - 2 * pad))

    parts = [*_open(width, height, title, 9),
             f'<rect width="{width}" height="{height}" fill="#eef3f7"/>']
    for name, lat, lon in streets:
        x, y = xy(lat, lon)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#9aa5b1"><title>{escape(name)}</title></circle>')
    for p in points:
        x, y = xy(p.lat, p.lon)
        marker = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#d50000" stroke="#fff" stroke-width="2">'
                  f'<title>{escape(p.label)}</title></circle>')
        parts.append(f'<a href="{escape(p.href)}">{marker}</a>' if p.href else marker)
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str, size: int) -> list[str]:
    return [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="{size}" font-family="sans-serif">',
            f"<title>{escape(title)}</title>"]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
