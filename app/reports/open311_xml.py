"""GeoReport v2's XML form: a root element holding one element per item, fields as child elements, lists as a
wrapper of repeated elements (``<formats><format>``), None as an empty element."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold at all
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
