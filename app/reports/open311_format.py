"""GeoReport v2's forms: a ticket as a service request (the spec's fields, in its order), and the XML of any
answer: a root element holding one element per item, fields as child elements, lists as a wrapper of repeated
elements (``<formats><format>``), None as an empty element."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from handlers.reports import codes
from handlers.reports.catalog import Service
from handlers.reports.store import CLOSED, Ticket
from handlers.reports.view import status_label
from lookups.clock import VIETNAM

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold at all
PHONE_LIKE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
PLURALS = {"formats": "format", "endpoints": "endpoint", "attributes": "attribute", "values": "value"}


def to_xml(data: Any, root: str, item: str) -> str:
    top = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _fill(ET.SubElement(top, item), entry)
    else:
        _fill(top, data)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, list):
                wrapper = ET.SubElement(element, key)
                for entry in inner:
                    _fill(ET.SubElement(wrapper, PLURALS.get(key, "item")), entry)
            else:
                _fill(ET.SubElement(element, key), inner)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _NOT_XML.sub("", str(value))


def stamp(moment: datetime | None) -> str | None:
    """ISO 8601 in Da Nang time: ``2026-12-01T08:30:00+07:00``."""
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds") if moment else None


def service_notice(service: Service) -> str:
    return f"Thời hạn xử lý {service.days} ngày làm việc."


def request_fields(ticket: Ticket, service: Service | None, root_url: str) -> dict[str, Any]:
    """A ticket as a GeoReport v2 service request; never the reporter's contact, and phone-like numbers in the
    description masked. ``root_url`` makes our own photo links absolute."""
    closed = ticket.status in CLOSED
    notes = status_label(ticket, "vi") + (f". {ticket.public_note}" if ticket.public_note else "")
    media = ticket.media_urls[0] if ticket.media_urls else ""
    return {"service_request_id": codes.display(ticket.code), "status": "closed" if closed else "open",
            "status_notes": notes, "service_name": service.name_vi if service else ticket.service_code,
            "service_code": ticket.service_code, "description": PHONE_LIKE.sub("[số điện thoại]", ticket.description),
            "agency_responsible": ticket.agency, "service_notice": service_notice(service) if service else "",
            "requested_datetime": stamp(ticket.created_at),
            "updated_datetime": stamp(ticket.closed_at if closed and ticket.closed_at else ticket.updated_at),
            "expected_datetime": stamp(ticket.due_at), "address": ticket.place.address, "address_id": "",
            "zipcode": "", "lat": ticket.place.lat, "long": ticket.place.lon,
            "media_url": root_url + media if media.startswith("/") else media}
