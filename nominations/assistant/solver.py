"""The mixed-integer model, its three stages, and naming the culprit when nothing fits."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .problem import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    PER_COUNTRY,
    PINNED_IN,
    PINNED_OUT,
    PROJECT_KINDS,
    STIPENDS,
    Problem,
    SolverGaveUp,
)


@dataclass
class _Model:
    """Variables: x (one per candidate), r (one per continent: represented), k (one per
    project kind: represented) and one slack, fixed at 0 unless a family is relaxed."""

    problem: Problem
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


def _build(problem: Problem, *, relaxed: str | None = None) -> _Model:
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
        if problem.candidates[index].id in problem.constraints.pinned_out and (
            model.relaxed != PINNED_OUT
        ):
            upper[index] = 0
        if problem.candidates[index].barred_by_stipend_rule:  # the call's rule never gives
            upper[index] = 0
    slackless = model.relaxed in (None, PINNED_IN, PINNED_OUT)
    upper[model.slack] = 0 if slackless else _slack_room(problem)
    return Bounds(lower, upper)


def _slack_room(problem: Problem) -> int:
    rules = problem.constraints
    return problem.size + rules.capacity_min + problem.kinds_required + 1


def _solve(model: _Model, *, objective: np.ndarray, deadline: float) -> np.ndarray | None:
    """Minimise ``objective`` over the model: the rounded solution, or None if infeasible."""
    time_left = deadline - time.monotonic()
    if time_left <= 0:
        raise SolverGaveUp(_("The solver ran out of time before it could give an answer."))
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
        raise SolverGaveUp(
            _("The solver gave no optimal answer: %(message)s") % {"message": result.message}
        )
    return np.rint(result.x).astype(np.int64)


def optimise(problem: Problem, *, deadline: float) -> np.ndarray | None:
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


def _families(problem: Problem) -> list[str]:
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


def _least_relaxation(problem: Problem, *, family: str, deadline: float) -> int | None:
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


def diagnose(problem: Problem, *, deadline: float) -> list[str]:
    """Relax one family of hard constraints at a time; each that alone restores a cohort is
    named, with the number it would have to become."""
    culprits = []
    for family in _families(problem):
        give = _least_relaxation(problem, family=family, deadline=deadline)
        if give is not None:
            culprits.append(_culprit(problem, family=family, give=give))
    if not culprits:
        return [
            _(
                "No cohort meets these constraints together, and no single one of them is the "
                "cause: %(rules)s."
            )
            % {"rules": _rules_in_words(problem)}
        ]
    if len(culprits) == 1:
        return culprits
    return [_("No cohort meets every constraint; changing any one of these would do:"), *culprits]


def _culprit(problem: Problem, *, family: str, give: int) -> str:
    rules = problem.constraints
    others = _rules_in_words(problem, leaving_out=family)
    if family == CAPACITY_MIN:
        return _(
            "Capacity: at least %(rule)s must be selected, but the other constraints "
            "(%(others)s) allow at most %(could)s."
        ) % {"rule": rules.capacity_min, "others": others, "could": rules.capacity_min - give}
    if family == CAPACITY_MAX:
        return _(
            "Capacity: at most %(rule)s may be selected, but the other constraints "
            "(%(others)s) need at least %(could)s."
        ) % {"rule": rules.capacity_max, "others": others, "could": rules.capacity_max + give}
    if family == PER_COUNTRY:
        limit = rules.max_per_country or 0
        return _(
            "At most %(rule)s per country: the other constraints (%(others)s) would need up "
            "to %(could)s from one country."
        ) % {"rule": limit, "others": others, "could": limit + give}
    if family == STIPENDS:
        available = rules.stipends_available
        return _(
            "Stipends: %(rule)s available, but the other constraints (%(others)s) need %(could)s."
        ) % {"rule": available, "others": others, "could": available + give}
    if family == PROJECT_KINDS:
        kinds = problem.kinds_required
        return _(
            "Spread of project kinds: at least %(rule)s required, but the other constraints "
            "(%(others)s) allow at most %(could)s."
        ) % {"rule": kinds, "others": others, "could": kinds - give}
    if family == PINNED_IN:
        sentence = _(
            "Pinned in: %(give)s of the %(count)s pinned in would have to be released for the "
            "other constraints (%(others)s) to hold."
        )
        pins = rules.pinned_in
    else:
        sentence = _(
            "Pinned out: %(give)s of the %(count)s pinned out would have to be released for "
            "the other constraints (%(others)s) to hold."
        )
        pins = rules.pinned_out
    return sentence % {"give": give, "count": len(pins), "others": others}


def _rules_in_words(problem: Problem, *, leaving_out: str = "") -> str:
    rules = problem.constraints
    stipends, kinds = rules.stipends_available, problem.kinds_required
    words = {
        CAPACITY_MIN: _("at least %(count)s selected") % {"count": rules.capacity_min},
        CAPACITY_MAX: _("at most %(count)s selected") % {"count": rules.capacity_max},
        PER_COUNTRY: _("at most %(count)s per country") % {"count": rules.max_per_country},
        STIPENDS: ngettext("%(count)s stipend", "%(count)s stipends", stipends)
        % {"count": stipends},
        PROJECT_KINDS: ngettext(
            "at least %(count)s project kind", "at least %(count)s project kinds", kinds
        )
        % {"count": kinds},
        PINNED_IN: _("%(count)s pinned in") % {"count": len(rules.pinned_in)},
        PINNED_OUT: _("%(count)s pinned out") % {"count": len(rules.pinned_out)},
    }
    return ", ".join(words[family] for family in _families(problem) if family != leaving_out)
