"""Turn a channel-neutral ``Reply`` into an SMS (GSM-7, no marks), a Zalo message or JSON.

SMS and Zalo share one layout, built by ``fit_parts``: the title, the fields and options while they fit,
a ``(+N more)`` line for what was left out, then the hint and the data footer. Title, hint and footer are
always kept; text is only ever shortened at a word boundary, with ``...``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.gsm7 import gsm7_ok, sms_segments, to_gsm7
from handlers.reply import Field, Footer, Lang, Match, Option, Reply

__all__ = ["RENDERERS", "fit_parts", "gsm7_ok", "render", "render_json", "render_sms", "render_zalo",
           "reply_from_json", "shorten", "sms_segments"]

SMS_BUDGET = 459  # 3 concatenated GSM-7 segments of 153 characters
ZALO_LIMIT = 2000
MIN_CUT = 40  # a field is shortened (rather than left out) only if this much of it fits
ELLIPSIS = "..."
_SEPARATORS = frozenset("-–—·,;:/")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, ending in ``...``.

    A first word longer than the limit is the one case cut mid-word (better than losing it all).
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ""
    keep = limit - len(ELLIPSIS)
    cut = text[:keep]
    if not text[keep].isspace():
        space = cut.rfind(" ")
        cut = cut[:space] if space > 0 else cut
    words = cut.split(" ")
    while len(words) > 1 and (not words[-1] or set(words[-1]) <= _SEPARATORS):
        words.pop()  # no dangling "Pho Hoa -..." or "Gia:..."
    return " ".join(words).rstrip() + ELLIPSIS


def _squeeze(lines: list[str], budget: int) -> list[str]:
    """Shorten ``lines`` (to be joined by newlines) to fit ``budget``, sharing the room fairly: short lines
    stay whole and the longest lose the most. A line may come back empty when the budget is tiny."""
    available = budget - (len(lines) - 1)
    if sum(map(len, lines)) <= available:
        return lines
    out = list(lines)
    for done, i in enumerate(sorted(range(len(lines)), key=lambda i: len(lines[i]))):
        out[i] = shorten(lines[i], max(0, available) // (len(lines) - done))
        available -= len(out[i])
    return out


def fit_parts(title: str, body: Sequence[str], tail: Sequence[str], budget: int,
              marker: Callable[[int], str], more: int = 0, cuttable: int | None = None) -> str:
    """Lines joined by ``\\n`` in at most ``budget`` characters: ``title``, then ``body`` parts in order
    while they fit, then ``marker(n)`` when ``n`` = parts left out + ``more`` is positive and it fits,
    then ``tail``. Title and tail are always kept (shortened only if they alone exceed the budget).
    The first part that does not fit is shortened instead if ``MIN_CUT`` characters of it fit and it is
    one of the first ``cuttable`` parts (default: any). All parts must be single lines, already in the
    channel's alphabet."""
    if budget < 1:
        raise ValueError(f"budget must be positive, got {budget}")
    head, *tail_lines = _squeeze([title, *(line for line in tail if line)], budget)
    used = len("\n".join(line for line in (head, *tail_lines) if line))

    def cost(line: str) -> int:
        return len(line) + (1 if used else 0)

    shown: list[str] = []
    for i, part in enumerate(body):
        if used + cost(part) <= budget:
            shown.append(part)
            used += cost(part)
            continue
        if cuttable is not None and i >= cuttable:
            break
        room = budget - used - (1 if used else 0)
        left = len(body) - i - 1 + more
        if left and room - len(marker(left)) - 1 >= MIN_CUT:
            room -= len(marker(left)) + 1  # keep room to say what else there is
        if room >= MIN_CUT:
            shown.append(shorten(part, room))
            used += cost(shown[-1])
        break
    left = len(body) - len(shown) + more
    if left > 0 and used + cost(marker(left)) <= budget:
        shown.append(marker(left))
    return "\n".join(line for line in (head, *shown, *tail_lines) if line)


@dataclass(frozen=True)
class _Style:
    """What differs between the SMS and Zalo text: alphabet, separators and wording."""

    clean: Callable[[str], str]  # to one line in the channel's alphabet
    dash: str
    marker: Callable[[int, Lang, bool], str]  # (count, lang, fields were left out)
    footer: Callable[[Footer, Lang], str]


def _layout(reply: Reply, style: _Style, budget: int) -> str:
    fields = [style.clean(f"{f.label}: {f.value}" if f.label.strip() else f.value) for f in reply.fields
              if f.sms or style is not _SMS]
    options = [style.clean(f"{o.number}. {o.label}{style.dash}{o.detail}" if o.detail.strip()
                           else f"{o.number}. {o.label}") for o in reply.options]
    body = [part for part in (*fields, *options) if part]
    n_fields = sum(1 for part in fields if part)
    footer = style.footer(reply.footer, reply.lang) if reply.footer else ""
    tail = [style.clean(reply.hint), style.clean(footer)]

    more = max(0, reply.more)

    def marker(count: int) -> str:
        # fields come first, so fields were left out iff fewer parts than fields were shown
        return style.marker(count, reply.lang, len(body) - (count - more) < n_fields)

    return fit_parts(style.clean(reply.title), body, tail, budget, marker, more=more, cuttable=n_fields)


