"""The tickets part of the operators' OpenAPI document (``app.openapi``)."""

from __future__ import annotations

from typing import Any

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_CODE = {"name": "code", "in": "path", "required": True, "description": "PA-7KQ3M, 7KQ3M, any case",
         "schema": {"type": "string"}}
TICKET: dict[str, Any] = {"type": "object", "properties": {
    "code": {"type": "string", "examples": ["PA-7KQ3M"]},
    "status": {"type": "string", "enum": ["received", "in_progress", "resolved", "duplicate", "rejected"]},
    "service_code": {"type": "string"}, "service_name": {"type": "string"}, "agency": {"type": "string"},
    "public_note": {"type": "string", "description": "what the reporter is told"},
    "duplicate_of": {"type": "string"}, "address": {"type": "string"}, "ward": {"type": "string"},
    "lat": {"type": ["number", "null"]}, "long": {"type": ["number", "null"]},
    "channel": {"type": "string"}, "anonymous": {"type": "boolean"},
    "contact": {"type": "string", "description": "masked; empty when anonymous or purged"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "due_at": {"type": ["string", "null"], "format": "date-time"},
    "closed_at": {"type": ["string", "null"], "format": "date-time"},
    "purged_at": {"type": ["string", "null"], "format": "date-time"},
    "description": {"type": "string", "description": "in show, update and merge answers"},
    "history": {"type": "array", "description": "every change: who, when, what", "items": {
        "type": "object", "properties": {k: {"type": "string"} for k in (
            "at", "actor", "action", "from_status", "to_status", "public_note", "detail")}}},
    "attachments": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string"}, "url": {"type": "string"}, "created_at": {"type": "string"}}}}}}


def _json_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties}}}}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def paths() -> dict[str, Any]:
    one = {"$ref": "#/components/schemas/Ticket"}
    errors = {"400": {"description": "Malformed request; the reason is in error", **_ERR},
              "401": {"description": "Missing or wrong X-API-Key", **_ERR},
              "404": {"description": "No such ticket", **_ERR}}
    actor = {"actor": {"type": "string", "description": "who does it, kept in the history (default api)"}}
    return {
        "/api/v1/reports": {"get": {
            "summary": "Tickets, newest first",
            "parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": t}, "description": d}
                           for n, t, d in (("status", "string", "received, in_progress, resolved, duplicate, "
                                            "rejected"), ("service", "string", "service code"),
                                           ("ward", "string", "ward name today"),
                                           ("since", "string", "filed since (ISO 8601; Da Nang time without offset)"),
                                           ("limit", "integer", "at most 1000; default 100"))],
            "responses": {"200": _answer("The tickets", {"type": "object", "properties": {
                "tickets": {"type": "array", "items": one}}}), **errors}}},
        "/api/v1/reports/{code}": {
            "get": {"summary": "One ticket with its history and attachments", "parameters": [_CODE],
                    "responses": {"200": _answer("The ticket", one), **errors}},
            "patch": {"summary": "Change status, public note and/or agency; a public note is sent to the reporter",
                      "parameters": [_CODE], "requestBody": _json_body({
                          "status": {"type": "string", "enum": ["in_progress", "resolved", "rejected"]},
                          "note": {"type": "string", "maxLength": 1000}, "agency": {"type": "string"}, **actor}, []),
                      "responses": {"200": _answer("The ticket after the change", one), **errors}}},
        "/api/v1/reports/{code}/merge": {"post": {
            "summary": "Mark a ticket a duplicate of another; its reporter is told the surviving code",
            "parameters": [_CODE], "requestBody": _json_body({"into": {"type": "string"}, **actor}, ["into"]),
            "responses": {"200": _answer("The merged ticket", one), **errors}}},
        "/api/v1/reports/purge": {"post": {
            "summary": "Retention: remove contact details of tickets closed before a date",
            "requestBody": _json_body({"before": {"type": "string", "description": "ISO 8601 date or time"},
                                       **actor}, ["before"]),
            "responses": {"200": _answer("How many tickets lost their contact", {"type": "object", "properties": {
                "purged": {"type": "integer"}}}), **errors}}},
    }
