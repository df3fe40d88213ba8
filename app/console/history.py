"""A ticket's history in the console's language.

``app.reports`` records each step with an action word and an English detail line (the stored form, also shown
by the JSON API and ``tongdai reports show``). The console reads those back: the action becomes a label, and the
detail's known shapes are re-worded; its values (agencies, addresses, keys) are kept as they are, except a
category's code, which becomes its name in the page's language. A detail of an unknown shape is shown as stored
rather than dropped. Who did a step is stored as ``operator:<name>``, ``resident:<channel>``, ``open311`` or
``system``; the page shows the operator's name, or who it was in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.console.i18n import translate
from app.console.web import blueprint, lang

ACTIONS = {"created": "Report filed", "place": "Place given", "attachment": "Attachment", "update": "Update",
           "merged": "Merged", "merged_in": "Duplicate merged in", "purged": "Contact removed", "notice": "Notice"}

# (stored English detail, its console text with the captured values as {0}, {1}, ...)
DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), t) for p, t in (
    (r"service (?P<service>\S+), agency (.*)", "service {0}, agency {1}"),
    (r"place (.*)", "place: {0}"),
    (r"location (\S+), (\S+)", "location {0}, {1}"),
    (r"photo (.*)", "photo {0}"),
    (r"agency '(.*)' -> '(.*)'", "agency {0} → {1}"),
    (r"PA-(\S+) merged into this ticket", "PA-{0} merged into this ticket"),
    (r"contact details removed", "contact details removed"),
    (r"notice queued on (\S+) \((.*?)\)(.*)", "notice queued on {0} ({1}){2}"),
    (r"notice queued before on (\S+) \((.*?)\)(.*)", "notice already queued on {0} ({1}){2}"),
    (r"notice NOT sent: (opted out|not deliverable|failed) on (\S+) \((.*?)\)(.*)",
     "notice NOT sent ({0}) on {1} ({2}){3}"),
))
ACTORS = {"resident": "Resident", "open311": "Open311 client", "system": "System"}
WORDS = frozenset({"opted out", "not deliverable", "failed"})  # why a notice was not sent
HELD = re.compile(r", held for the quiet hours until (\d\d:\d\d \d\d/\d\d/\d{4})(.*)")


def action_text(action: str, lang: str) -> str:
    return translate(ACTIONS[action], lang) if action in ACTIONS else action


def actor_text(actor: str, lang: str) -> str:
    kind, _, name = actor.partition(":")
    if kind == "operator" and name:
        return name
    said = translate(ACTORS[kind], lang) if kind in ACTORS else actor
    return f"{said} ({name})" if kind in ACTORS and name else said


def detail_text(detail: str, lang: str, services: Mapping[str, str] | None = None) -> str:
    """``detail`` re-worded; ``services`` names the categories by code, in ``lang``."""
    for pattern, text in DETAILS:
        found = pattern.fullmatch(detail)
        if found:
            values = [_held(v, lang) if v.startswith(", held") else translate(v, lang) if v in WORDS else v
                      for v in found.groups()]
            if "service" in pattern.groupindex and services:  # the group holding a category's code
                at = pattern.groupindex["service"] - 1
                values[at] = services.get(values[at], values[at])
            return translate(text, lang).format(*values)
    return detail


def _held(tail: str, lang: str) -> str:
    found = HELD.fullmatch(tail)
    if not found:
        return tail
    return translate(", held for the quiet hours until {at}", lang, at=found[1]) + found[2]


@blueprint.app_template_filter("history_action")
def _action_filter(action: str) -> str:
    return action_text(action, lang())


@blueprint.app_template_filter("history_actor")
def _actor_filter(actor: str) -> str:
    return actor_text(actor, lang())


@blueprint.app_template_filter("history_detail")
def _detail_filter(detail: str, services: Mapping[str, str] | None = None) -> str:
    return detail_text(detail, lang(), services)
