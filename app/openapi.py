"""The OpenAPI 3.1 description of the operators' API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from app.reports import openapi_paths as reports

_REPLY = {
    "type": "object",
    "required": ["intent", "status", "lang", "title", "fields", "options", "more", "hint", "footer", "matches"],
    "properties": {
        "intent": {"type": "string", "examples": ["attp"]},
        "status": {"type": "string", "enum": ["found", "ambiguous", "not_found", "help", "error"]},
        "lang": {"type": "string", "enum": ["vi", "en"]},
        "title": {"type": "string"},
        "fields": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "value": {"type": "string"}}}},
        "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
        "more": {"type": "integer"},
        "pending": {"type": "array", "description": "options beyond those listed (only when there are some), "
                    "numbered on; a channel that keeps the conversation pages through them with THEM",
                    "items": {"$ref": "#/components/schemas/Option"}},
        "hint": {"type": "string"},
        "footer": {"type": ["object", "null"], "properties": {
            "as_of": {"type": "string", "format": "date"}, "source": {"type": "string"},
            "sample": {"type": "boolean"}}},
        "matches": {"type": "array", "items": {"type": "object", "properties": {
            "dataset": {"type": "string"}, "id": {"type": "string"}, "name": {"type": "string"},
            "score": {"type": "number"}}}},
    },
}
_OPTION = {"type": "object", "properties": {
    "number": {"type": "integer"}, "label": {"type": "string"}, "detail": {"type": "string"},
    "command": {"type": "string", "description": "a message that selects this option"}}}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
_STATS = {
    "type": "object",
    "required": ["day", "store", "messages", "senders", "by_channel", "by_intent", "by_status", "counts", "unmatched"],
    "properties": {
        "day": {"type": "string", "format": "date"},
        "store": {"type": "string", "enum": ["redis", "memory"]},
        "messages": {"type": "integer"},
        "senders": {"type": "integer", "description": "distinct senders, estimated (HyperLogLog of salted hashes)"},
        "by_channel": _COUNTS, "by_intent": _COUNTS, "by_status": _COUNTS,
        "counts": {"type": "array", "items": {"type": "object", "properties": {
            "channel": {"type": "string"}, "intent": {"type": "string"}, "status": {"type": "string"},
            "count": {"type": "integer"}}}},
        "unmatched": {"type": "object", "description": "per dataset, the most frequent queries that found nothing",
                      "additionalProperties": {"type": "array", "items": {"type": "object", "properties": {
                          "query": {"type": "string", "description": "folded: no marks, lower case"},
                          "count": {"type": "integer"}}}}},
    },
}


_NOTICE = {"type": "object", "required": ["status", "channel", "key", "due"], "properties": {
    "status": {"type": "string", "enum": ["queued", "duplicate", "opted_out", "not_deliverable"]},
    "channel": {"type": "string"}, "key": {"type": "string"},
    "due": {"type": "string", "format": "date-time", "description": "when it may go first (quiet hours)"},
    "error": {"type": "string"}}}


def _notice(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _NOTICE}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "tongdai operators' API", "version": "1",
                 "description": "Ask the hotline as a resident would, and see the reply per channel."},
        "components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
                       "schemas": {"Reply": _REPLY, "Option": _OPTION, "Stats": _STATS, "Error": _ERROR,
                                   "Ticket": reports.TICKET}},
        "security": [{"apiKey": []}],
        "paths": {"/api/v1/query": {"post": {
            "summary": "Answer a message",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 2000, "examples": ["attp pho hoa le duan"]},
                               "channel": {"type": "string", "enum": ["sms", "zalo", "json"], "default": "json"},
                               "sender": {"type": "string", "description":
                                          "whose conversation this is: a reply such as 2 picks from the list last "
                                          "offered to this sender; without it, no conversation is kept"}}}}}},
            "responses": {
                "200": {"description": "The reply, and its rendering for the channel asked for",
                        "content": {"application/json": {"schema": {"type": "object", "properties": {
                            "reply": {"$ref": "#/components/schemas/Reply"},
                            "channel": {"type": "string"},
                            "rendered": {"type": ["string", "null"]}}}}}},
                "400": _error("Malformed request; the reason is in error"),
                "401": _error("Missing or wrong X-API-Key"),
                "413": _error("Body larger than TONGDAI_MAX_BODY"),
                "429": _error("Over TONGDAI_API_RATE_LIMIT calls a minute for this API key; see Retry-After"),
            }}},
            "/api/v1/notices": {"post": {
                "summary": "Queue a notice to one resident (sent by the outbox worker)",
                "description": "Nothing goes to a recipient who opted out on that channel; SMS wait out "
                               "TONGDAI_QUIET_HOURS; Zalo only inside the free consultation window.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["channel", "to", "text"],
                    "properties": {"channel": {"type": "string", "enum": ["sms", "twilio", "gateway", "zalo"]},
                                   "to": {"type": "string", "description": "phone number or Zalo user id"},
                                   "text": {"type": "string", "description": "SMS: sent accent-free"},
                                   "key": {"type": "string", "maxLength": 200,
                                           "description": "idempotency key: the same key again queues nothing"}}}}}},
                "responses": {
                    "202": _notice("Queued"), "200": _notice("Already queued under this key"),
                    "409": _notice("Not queued: the recipient opted out, or is outside Zalo's window (error)"),
                    "400": _error("Malformed request, unknown or unconfigured channel, text too long"),
                    "401": _error("Missing or wrong X-API-Key"),
                    "503": _error("The outbox cannot be reached"),
                }}},
            "/api/v1/stats": {"get": {
                "summary": "Query statistics of one day",
                "parameters": [{"name": "day", "in": "query", "required": False, "description":
                                "the day in Da Nang time; default today",
                                "schema": {"type": "string", "format": "date"}}],
                "responses": {
                    "200": {"description": "The day's counts and unmatched queries",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}}},
                    "400": _error("day is not YYYY-MM-DD"),
                    "401": _error("Missing or wrong X-API-Key"),
                    "429": _error("Over TONGDAI_API_RATE_LIMIT calls a minute for this API key; see Retry-After"),
                    "503": _error("The state store (Redis) cannot be reached"),
                }}},
            **reports.paths(),
        },
    }
