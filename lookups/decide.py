"""Turn ranked candidates into a decision. A confident wrong answer is the worst outcome: when in doubt, ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["found", "ambiguous", "not_found"]

FOUND_MIN = 88.0  # a winner must score at least this...
MARGIN = 6.0  # ...and beat the runner-up by this much
CLOSE_MIN = 80.0  # candidates this good, within BAND of the best, are worth offering as choices
BAND = 8.0
SUGGEST_MIN = 50.0
MAX_OPTIONS = 5


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    score: float
    locations: tuple[str, ...] = ()  # location phrases of the query that this record matched
    exact: bool = False  # the query (less its location words) is one of this record's names, typo-free


@dataclass(frozen=True)
class Decision:
    status: Status
    candidates: tuple[Candidate, ...]  # found: the winner first; ambiguous: 2-5 options; not_found: suggestions
    total: int = 0  # how many records were close (an ambiguous reply may show only the first 5)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def decide(ranked: list[Candidate]) -> Decision:
    if not ranked:
        return Decision("not_found", (), 0)
    top = ranked[0].score
    runner_up = ranked[1].score if len(ranked) > 1 else float("-inf")
    if top >= FOUND_MIN and top - runner_up >= MARGIN:
        return Decision("found", (ranked[0],), 1)
    # The full name of exactly one place wins over longer names that contain it ("Bệnh viện Đà Nẵng"
    # over "Bệnh viện Mắt Đà Nẵng"); several places of that very name stay a question.
    exact = [c for c in ranked if c.exact and c.score >= top - BAND]
    if len(exact) == 1 and exact[0] is ranked[0] and top >= FOUND_MIN:
        return Decision("found", (ranked[0],), 1)
    close = [c for c in ranked if c.score >= max(CLOSE_MIN, top - BAND)]
    if len(close) >= 2:
        return Decision("ambiguous", tuple(close[:MAX_OPTIONS]), len(close))
    suggestions = tuple(c for c in ranked[:3] if c.score >= SUGGEST_MIN)
    return Decision("not_found", suggestions, 0)


