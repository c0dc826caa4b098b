"""The selection assistant: the cohort with the best total review score that every rule allows.

Pure on purpose: plain dataclasses in, a dataclass out, no models and no database, so the
facilitator's pages, the admin and the tests call it alike and the wiring lives elsewhere.

What it optimises, in strict order of priority (a lexicographic objective, each stage an exact
mixed-integer programme solved by HiGHS through :func:`scipy.optimize.milp`):

1. as many continents represented as possible, when asked for ("where possible": soft);
2. the highest total review score (an unreviewed nomination counts as 0);
3. among equal totals, the earlier nominations (lower ids), so that ties never depend on
   the solver's mood; what is still tied after that is settled by HiGHS, which is
   deterministic for a given model, and the model never depends on the input's order.

Hard constraints are never traded for score: the capacity range, at most N per country, the
stipends, the spread of project kinds (capped at the kinds the nominees not pinned out
bring) and the pins. When they cannot all hold, :class:`Infeasible` names the ones at fault,
with numbers, and nothing is proposed.
"""

import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

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

ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth")
ORDINAL_WORDS += ("sixth", "seventh", "eighth", "ninth", "tenth")


@dataclass(frozen=True)
class Candidate:
    """One nomination as the assistant sees it."""

    id: int
    score: float | None  # mean review score; None while unreviewed (counted as 0)
    country: str
    continent: str
    project_kind: str
    needs_stipend: bool = False  # participation is conditional on a travel stipend
    label: str = ""

    @property
    def name(self) -> str:
        return f"#{self.id} {self.label}" if self.label else f"#{self.id}"


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


