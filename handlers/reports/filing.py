"""Filing a ticket, wherever it comes from (a resident's PA by SMS or Zalo, an Open311 client): where it is, which
agency handles it there, and when it is due. One place, so that the channels cannot drift apart on any of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.reports.catalog import Service
from handlers.reports.context import Desk
from handlers.reports.store import NewTicket, Place
from lookups.places import Gazetteer


def locate(places: Gazetteer, text: str, address: str = "", lat: float | None = None,
           lon: float | None = None) -> Place:
    """The street and ward ``text`` names (``Place()`` when it names none), shown as ``address`` when one was
    given (an Open311 ``address_string``), else as the gazetteer writes it."""
    found = places.find(text)
    if found is None:
        return Place(address=address, lat=lat, lon=lon)
    return Place(found.street, found.ward, address or found.address, lat, lon)


def new_ticket(desk: Desk, service: Service, place: Place, now: datetime, *, description: str, channel: str,
               lang: str = "vi", sender_hash: str = "", contact: str = "", text_hash: str = "",
               anonymous: bool = False, media_url: str = "", token: str = "") -> NewTicket:
    """A ticket of ``service`` at ``place``, for the agency that handles that service in its ward, due after the
    service's days."""
    agency = desk.services.agency(service, place.ward, desk.places.titled(place.ward))
    return NewTicket(description=description, service_code=service.code, agency=agency, place=place,
                     channel=channel, sender_hash=sender_hash, contact=contact, text_hash=text_hash, lang=lang,
                     due_at=now + timedelta(days=service.days), anonymous=anonymous, media_url=media_url, token=token)
