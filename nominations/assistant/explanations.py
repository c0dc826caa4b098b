"""The proposal and its explanations: why each nomination is in or out, in words."""

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .problem import ORDINAL_WORDS, Candidate, Problem, Proposal, plural, score_units


@dataclass(frozen=True)
class _Outcome:
    """The chosen cohort and the counts every explanation is derived from."""

    problem: Problem
    chosen: np.ndarray  # bool per candidate
    selected: tuple[int, ...]  # candidate indices, best score first, then by id
    rest: tuple[int, ...]  # the others, in the same order
    per_country: Counter[str]
    per_continent: Counter[str]
    per_kind: Counter[str]
    stipends_used: int

    @classmethod
    def of(cls, problem: Problem, chosen: np.ndarray) -> "_Outcome":
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


def proposal_from(problem: Problem, *, chosen: np.ndarray) -> Proposal:
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
            why, reason = "pinned", f"in: pinned{_by_whom(problem, index)}"
        else:
            why, reason = _structural_reason(outcome, index)
        if why:
            kept[index] = why
        else:
            reason = _rank_reason(problem, index)
            on_score.append(index)
        reasons[index] = _unreviewed(problem.candidates[index], reason)
    return _Ins(reasons=reasons, on_score=on_score, kept=kept)


def _by_whom(problem: Problem, index: int) -> str:
    """ " by <name>" of whoever pinned the candidate, when the caller said."""
    who = dict(problem.constraints.pinned_by).get(problem.candidates[index].id)
    return f" by {who}" if who else ""


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
        return "minimum", f"in: needed to fill the minimum of {plural(minimum, 'place')}"
    return "", ""


def _continent_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    continent = problem.candidates[index].continent
    rivals = [i for i in problem.continents[continent] if problem.available(i)]
    if all(problem.units[index] >= problem.units[i] for i in rivals):
        return f"in: highest score in {continent}"
    return f"in: represents {continent}"


def _rank_reason(problem: Problem, index: int) -> str:
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
    if candidate.barred_by_stipend_rule:
        return _unreviewed(
            candidate,
            f"out: needs a travel stipend, and {problem.constraints.stipend_rule} "
            "does not give this nominee one",
        )
    if not problem.available(index):
        return _unreviewed(candidate, f"out: pinned out{_by_whom(problem, index)}")
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
                f"{plural(len(members), 'nomination')} fits with the other constraints."
            )
    return notes