def propose_cohort(
    *,
    candidates: Iterable[Candidate],
    constraints: Constraints,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Proposal:
    """Propose the cohort: most continents represented, then the best total score, then the
    earlier nominations, within every hard constraint. Raises :class:`Infeasible` with the
    reasons when the constraints cannot all hold, :class:`SolverGaveUp` when the solving
    (every stage, and naming the culprits) takes longer than ``time_limit`` seconds."""
    deadline = time.monotonic() + time_limit
    problem = _prepare(candidates=candidates, constraints=constraints)
    reasons = _cheap_reasons(problem)
    if reasons:
        raise Infeasible(reasons)
    chosen = _optimise(problem, deadline=deadline)
    if chosen is None:
        raise Infeasible(_diagnose(problem, deadline=deadline))
    return _proposal(problem, chosen=chosen)


# --- the problem, in a canonical order --------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
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
        return self.candidates[index].id not in self.constraints.pinned_out

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


def _prepare(*, candidates: Iterable[Candidate], constraints: Constraints) -> _Problem:
    ordered = tuple(sorted(candidates, key=lambda candidate: candidate.id))
    ids = [candidate.id for candidate in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("Two candidates share an id.")
    kinds_present = {c.project_kind for c in ordered if c.id not in constraints.pinned_out}
    return _Problem(
        candidates=ordered,
        constraints=constraints,
        units=np.array([score_units(c.score) for c in ordered], dtype=np.int64),
        countries=_groups(ordered, "country"),
        continents=_groups(ordered, "continent"),
        kinds=_groups(ordered, "project_kind"),
        kinds_required=max(0, min(constraints.min_project_kinds, len(kinds_present))),
    )


# --- cheap checks, before any solving ----------------------------------------------------------


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _names(candidates: Iterable[Candidate]) -> str:
    return ", ".join(candidate.name for candidate in candidates)


def _cheap_reasons(problem: _Problem) -> list[str]:
    """What is impossible on its face: bad numbers, contradictory or unknown pins, pins
    that break a rule by themselves, too few nominations to fill the cohort."""
    return [
        *_range_reasons(problem.constraints),
        *_pin_reasons(problem),
        *_pinned_in_reasons(problem),
        *_size_reasons(problem),
    ]


def _range_reasons(rules: Constraints) -> list[str]:
    reasons = []
    if rules.capacity_min < 0 or rules.capacity_max < 0:
        reasons.append("Capacity: the minimum and maximum cannot be negative.")
    elif rules.capacity_min > rules.capacity_max:
        reasons.append(
            f"Capacity: the minimum ({rules.capacity_min}) is above "
            f"the maximum ({rules.capacity_max})."
        )
    if rules.max_per_country is not None and rules.max_per_country < 0:
        reasons.append("At most N per country: N cannot be negative.")
    if rules.stipends_available < 0:
        reasons.append("Stipends: the number available cannot be negative.")
    return reasons


def _pin_reasons(problem: _Problem) -> list[str]:
    rules = problem.constraints
    known = {candidate.id for candidate in problem.candidates}
    reasons = []
    both = [c for c in problem.candidates if c.id in rules.pinned_in & rules.pinned_out]
    if both:
        reasons.append(f"Pinned both in and out: {_names(both)}. Choose one.")
    for side, pins in (("in", rules.pinned_in), ("out", rules.pinned_out)):
        unknown = sorted(pins - known)
        if unknown:
            listed = ", ".join(f"#{pin}" for pin in unknown)
            reasons.append(f"Pinned {side}: {listed} not among the nominations.")
    return reasons


def _pinned_in_reasons(problem: _Problem) -> list[str]:
    rules = problem.constraints
    pinned = [c for c in problem.candidates if c.id in rules.pinned_in]
    reasons = []
    if len(pinned) > rules.capacity_max >= 0:
        reasons.append(
            f"Pinned in: {_plural(len(pinned), 'nomination')}, but capacity is at most "
            f"{rules.capacity_max}."
        )
    if rules.max_per_country is not None:
        for country, count in sorted(Counter(c.country for c in pinned).items()):
            if count > rules.max_per_country:
                reasons.append(
                    f"Pinned in: {count} from {country}, but at most "
                    f"{rules.max_per_country} per country are allowed."
                )
    needing = sum(candidate.needs_stipend for candidate in pinned)
    if needing > rules.stipends_available >= 0:
        reasons.append(
            f"Pinned in: {needing} {'needs' if needing == 1 else 'need'} a stipend, but "
            f"{_available_stipends(rules.stipends_available)}."
        )
    return reasons


def _available_stipends(count: int) -> str:
    if count == 0:
        return "no stipends are available"
    return f"only {_plural(count, 'stipend')} {'is' if count == 1 else 'are'} available"


def _size_reasons(problem: _Problem) -> list[str]:
    rules = problem.constraints
    reasons = []
    available = sum(problem.available(index) for index in range(problem.size))
    if rules.capacity_min > available == problem.size == 0:
        reasons.append(
            f"Capacity: at least {rules.capacity_min} must be selected, but there are no "
            "nominations."
        )
    elif rules.capacity_min > available:
        reasons.append(
            f"Capacity: at least {rules.capacity_min} must be selected, but only "
            f"{_plural(available, 'nomination')} {'is' if available == 1 else 'are'} "
            "not pinned out."
        )
    reasons.extend(_country_reach_reasons(problem))
    if problem.kinds_required > rules.capacity_max >= 0:
        reasons.append(
            f"Spread of project kinds: {problem.kinds_required} required, which takes at "
            f"least {_plural(problem.kinds_required, 'place')}, but capacity is at most "
            f"{rules.capacity_max}."
        )
    return reasons


def _country_reach_reasons(problem: _Problem) -> list[str]:
    """At most N per country: a country with k nominations adds at most min(N, k) places."""
    limit, minimum = problem.constraints.max_per_country, problem.constraints.capacity_min
    if limit is None or limit < 0:
        return []
    per_country = [
        sum(problem.available(i) for i in members) for members in problem.countries.values()
    ]
    countries = sum(count > 0 for count in per_country)
    reach = sum(min(limit, count) for count in per_country)
    if not countries or minimum <= reach:
        return []
    return [
        f"At most {limit} per country: the nominations not pinned out, from "
        f"{_plural(countries, 'country', 'countries')}, fill at most {reach} places, but at "
        f"least {minimum} must be selected."
    ]


# --- the model ---------------------------------------------------------------------------------


@dataclass
class _Model:
    """Variables: x (one per candidate), r (one per continent: represented), k (one per
    project kind: represented) and one slack, fixed at 0 unless a family is relaxed."""

    problem: _Problem
    relaxed: str | None = None
    rows: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.slack + 1

    @property
    def slack(self) -> int:
        return self.problem.size + len(self.problem.continents) + len(self.problem.kinds)

    def continent_columns(self) -> list[int]:
        return [self.problem.size + i for i in range(len(self.problem.continents))]

    def kind_columns(self) -> list[int]:
        start = self.problem.size + len(self.problem.continents)
        return [start + i for i in range(len(self.problem.kinds))]

    def add(
        self,
        columns: list[int],
        coefficients: Sequence[float],
        *,
        lower: float = -np.inf,
        upper: float = np.inf,
        slack: float = 0.0,
    ) -> None:
        """Add ``lower <= coefficients · columns + slack · s <= upper`` (slack counted only
        when ``slack`` is non-zero, i.e. for the relaxed family)."""
        if slack:
            columns, coefficients = [*columns, self.slack], [*coefficients, slack]
        self.rows.append((columns, list(coefficients), lower, upper))


def _build(problem: _Problem, *, relaxed: str | None = None) -> _Model:
    """Every hard constraint, with the ``relaxed`` family (if any) given a slack variable."""
    model = _Model(problem=problem, relaxed=relaxed)
    rules = problem.constraints
    everyone = list(range(problem.size))
    ones = [1.0] * problem.size
    model.add(everyone, ones, lower=rules.capacity_min, slack=_give(relaxed, CAPACITY_MIN))
    model.add(everyone, ones, upper=rules.capacity_max, slack=-_give(relaxed, CAPACITY_MAX))
    if rules.max_per_country is not None:
        for members in problem.countries.values():
            model.add(
                members,
                [1.0] * len(members),
                upper=rules.max_per_country,
                slack=-_give(relaxed, PER_COUNTRY),
            )
    needing = [i for i, c in enumerate(problem.candidates) if c.needs_stipend]
    if needing:
        model.add(
            needing,
            [1.0] * len(needing),
            upper=rules.stipends_available,
            slack=-_give(relaxed, STIPENDS),
        )
    # A group counts as represented only when someone from it is selected.
    for column, members in zip(model.continent_columns(), problem.continents.values(), strict=True):
        model.add([column, *members], [1.0] + [-1.0] * len(members), upper=0)
    for column, members in zip(model.kind_columns(), problem.kinds.values(), strict=True):
        model.add([column, *members], [1.0] + [-1.0] * len(members), upper=0)
    if problem.kinds_required:
        columns = model.kind_columns()
        model.add(
            columns,
            [1.0] * len(columns),
            lower=problem.kinds_required,
            slack=_give(relaxed, PROJECT_KINDS),
        )
    return model


def _give(relaxed: str | None, family: str) -> float:
    """The slack's coefficient in ``family``'s rows: 1 when that family is the relaxed one."""
    return 1.0 if relaxed == family else 0.0


def _bounds(model: _Model) -> Bounds:
    problem = model.problem
    lower = np.zeros(model.width)
    upper = np.ones(model.width)
    for index in range(problem.size):
        if problem.pinned_in(index) and model.relaxed != PINNED_IN:
            lower[index] = 1
        if not problem.available(index) and model.relaxed != PINNED_OUT:
            upper[index] = 0
    slackless = model.relaxed in (None, PINNED_IN, PINNED_OUT)
    upper[model.slack] = 0 if slackless else _slack_room(problem)
    return Bounds(lower, upper)


def _slack_room(problem: _Problem) -> int:
    rules = problem.constraints
    return problem.size + rules.capacity_min + problem.kinds_required + 1


def _solve(model: _Model, *, objective: np.ndarray, deadline: float) -> np.ndarray | None:
    """Minimise ``objective`` over the model: the rounded solution, or None if infeasible."""
    time_left = deadline - time.monotonic()
    if time_left <= 0:
        raise SolverGaveUp("The solver ran out of time before it could give an answer.")
    columns = [column for columns, _, _, _ in model.rows for column in columns]
    row_of = [row for row, (cols, _, _, _) in enumerate(model.rows) for _ in cols]
    values = [value for _, coefficients, _, _ in model.rows for value in coefficients]
    matrix = coo_array(
        (np.array(values), (np.array(row_of, dtype=np.int64), np.array(columns, dtype=np.int64))),
        shape=(len(model.rows), model.width),
    ).tocsr()
    result = milp(
        objective,
        integrality=np.ones(model.width),
        bounds=_bounds(model),
        constraints=LinearConstraint(
            matrix,
            np.array([row[2] for row in model.rows]),
            np.array([row[3] for row in model.rows]),
        ),
        # A zero gap: "optimal" must mean optimal, not within HiGHS's default 0.01 %.
        options={"time_limit": time_left, "mip_rel_gap": 0.0, "presolve": True},
    )
    if result.status == 2:
        return None
    if result.status != 0 or result.x is None:
        raise SolverGaveUp(f"The solver gave no optimal answer: {result.message}")
    return np.rint(result.x).astype(np.int64)


# --- the three stages --------------------------------------------------------------------------


def _optimise(problem: _Problem, *, deadline: float) -> np.ndarray | None:
    """Continents, then score, then earlier nominations: each stage keeps the previous
    stage's best value as a constraint. None when the hard constraints cannot all hold."""
    model = _build(problem)
    n = problem.size
    if problem.constraints.represent_every_continent and problem.continents:
        objective = np.zeros(model.width)
        objective[model.continent_columns()] = -1.0
        solution = _solve(model, objective=objective, deadline=deadline)
        if solution is None:
            return None
        columns = model.continent_columns()
        model.add(columns, [1.0] * len(columns), lower=int(solution[columns].sum()))
    objective = np.zeros(model.width)
    objective[:n] = -problem.units
    solution = _solve(model, objective=objective, deadline=deadline)
    if solution is None:
        return None
    best = int(problem.units @ solution[:n])
    model.add(list(range(n)), problem.units.astype(float).tolist(), lower=best)
    objective = np.zeros(model.width)
    # The earlier nominations among equal totals; every place costs, so none is added for nothing.
    objective[:n] = np.arange(1, n + 1)
    solution = _solve(model, objective=objective, deadline=deadline)
    if solution is None:  # cannot happen after stage 2, but never propose blindly
        return None
    return solution[:n].astype(bool)


# --- naming the culprit when the solver finds nothing -------------------------------------------


def _families(problem: _Problem) -> list[str]:
    rules = problem.constraints
    families = [CAPACITY_MIN] if rules.capacity_min > 0 else []
    families.append(CAPACITY_MAX)
    if rules.max_per_country is not None:
        families.append(PER_COUNTRY)
    if any(c.needs_stipend for c in problem.candidates):
        families.append(STIPENDS)
    if problem.kinds_required:
        families.append(PROJECT_KINDS)
    if rules.pinned_in:
        families.append(PINNED_IN)
    if rules.pinned_out:
        families.append(PINNED_OUT)
    return families


def _least_relaxation(problem: _Problem, *, family: str, deadline: float) -> int | None:
    """How far ``family`` must give for the rest to hold: its slack, or the number of pins to
    lift. None when relaxing it alone does not help."""
    model = _build(problem, relaxed=family)
    objective = np.zeros(model.width)
    pins = problem.constraints.pinned_in if family == PINNED_IN else problem.constraints.pinned_out
    if family in (PINNED_IN, PINNED_OUT):
        sign = -1.0 if family == PINNED_IN else 1.0
        for index, candidate in enumerate(problem.candidates):
            if candidate.id in pins:
                objective[index] = sign
    else:
        objective[model.slack] = 1.0
    solution = _solve(model, objective=objective, deadline=deadline)
    if solution is None:
        return None
    if family == PINNED_IN:
        return sum(1 for i, c in enumerate(problem.candidates) if c.id in pins and not solution[i])
    if family == PINNED_OUT:
        return sum(1 for i, c in enumerate(problem.candidates) if c.id in pins and solution[i])
    return int(solution[model.slack])


def _diagnose(problem: _Problem, *, deadline: float) -> list[str]:
    """Relax one family of hard constraints at a time; each that alone restores a cohort is
    named, with the number it would have to become."""
    culprits = []
    for family in _families(problem):
        give = _least_relaxation(problem, family=family, deadline=deadline)
        if give is not None:
            culprits.append(_culprit(problem, family=family, give=give))
    if not culprits:
        return [
            "No cohort meets these constraints together, and no single one of them is the "
            f"cause: {_rules_in_words(problem)}."
        ]
    if len(culprits) == 1:
        return culprits
    return ["No cohort meets every constraint; changing any one of these would do:", *culprits]


def _culprit(problem: _Problem, *, family: str, give: int) -> str:
    rules = problem.constraints
    others = _rules_in_words(problem, leaving_out=family)
    if family == CAPACITY_MIN:
        return (
            f"Capacity: at least {rules.capacity_min} must be selected, but the other "
            f"constraints ({others}) allow at most {rules.capacity_min - give}."
        )
    if family == CAPACITY_MAX:
        return (
            f"Capacity: at most {rules.capacity_max} may be selected, but the other "
            f"constraints ({others}) need at least {rules.capacity_max + give}."
        )
    if family == PER_COUNTRY:
        return (
            f"At most {rules.max_per_country} per country: the other constraints ({others}) "
            f"would need up to {rules.max_per_country + give} from one country."
        )
    if family == STIPENDS:
        return (
            f"Stipends: {rules.stipends_available} available, but the other constraints "
            f"({others}) need {rules.stipends_available + give}."
        )
    if family == PROJECT_KINDS:
        return (
            f"Spread of project kinds: at least {problem.kinds_required} required, but the "
            f"other constraints ({others}) allow at most {problem.kinds_required - give}."
        )
    pins = rules.pinned_in if family == PINNED_IN else rules.pinned_out
    side = "in" if family == PINNED_IN else "out"
    return (
        f"Pinned {side}: {give} of the {len(pins)} pinned {side} would have to be released "
        f"for the other constraints ({others}) to hold."
    )


def _rules_in_words(problem: _Problem, *, leaving_out: str = "") -> str:
    rules = problem.constraints
    words = {
        CAPACITY_MIN: f"at least {rules.capacity_min} selected",
        CAPACITY_MAX: f"at most {rules.capacity_max} selected",
        PER_COUNTRY: f"at most {rules.max_per_country} per country",
        STIPENDS: _plural(rules.stipends_available, "stipend"),
        PROJECT_KINDS: f"at least {_plural(problem.kinds_required, 'project kind')}",
        PINNED_IN: f"{len(rules.pinned_in)} pinned in",
        PINNED_OUT: f"{len(rules.pinned_out)} pinned out",
    }
    return ", ".join(words[family] for family in _families(problem) if family != leaving_out)


# --- the proposal and its explanations ---------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """The chosen cohort and the counts every explanation is derived from."""

    problem: _Problem
    chosen: np.ndarray  # bool per candidate
    selected: tuple[int, ...]  # candidate indices, best score first, then by id
    rest: tuple[int, ...]  # the others, in the same order
    per_country: Counter[str]
    per_continent: Counter[str]
    per_kind: Counter[str]
    stipends_used: int

    @classmethod
    def of(cls, problem: _Problem, chosen: np.ndarray) -> "_Outcome":
        order = sorted(range(problem.size), key=lambda i: (-problem.units[i], i))
        picked = [problem.candidates[i] for i in order if chosen[i]]
        return cls(
            problem=problem,
            chosen=chosen,
            selected=tuple(i for i in order if chosen[i]),
            rest=tuple(i for i in order if not chosen[i]),
            per_country=Counter(c.country for c in picked),
            per_continent=Counter(c.continent for c in picked),
            per_kind=Counter(c.project_kind for c in picked),
            stipends_used=sum(c.needs_stipend for c in picked),
        )

    def can_swap(self, out: int, into: int) -> bool:
        """Would dropping ``out`` for ``into`` keep the per-country and stipend limits?"""
        rules = self.problem.constraints
        leaving, coming = self.problem.candidates[out], self.problem.candidates[into]
        room_in_country = (
            rules.max_per_country is None
            or coming.country == leaving.country
            or self.per_country[coming.country] < rules.max_per_country
        )
        stipend_free = (
            not coming.needs_stipend
            or leaving.needs_stipend
            or self.stipends_used < rules.stipends_available
        )
        return room_in_country and stipend_free and self.problem.available(into)


def _proposal(problem: _Problem, *, chosen: np.ndarray) -> Proposal:
    outcome = _Outcome.of(problem, chosen)
    ins = _explain_selected(outcome)
    reasons = ins.reasons | {i: _explain_out(outcome, i, ins=ins) for i in outcome.rest}
    return Proposal(
        selected=tuple(problem.candidates[i].id for i in outcome.selected),
        total_score=round(
            math.fsum(problem.candidates[i].score or 0.0 for i in outcome.selected), 4
        ),
        continents_represented=tuple(sorted(outcome.per_continent)),
        kinds_represented=tuple(sorted(outcome.per_kind)),
        stipends_used=outcome.stipends_used,
        explanations={
            problem.candidates[i].id: reasons[i] for i in outcome.selected + outcome.rest
        },
        unmet=tuple(_unmet(outcome)),
    )


def _unreviewed(candidate: Candidate, reason: str) -> str:
    if candidate.score is None and "not reviewed" not in reason:
        return f"{reason} (not reviewed yet; counted as 0)"
    return reason


# What a place went to, when not to a score: said to those left out at full capacity.
PLACES_WENT_TO = {
    "pinned": "pinned nominations",
    "continent": "representing every continent",
    "kind": "the spread of project kinds",
    "minimum": "filling the minimum",
}


@dataclass(frozen=True)
class _Ins:
    """Why the selected are in: the sentences, who is in on score alone, and why the
    others are (a key of :data:`PLACES_WENT_TO`)."""

    reasons: dict[int, str]
    on_score: list[int]
    kept: dict[int, str]

    def cutoff(self, units: np.ndarray) -> int | None:
        """The last one selected on score alone: the lowest score, the latest nomination."""
        return min(self.on_score, key=lambda i: (units[i], -i)) if self.on_score else None

    def went_to(self, *, units: np.ndarray, below: int | None = None) -> list[str]:
        """What the places not given on score went to, in words; only places held by a lower
        score than ``below`` when it is given."""
        whys = {why for i, why in self.kept.items() if below is None or units[i] < below}
        return [words for why, words in PLACES_WENT_TO.items() if why in whys]


def _explain_selected(outcome: _Outcome) -> _Ins:
    """Why each selected candidate is in: pinned, kept for a continent or a project kind that
    a better-ranked swap would lose, needed for the minimum, or simply their score."""
    problem = outcome.problem
    reasons, on_score, kept = {}, [], {}
    for index in outcome.selected:
        if problem.pinned_in(index):
            why, reason = "pinned", "in: pinned"
        else:
            why, reason = _structural_reason(outcome, index)
        if why:
            kept[index] = why
        else:
            reason = _rank_reason(problem, index)
            on_score.append(index)
        reasons[index] = _unreviewed(problem.candidates[index], reason)
    return _Ins(reasons=reasons, on_score=on_score, kept=kept)


def _beaten_by(outcome: _Outcome, index: int) -> list[int]:
    """Candidates left out who rank above this one (a better score, or the same score and an
    earlier nomination) and could take this place within the country and stipend limits.
    The stages are optimal, so only a continent or a project kind can stand in their way."""
    units = outcome.problem.units
    return [
        other
        for other in outcome.rest
        if (units[other], -other) > (units[index], -index) and outcome.can_swap(index, other)
    ]


def _structural_reason(outcome: _Outcome, index: int) -> tuple[str, str]:
    """Why a candidate whose score alone would not have them in is in, as a key of
    :data:`PLACES_WENT_TO` and a sentence; two empty strings when their score would."""
    problem = outcome.problem
    candidate = problem.candidates[index]
    beaten_by = [problem.candidates[other] for other in _beaten_by(outcome, index)]
    if not beaten_by and problem.units[index] > 0:
        return "", ""
    if (
        problem.constraints.represent_every_continent
        and outcome.per_continent[candidate.continent] == 1
        and all(other.continent != candidate.continent for other in beaten_by)
    ):
        return "continent", _continent_reason(outcome, index)
    if (
        problem.kinds_required > 0
        and len(outcome.per_kind) <= problem.kinds_required
        and outcome.per_kind[candidate.project_kind] == 1
        and all(other.project_kind != candidate.project_kind for other in beaten_by)
    ):
        return "kind", f"in: brings the only {candidate.project_kind} project"
    if not beaten_by:  # a score of 0: only the minimum can have asked for them
        minimum = problem.constraints.capacity_min
        return "minimum", f"in: needed to fill the minimum of {_plural(minimum, 'place')}"
    return "", ""


def _continent_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    continent = problem.candidates[index].continent
    rivals = [i for i in problem.continents[continent] if problem.available(i)]
    if all(problem.units[index] >= problem.units[i] for i in rivals):
        return f"in: highest score in {continent}"
    return f"in: represents {continent}"


def _rank_reason(problem: _Problem, index: int) -> str:
    mine = problem.units[index]
    better = int((problem.units > mine).sum())
    tied = int((problem.units == mine).sum()) > 1
    place = "highest" if better == 0 else f"{_ordinal(better + 1)} highest"
    return f"in: {'joint ' if tied else ''}{place} score overall"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _ordinal_word(number: int) -> str:
    return ORDINAL_WORDS[number - 1] if number <= len(ORDINAL_WORDS) else _ordinal(number)


def _explain_out(outcome: _Outcome, index: int, *, ins: _Ins) -> str:
    """Why a candidate is out: the first rule, in this order, that keeps them out."""
    problem = outcome.problem
    candidate = problem.candidates[index]
    if not problem.available(index):
        return _unreviewed(candidate, "out: pinned out")
    reason = (
        _country_reason(outcome, index)
        or _stipend_reason(outcome, index)
        or _no_score_reason(candidate, units=int(problem.units[index]))
        or _capacity_reason(outcome, index, ins=ins)
    )
    return _unreviewed(candidate, reason)


def _country_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    limit = problem.constraints.max_per_country
    country = problem.candidates[index].country
    if limit is None or outcome.per_country[country] < limit:
        return ""
    rule = f"(at most {limit} per country)"
    if limit == 0:
        return f"out: no one may be selected from any country {rule}"
    ranking = sorted(
        (i for i in problem.countries[country] if problem.available(i)),
        key=lambda i: (-problem.units[i], i),
    )
    place = ranking.index(index)
    if place >= limit and all(outcome.chosen[i] for i in ranking[:limit]):
        return f"out: {_ordinal_word(place + 1)} from {country} {rule}"
    return f"out: {country} already has {outcome.per_country[country]} selected {rule}"


def _stipend_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    available = problem.constraints.stipends_available
    if not problem.candidates[index].needs_stipend or outcome.stipends_used < available:
        return ""
    if available == 0:
        return "out: needs a stipend, and none are available"
    taken = {1: "the only one is", 2: "both are"}.get(available, f"all {available} are")
    holders = [i for i in outcome.selected if problem.candidates[i].needs_stipend]
    if all(problem.units[i] > problem.units[index] for i in holders):
        return f"out: needs a stipend; {taken} taken by higher scores"
    return f"out: needs a stipend; {taken} taken"


def _no_score_reason(candidate: Candidate, *, units: int) -> str:
    if units > 0:
        return ""
    if candidate.score is None:
        return "out: not reviewed yet (counted as 0)"
    return "out: a score of 0 adds nothing"


def _capacity_reason(outcome: _Outcome, index: int, *, ins: _Ins) -> str:
    """Out at full capacity: below the score cut-off, or behind the places kept for pins,
    continents, kinds and the minimum."""
    problem = outcome.problem
    units, limit = problem.units, problem.constraints.capacity_max
    if limit == 0:
        return "out: there are no places (capacity is 0)"
    cutoff = ins.cutoff(units)
    reason = ""
    if cutoff is not None:
        mine, last = problem.candidates[index].score, problem.candidates[cutoff].score
        mine_text, last_text = _score_pair(mine or 0.0, last or 0.0)
        if units[index] < units[cutoff]:
            reason = f"out: lower score than the last one selected ({mine_text} < {last_text})"
        elif units[index] == units[cutoff] and index > cutoff:
            reason = (
                f"out: same score as the last one selected ({last_text}), who was nominated earlier"
            )
    if reason:
        # Someone with a lower score is in for another reason: say what, or it reads unfair.
        went_to = ins.went_to(units=units, below=units[index])
        return f"{reason}; other places went to {_and(went_to)}" if went_to else reason
    if len(outcome.selected) >= limit:
        went_to = ins.went_to(units=units)
        if went_to:
            return f"out: capacity reached; the places went to {_and(went_to)}"
        return f"out: capacity reached ({len(outcome.selected)} of {limit} places taken)"
    # Unreachable for an optimal cohort (a better-scored addition would fit); said plainly.
    return "out: including them would break another constraint"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _score_pair(mine: float, last: float) -> tuple[str, str]:
    """Two decimals, or four when two would print a difference as equal."""
    texts = f"{mine:.2f}", f"{last:.2f}"
    if texts[0] == texts[1] and score_units(mine) != score_units(last):
        texts = f"{mine:.4f}", f"{last:.4f}"
    return texts


def _unmet(outcome: _Outcome) -> list[str]:
    """The wishes that could not be met, in plain words: missing continents, a capped spread."""
    problem = outcome.problem
    rules = problem.constraints
    notes = []
    if rules.min_project_kinds > problem.kinds_required:
        notes.append(
            f"Spread of project kinds: {rules.min_project_kinds} asked for, but the "
            f"nominations not pinned out bring only {problem.kinds_required}; "
            f"{problem.kinds_required} required instead."
        )
    if not rules.represent_every_continent:
        return notes
    for continent, members in problem.continents.items():
        if outcome.per_continent[continent]:
            continue
        if not any(problem.available(i) for i in members):
            notes.append(f"{continent} is not represented: its nominations are pinned out.")
        else:
            notes.append(
                f"{continent} is not represented: none of its "
                f"{_plural(len(members), 'nomination')} fits with the other constraints."
            )
    return notes
