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

One module per job: :mod:`.problem` (inputs, outputs, the canonical problem), :mod:`.checks`
(what is impossible on its face), :mod:`.solver` (the model, its stages, the culprit) and
:mod:`.explanations` (why each nomination is in or out).
"""

import time
from collections.abc import Iterable

from .checks import cheap_reasons
from .explanations import proposal_from
from .problem import (
    TIME_LIMIT_SECONDS,
    Candidate,
    Constraints,
    Infeasible,
    Proposal,
    SolverGaveUp,
    prepare,
    score_units,
)
from .solver import diagnose, optimise


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
    problem = prepare(candidates=candidates, constraints=constraints)
    reasons = cheap_reasons(problem)
    if reasons:
        raise Infeasible(reasons)
    chosen = optimise(problem, deadline=deadline)
    if chosen is None:
        raise Infeasible(diagnose(problem, deadline=deadline))
    return proposal_from(problem, chosen=chosen)


__all__ = [
    "Candidate",
    "Constraints",
    "Infeasible",
    "Proposal",
    "SolverGaveUp",
    "propose_cohort",
    "score_units",
]
