"""PA (file a report) and TT (follow one): the residents' side of citizen reports.

``PA o ga lon truoc 120 Le Duan`` files a ticket under the category its words suggest, at the place the text
names, and answers with the code; the same text from the same sender within 24 hours gets the same ticket back.
``PA AN ...`` files without keeping the sender's contact. ``TT 7KQ3M`` shows a ticket; ``TT`` alone the sender's
last three; a code with one typo gets "did you mean" naming the ticket it most likely was, never its details.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from handlers.i18n import pick
from handlers.registry import Request, command
from handlers.reply import Field, Lang, Reply
from handlers.reports import codes
from handlers.reports.context import Reporter, current
from handlers.reports.filing import locate, new_ticket
from handlers.reports.store import Place, Ticket
from handlers.reports.view import service_name, status_label, ticket_reply
from lookups.clock import VIETNAM
from lookups.text import fold

MAX_DESCRIPTION = 4000  # Open311's limit for a description
ADDRESS = 200  # of a place given as free text
SAME_TEXT = timedelta(hours=24)
LISTED = 3
OWN = 20  # of a sender's latest tickets, those that "PA <code> <place>" may still give a place
RECENT = 200  # of a sender's tickets of the last day read at once (the daily limit is far below)
ANONYMOUS = frozenset({"an", "andanh"})
# "an" begins ordinary phrases ("an toàn", "ăn uống"): followed by one of these it is the report's first word.
NOT_ANONYMOUS = frozenset({"toan", "uong", "ninh", "cap", "xin", "trom", "nhau", "com", "sang", "trua", "toi",
                           "khach", "phai", "vat", "hai", "khe", "don", "nhap", "cu", "tam"})


@command("PA", aliases=("PHANANH", "BAOCAO", "REPORT"), english=("REPORT",),
         help_vi="PA <nội dung, địa điểm>: phản ánh hiện trường (PA AN ... để ẩn danh)",
         help_en="REPORT <what, where>: report a problem in the city",
         example="PA o ga lon truoc 120 Le Duan", category=("Phản ánh", "Reports"), order=90)
def report(req: Request) -> Reply:
    reporter = current()
    if reporter is None:
        return _not_here(req.lang, "pa")
    anonymous, text = _anonymity(req.argument)
    if not fold(text):
        return Reply("pa", "help", req.lang, pick(req.lang, "Soạn PA <nội dung> kèm tên đường hoặc phường.",
                                                  "Send REPORT <what> with the street or ward."),
                     hint=pick(req.lang, "Ví dụ: PA o ga lon truoc 120 Le Duan",
                               "Example: REPORT pothole outside 120 Le Duan"))
    head, _, rest = text.partition(" ")
    code = codes.normalise(head)
    if code is not None and len(code) > codes.BODY and codes.valid(code) and rest.strip() and not anonymous:
        placed = _add_place(reporter, code, rest, req.lang, req.now)
        if placed is not None:
            return placed
    return file_report(reporter, text[:MAX_DESCRIPTION], req.lang, req.now, anonymous)


def _add_place(reporter: Reporter, code: str, text: str, lang: Lang, now: datetime,
               free_text: bool = False) -> Reply | None:
    """``PA 7KQ3M 120 Le Duan``: the place of a report filed without one. None when the code is not the sender's
    ticket (the text is then a report of its own). With ``free_text`` (the answer to "where?") a text without a
    known street or ward is kept as the address as written."""
    desk, sender = reporter.desk, reporter.sender_hash
    if not sender:
        return None
    place = locate(desk.places, text)
    if place == Place():  # no street or ward in it
        if not free_text:
            if not desk.store.owns(code, sender, OWN):
                return None
            return Reply("pa", "not_found", lang, pick(
                lang, f"Không nhận ra tên đường hoặc phường trong \"{text[:40]}\".",
                f"No street or ward recognised in \"{text[:40]}\"."),
                hint=pick(lang, f"Ví dụ: PA {code} 120 Le Duan", f"Example: REPORT {code} 120 Le Duan"))
        place = Place(address=" ".join(text.split())[:ADDRESS])
    if not desk.store.set_place(code, sender, place, now, OWN):  # one statement checks it is theirs and sets it
        return None
    return Reply("pa", "found", lang, pick(lang, f"Đã ghi địa điểm cho {codes.display(code)}: {place.address}.",
                                           f"Place of {codes.display(code)} noted: {place.address}."),
                 hint=pick(lang, f"Soạn TT {code} để xem tình trạng.", f"Send STATUS {code} to follow it."))


def place_answer(code: str, text: str, lang: Lang, now: datetime) -> Reply | None:
    """The sender's next message after "where?" (``Reporter.asked_place``), taken as the place of ``code``: a
    street or ward when one is recognised, else the text as written. None when it cannot be (no reporter, or
    not the sender's ticket)."""
    reporter = current()
    if reporter is None or not fold(text):
        return None
    return _add_place(reporter, code, text[:MAX_DESCRIPTION], lang, now, free_text=True)


@command("TT", aliases=("TINHTRANG", "STATUS"), english=("STATUS",),
         help_vi="TT <mã>: tình trạng phản ánh (TT: 3 phản ánh gần nhất)",
         help_en="STATUS <code>: where your report stands (STATUS alone: your last three)",
         example="TT 7KQ3M", category=("Phản ánh", "Reports"), order=91)
def track(req: Request) -> Reply:
    reporter = current()
    if reporter is None:
        return _not_here(req.lang, "tt")
    if not fold(req.argument):
        return _latest(reporter, req.lang)
    return _one(reporter, req.argument, req.lang)


def _not_here(lang: Lang, intent: str) -> Reply:
    return Reply(intent, "help", lang, pick(lang, "Phản ánh chỉ nhận qua tin nhắn SMS hoặc Zalo.",
                                             "Reports are taken by SMS or Zalo only."))


def _anonymity(argument: str) -> tuple[bool, str]:
    words = argument.split(maxsplit=2)
    folded = [fold(w) for w in words]
    if len(words) >= 2 and folded[0] == "an" and folded[1] == "danh":  # "PA AN DANH ..."
        return True, words[2] if len(words) > 2 else ""
    if folded and folded[0] in ANONYMOUS and (len(folded) == 1 or folded[1].split(" ")[0] not in NOT_ANONYMOUS):
        return True, argument.split(maxsplit=1)[1] if len(words) > 1 else ""
    return False, argument


def file_report(reporter: Reporter, text: str, lang: Lang, now: datetime, anonymous: bool) -> Reply:
    desk = reporter.desk
    text_hash = hashlib.sha256(fold(text).encode()).hexdigest()[:32]
    if reporter.sender_hash:
        midnight = now.astimezone(VIETNAM).replace(hour=0, minute=0, second=0, microsecond=0)
        since = min(midnight, now - SAME_TEXT)
        filed = desk.store.recent(reporter.sender_hash, since, max(RECENT, desk.daily_limit + 1))
        same = next((f for f in filed if f.text_hash == text_hash and f.created_at >= now - SAME_TEXT), None)
        ticket = desk.store.get(same.code) if same else None
        if ticket is not None:
            return _filed(ticket, reporter, lang, again=True)
        today = sum(1 for f in filed if f.created_at >= midnight)
        if desk.daily_limit and today >= desk.daily_limit:
            return Reply("pa", "error", lang, pick(
                lang, f"Bạn đã gửi {desk.daily_limit} phản ánh hôm nay, mức tối đa trong một ngày.",
                f"You have filed {desk.daily_limit} reports today, the most a day allows."),
                hint=pick(lang, "Vui lòng gửi tiếp vào ngày mai. Soạn TT để xem các phản ánh đã gửi.",
                          "Please send more tomorrow. Send STATUS to see the ones you filed."))
    classified = desk.services.classify(text)
    ticket = desk.store.create(new_ticket(
        desk, classified.service, locate(desk.places, text), now, description=text, channel=reporter.channel,
        lang=lang, sender_hash=reporter.sender_hash, contact="" if anonymous else reporter.sender,
        text_hash=text_hash, anonymous=anonymous), now)
    return _filed(ticket, reporter, lang, again=False, words=classified.words)


def _filed(ticket: Ticket, reporter: Reporter, lang: Lang, *, again: bool, words: str = "") -> Reply:
    name = service_name(reporter.desk.services, ticket.service_code, lang)
    kind = f"{name}: {words}" if words else name
    code = codes.display(ticket.code)
    title = (pick(lang, f"Phản ánh này đã được ghi nhận: {code} ({kind}).", f"This report is already filed: {code} "
                  f"({kind}).") if again else
             pick(lang, f"Đã nhận phản ánh {code} ({kind}).", f"Report {code} received ({kind})."))
    fields = [Field(pick(lang, "Địa điểm", "Place"), ticket.place.address)] if ticket.place.address else []
    fields.append(Field(pick(lang, "Cơ quan xử lý", "Agency"), ticket.agency))
    if ticket.place.lat is not None and not ticket.place.address:
        fields.append(Field(pick(lang, "Vị trí", "Location"), pick(lang, "đã ghi từ Zalo", "taken from Zalo")))
    if ticket.media_urls:
        fields.append(Field(pick(lang, "Ảnh", "Photos"), str(len(ticket.media_urls))))
    if ticket.anonymous:
        fields.append(Field("", pick(lang, "Phản ánh ẩn danh: không lưu liên hệ nên bạn sẽ không nhận thông báo.",
                                     "Anonymous: no contact kept, so you will not be notified.")))
    if not ticket.place.address and ticket.place.lat is None:
        fields.append(Field("", where_question(lang, reporter.channel)))
        reporter.asked_place.append(ticket.code)
    return Reply("pa", "found", lang, title, fields=tuple(fields),
                 hint=pick(lang, f"Soạn TT {ticket.code} để xem tình trạng.",
                           f"Send STATUS {ticket.code} to follow it."))


def where_question(lang: Lang, channel: str) -> str:
    """Asked once: the sender's next message is taken as the place (``place_answer``)."""
    if channel == "zalo":
        return pick(lang, "Ở đâu? Gửi tên đường/phường hoặc vị trí Zalo.",
                    "Where is it? Send the street or ward, or a Zalo location.")
    return pick(lang, "Ở đâu? Gửi tên đường/phường.", "Where is it? Send the street or ward.")


def _latest(reporter: Reporter, lang: Lang) -> Reply:
    tickets = reporter.desk.store.latest(reporter.sender_hash, LISTED) if reporter.sender_hash else []
    if not tickets:
        return Reply("tt", "not_found", lang, pick(lang, "Bạn chưa gửi phản ánh nào.", "You have filed no reports."),
                     hint=pick(lang, "Soạn PA <nội dung> để phản ánh.", "Send REPORT <what, where> to file one."))
    services = reporter.desk.services
    fields = []
    for ticket in tickets:
        kind = service_name(services, ticket.service_code, lang)
        fields.append(Field(codes.display(ticket.code), f"{status_label(ticket, lang)} ({kind}, "
                            f"{ticket.created_at.astimezone(VIETNAM):%d/%m})"))
    title = pick(lang, "Phản ánh gần nhất của bạn:", "Your latest reports:")
    return Reply("tt", "found", lang, title, fields=tuple(fields),
                 hint=pick(lang, "Soạn TT <mã> để xem chi tiết.", "Send STATUS <code> for details."))


def _one(reporter: Reporter, typed: str, lang: Lang) -> Reply:
    store = reporter.desk.store
    code = codes.normalise(typed)
    if code is not None and codes.valid(code):
        ticket = store.get(code)
        if ticket is not None:
            return ticket_reply(ticket, reporter.desk.services, lang)
    if code is None:
        return _unknown(typed.strip()[:20], lang, ())
    guesses = sorted(store.existing(codes.near(code)))[:LISTED]
    return _unknown(codes.display(code), lang, guesses)


def _unknown(typed: str, lang: Lang, guesses: list[str] | tuple[str, ...]) -> Reply:
    title = pick(lang, f"Không tìm thấy phản ánh {typed}.", f"No report {typed}.")
    if not guesses:
        return Reply("tt", "not_found", lang, title, hint=pick(
            lang, "Mã có dạng PA-7KQ3M. Soạn TT để xem các phản ánh của bạn.",
            "Codes look like PA-7KQ3M. Send STATUS to list yours."))
    mean = ", ".join(codes.display(g) for g in guesses)
    return Reply("tt", "not_found", lang, f"{title} " + pick(lang, f"Có phải {mean}?", f"Did you mean {mean}?"),
                 hint=pick(lang, f"Soạn TT {guesses[0]} để xem.", f"Send STATUS {guesses[0]} to see it."))
