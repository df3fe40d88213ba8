"""Open311 GeoReport v2 under /open311/v2/ (filled in below)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")