def _sms_clean(text: str) -> str:
    return " ".join(to_gsm7(text).split())


def _zalo_clean(text: str) -> str:
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch.isspace())
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sms_marker(count: int, lang: Lang, fields_left: bool) -> str:
    if lang == "en":
        return f"(+{count} more)"
    return f"(+{count} muc khac)" if fields_left else f"(+{count} ket qua khac)"


def _zalo_marker(count: int, lang: Lang, fields_left: bool) -> str:
    if lang == "en":
        return f"(+{count} more)"
    return f"(+{count} mục khác)" if fields_left else f"(+{count} kết quả khác)"


def _sms_footer(footer: Footer, lang: Lang) -> str:
    if lang == "en":
        sample = " (sample data)" if footer.sample else ""
        return f"Data {footer.as_of.isoformat()}, {footer.source}{sample}"
    sample = " (du lieu mau)" if footer.sample else ""
    return f"DL {footer.as_of:%d/%m/%Y}, {footer.source}{sample}"


def _zalo_footer(footer: Footer, lang: Lang) -> str:
    if lang == "en":
        sample = " · sample data" if footer.sample else ""
        return f"Data as of {footer.as_of.isoformat()} · Source: {footer.source}{sample}"
    sample = " · dữ liệu mẫu" if footer.sample else ""
    return f"Dữ liệu đến {footer.as_of:%d/%m/%Y} · Nguồn: {footer.source}{sample}"


_SMS = _Style(_sms_clean, " - ", _sms_marker, _sms_footer)
_ZALO = _Style(_zalo_clean, " — ", _zalo_marker, _zalo_footer)


def render_sms(reply: Reply, budget: int = SMS_BUDGET) -> str:
    """GSM-7 basic characters only, no Vietnamese marks, at most ``budget`` characters (= septets)."""
    return _layout(reply, _SMS, budget)


def render_zalo(reply: Reply, limit: int = ZALO_LIMIT) -> str:
    """Full Vietnamese (NFC), at most ``limit`` characters (code points)."""
    return _layout(reply, _ZALO, limit)


def _options(options: tuple[Option, ...]) -> list[dict[str, object]]:
    return [{"number": o.number, "label": o.label, "detail": o.detail, "command": o.command} for o in options]


def render_json(reply: Reply) -> dict[str, object]:
    """The reply as JSON-ready data (dates as ISO strings); ``reply_from_json`` reads it back. ``pending`` is
    there only when the reply has options beyond those listed."""
    footer = reply.footer
    data: dict[str, object] = {
        "intent": reply.intent,
        "status": reply.status,
        "lang": reply.lang,
        "title": reply.title,
        "fields": [{"label": f.label, "value": f.value, **({} if f.sms else {"sms": False})} for f in reply.fields],
        "options": _options(reply.options),
        "more": reply.more,
        "hint": reply.hint,
        "footer": None if footer is None else {"as_of": footer.as_of.isoformat(), "source": footer.source,
                                               "sample": footer.sample},
        "matches": [{"dataset": m.dataset, "id": m.id, "name": m.name, "score": float(m.score)}
                    for m in reply.matches],
    }
    if reply.pending:
        data["pending"] = _options(reply.pending)
    return data


def reply_from_json(data: dict[str, Any]) -> Reply:
    """The ``Reply`` that ``render_json`` was given (the result cache and conversations store replies this way)."""
    footer = data.get("footer")
    return Reply(
        intent=str(data["intent"]), status=data["status"], lang=data["lang"], title=str(data["title"]),
        fields=tuple(Field(f["label"], f["value"], bool(f.get("sms", True))) for f in data.get("fields", ())),
        options=tuple(Option(**o) for o in data.get("options", ())),
        more=int(data.get("more", 0)), hint=str(data.get("hint", "")),
        footer=None if footer is None else Footer(date.fromisoformat(footer["as_of"]), footer["source"],
                                                  bool(footer["sample"])),
        matches=tuple(Match(**m) for m in data.get("matches", ())),
        pending=tuple(Option(**o) for o in data.get("pending", ())),
    )


RENDERERS: dict[str, Callable[[Reply], str | dict[str, object]]] = {
    "sms": render_sms,
    "zalo": render_zalo,
    "json": render_json,
}


def render(reply: Reply, channel: str) -> str | dict[str, object]:
    """Render for ``channel`` (``sms``, ``zalo`` or ``json``) with its default limits."""
    try:
        renderer = RENDERERS[channel]
    except KeyError:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(RENDERERS)}") from None
    return renderer(reply)
