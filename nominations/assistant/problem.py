"""The assistant's inputs and outputs, and the problem in a canonical order."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

# Review means such as 11/3 are compared to four decimals, as integers: the solver then works
# on an integral objective and proves optimality exactly instead of within a float tolerance.
SCORE_UNITS = 10_000
TIME_LIMIT_SECONDS = 60.0

CAPACITY_MIN = "capacity_min"
CAPACITY_MAX = "capacity_max"
PER_COUNTRY = "max_per_country"
STIPENDS = "stipends"
PROJECT_KINDS = "project_kinds"
PINNED_IN = "pinned_in"
PINNED_OUT = "pinned_out"


@dataclass(frozen=True)
class Candidate:
    """One nomination as the assistant sees it."""

    id: int
    score: float | None  # mean review score; None while unreviewed (counted as 0)
    country: str
    continent: str
    project_kind: str
    needs_stipend: bool = False  # participation is conditional on a travel stipend
    may_get_stipend: bool = True  # the call's stipend rule allows them one
    label: str = ""

    @property
    def name(self) -> str:
        return f"#{self.id} {self.label}" if self.label else f"#{self.id}"

    @property
    def barred_by_stipend_rule(self) -> bool:
        """Their participation depends on a stipend the call's rule does not give them."""
        return self.needs_stipend and not self.may_get_stipend


@dataclass(frozen=True)
class Constraints:
    """The facilitator's rules for one run."""

    capacity_min: int
    capacity_max: int
    max_per_country: int | None = None  # None: no limit
    stipends_available: int = 0
    min_project_kinds: int = 0  # at least this many distinct kinds, capped at the kinds present
    represent_every_continent: bool = True
    pinned_in: frozenset[int] = frozenset()
    pinned_out: frozenset[int] = frozenset()
    stipend_rule: str = "the call's stipend rule"  # who may receive one, in words
    pinned_by: tuple[tuple[int, str], ...] = ()  # (candidate id, who pinned them), when known


@dataclass(frozen=True)
class Proposal:
    """The proposed cohort and why: an explanation for every candidate, selected or not."""

    selected: tuple[int, ...]  # best score first, then by id
    total_score: float
    continents_represented: tuple[str, ...]
    kinds_represented: tuple[str, ...]
    stipends_used: int
    explanations: dict[int, str] = field(default_factory=dict)  # everyone; selected first
    unmet: tuple[str, ...] = ()  # soft wishes that could not be met, in plain words


class Infeasible(Exception):
    """The hard constraints cannot all hold; ``reasons`` says which, in plain English."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class SolverGaveUp(Exception):
    """HiGHS stopped before proving its answer optimal (the time limit), so none is given."""


@dataclass(frozen=True)
class Problem:
    candidates: tuple[Candidate, ...]  # sorted by id: the model never depends on input order
    constraints: Constraints
    units: np.ndarray  # integer score units per candidate
    countries: dict[str, list[int]]  # name → candidate indices; every dict sorted by name
    continents: dict[str, list[int]]
    kinds: dict[str, list[int]]
    kinds_required: int

    @property
    def size(self) -> int:
        return len(self.candidates)

    def available(self, index: int) -> bool:
        candidate = self.candidates[index]
        return candidate.id not in self.constraints.pinned_out and not (
            candidate.barred_by_stipend_rule
        )

    def pinned_in(self, index: int) -> bool:
        return self.candidates[index].id in self.constraints.pinned_in


def score_units(score: float | None) -> int:
    """A review score as the integer the solver maximises (None, unreviewed, is 0)."""
    return 0 if score is None else round(score * SCORE_UNITS)


def _groups(candidates: Sequence[Candidate], attribute: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, candidate in enumerate(candidates):
        groups.setdefault(getattr(candidate, attribute), []).append(index)
    return dict(sorted(groups.items()))


def prepare(*, candidates: Iterable[Candidate], constraints: Constraints) -> Problem:
    ordered = tuple(sorted(candidates, key=lambda candidate: candidate.id))
    ids = [candidate.id for candidate in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("Two candidates share an id.")
    kinds_present = {
        c.project_kind
        for c in ordered
        if c.id not in constraints.pinned_out and not c.barred_by_stipend_rule
    }
    return Problem(
        candidates=ordered,
        constraints=constraints,
        units=np.array([score_units(c.score) for c in ordered], dtype=np.int64),
        countries=_groups(ordered, "country"),
        continents=_groups(ordered, "continent"),
        kinds=_groups(ordered, "project_kind"),
        kinds_required=max(0, min(constraints.min_project_kinds, len(kinds_present))),
    )


def names_of(candidates: Iterable[Candidate]) -> str:
    return ", ".join(candidate.name for candidate in candidates)
