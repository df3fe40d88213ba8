"""Numbered choices across messages, for channels that remember the conversation: after a reply with options,
``2`` picks the second, ``0``/``HUY`` cancels and ``THEM`` shows the next five. What is remembered is the reply
itself (``Listing``); where it is kept, and for how long, is the caller's business (``app.exchange``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from handlers.i18n import pick
from handlers.reply import Lang, Option, Reply
from lookups.text import fold

PAGE = 5
CANCEL = frozenset({"0", "huy"})  # not "cancel": as a whole message it opts out (handlers.optout), as on Twilio
MORE = frozenset({"them", "xem them", "more", "next"})
NUMBER = re.compile(r"^\d{1,2}$")


@dataclass(frozen=True)
class Choice:
    action: Literal["pick", "cancel", "more"]
    number: int = 0


def choice_of(text: str) -> Choice | None:
    """What a message means as an answer to a list ("2", "2.", "HUY", "Thêm"), or None for anything else."""
    folded = fold(text)
    if folded in CANCEL:
        return Choice("cancel")
    if folded in MORE:
        return Choice("more")
    if NUMBER.match(folded):
        return Choice("pick", int(folded))
    return None


def offers(reply: Reply) -> bool:
    """Does this reply ask the resident to choose (an ambiguous answer, or suggestions)?"""
    return reply.status in ("ambiguous", "not_found") and bool(reply.options)


@dataclass(frozen=True)
class Listing:
    """A reply that offered choices, and which page of them the resident is looking at."""

    reply: Reply
    page: int = 0

    def shown(self) -> tuple[Option, ...]:
        if self.page == 0:
            return self.reply.options
        start = (self.page - 1) * PAGE
        return tuple(replace(o, number=n) for n, o in enumerate(self.reply.pending[start:start + PAGE], 1))

    def has_next(self) -> bool:
        return len(self.reply.pending) > self.page * PAGE

    def picked(self, number: int) -> Option | None:
        shown = self.shown()
        return shown[number - 1] if 1 <= number <= len(shown) else None


def numbered(reply: Reply, has_next: bool) -> Reply:
    """``reply`` with a hint for answering by number instead of the stateless "send ATTP ..."."""
    return replace(reply, hint=_hint(len(reply.options), reply.lang, has_next))


def _hint(count: int, lang: Lang, has_next: bool) -> str:
    span = "1" if count == 1 else f"1-{count}"
    more = pick(lang, "; THEM để xem tiếp", "; MORE for the next ones") if has_next else ""
    return pick(lang, f"Trả lời {span} để chọn{more}.", f"Reply {span} to choose{more}.")


def next_page(listing: Listing) -> tuple[Listing, Reply]:
    """The next five options, numbered 1-5 again, and the listing now on that page."""
    if not listing.has_next():
        return listing, _note(listing, pick(listing.reply.lang, "Không còn kết quả nào khác.", "There are no more."))
    after = Listing(listing.reply, listing.page + 1)
    original, shown = listing.reply, after.shown()
    first = len(original.options) + (after.page - 1) * PAGE + 1
    last, total = first + len(shown) - 1, len(original.options) + original.more
    title = pick(original.lang, f"Kết quả {first}-{last} trong {total}:", f"Results {first}-{last} of {total}:")
    reply = Reply(original.intent, "ambiguous", original.lang, title, options=shown, more=max(0, total - last),
                  hint=_hint(len(shown), original.lang, after.has_next()), footer=original.footer)
    return after, reply


def out_of_range(listing: Listing) -> Reply:
    count = len(listing.shown())
    return _note(listing, pick(listing.reply.lang, f"Chỉ có {count} lựa chọn.", f"There are only {count} choices."))


def _note(listing: Listing, title: str) -> Reply:
    return Reply("choice", "help", listing.reply.lang, title,
                 hint=_hint(len(listing.shown()), listing.reply.lang, listing.has_next()))


def cancelled(lang: Lang) -> Reply:
    return Reply("choice", "help", lang, pick(lang, "Đã hủy.", "Cancelled."),
                 hint=pick(lang, "Soạn HD để xem hướng dẫn tra cứu.", "Send HELP for the menu."))


def expired(lang: Lang) -> Reply:
    return Reply("choice", "help", lang, pick(lang, "Danh sách đã hết hạn, vui lòng tìm lại.",
                                              "That list has expired, please search again."),
                 hint=pick(lang, "Soạn HD để xem hướng dẫn tra cứu.", "Send HELP for the menu."))
