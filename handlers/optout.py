"""Opting out of proactive messages and back in, by a whole message: ``STOP`` (and the other words Twilio honours on
long codes) or the Vietnamese ``HUY DK``, ``TU CHOI``, ``DUNG``, ``NGUNG``, in any case, with or without accents;
``START``, ``BATDAU``, ``DK`` to come back. ``HUY`` alone is not here: it cancels a numbered list (``handlers.choice``).
Where the choice is kept is the app's business (``app.outbound.consent``); this module only reads the words and writes
the acknowledgements, in the language of the word (or of the sender's last messages).
"""

from __future__ import annotations

from typing import Literal

from handlers.i18n import pick
from handlers.reply import Lang, Reply
from lookups.text import fold

Consent = Literal["stop", "start"]
# Folded, spaces removed: "Hủy ĐK", "huy dk" and "HUYDK" are one word here.
STOP_WORDS: dict[str, Lang] = {**dict.fromkeys(("stop", "stopall", "unsubscribe", "cancel", "end", "quit"), "en"),
                               **dict.fromkeys(("huydk", "tuchoi", "dung", "ngung"), "vi")}
START_WORDS: dict[str, Lang] = {"start": "en", "batdau": "vi", "dk": "vi"}
LONGEST = 12  # characters: anything longer is not one of the words, whatever it folds to


def consent_of(text: str) -> tuple[Consent, Lang] | None:
    """("stop" | "start", the word's language) when the whole message is one of the words, else None."""
    if len(text) > 4 * LONGEST:
        return None
    word = fold(text).replace(" ", "")
    if word in STOP_WORDS:
        return "stop", STOP_WORDS[word]
    if word in START_WORDS:
        return "start", START_WORDS[word]
    return None


def stopped(lang: Lang) -> Reply:
    return Reply("optout", "help", lang,
                 pick(lang, "Bạn đã ngừng nhận tin nhắn chủ động của tổng đài trên kênh này.",
                      "You will get no more notices from this hotline on this channel."),
                 hint=pick(lang, "Soạn BATDAU để nhận lại. Bạn vẫn tra cứu được như trước.",
                           "Send START to get them again. Lookups still work as before."))


def started(lang: Lang) -> Reply:
    return Reply("optin", "help", lang,
                 pick(lang, "Bạn sẽ nhận lại tin nhắn của tổng đài trên kênh này.",
                      "You will get notices from this hotline on this channel again."),
                 hint=pick(lang, "Soạn DUNG để ngừng nhận; soạn HD để xem hướng dẫn tra cứu.",
                           "Send STOP to stop them; HELP for the menu."))
