"""The proposal and its explanations: why each nomination is in or out, in words."""

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .problem import Candidate, Problem, Proposal, score_units


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
    if candidate.score is None:
        return _("%(reason)s (not reviewed yet; counted as 0)") % {"reason": reason}
    return reason


# What a place went to, when not to a score: said to those left out at full capacity.
PLACES_WENT_TO = {
    "pinned": gettext_lazy("pinned nominations"),
    "continent": gettext_lazy("representing every continent"),
    "kind": gettext_lazy("the spread of project kinds"),
    "minimum": gettext_lazy("filling the minimum"),
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
        return [str(words) for why, words in PLACES_WENT_TO.items() if why in whys]


def _explain_selected(outcome: _Outcome) -> _Ins:
    """Why each selected candidate is in: pinned, kept for a continent or a project kind that
    a better-ranked swap would lose, needed for the minimum, or simply their score."""
    problem = outcome.problem
    reasons, on_score, kept = {}, [], {}
    for index in outcome.selected:
        if problem.pinned_in(index):
            why, reason = "pinned", _pinned_reason(problem, index, pinned_in=True)
        else:
            why, reason = _structural_reason(outcome, index)
        if why:
            kept[index] = why
        else:
            reason = _rank_reason(problem, index)
            on_score.append(index)
        reasons[index] = _unreviewed(problem.candidates[index], reason)
    return _Ins(reasons=reasons, on_score=on_score, kept=kept)


def _pinned_reason(problem: Problem, index: int, *, pinned_in: bool) -> str:
    """In or out by a pin: by whom and why, when the caller said."""
    who = dict(problem.constraints.pinned_by).get(problem.candidates[index].id)
    if who:
        if pinned_in:
            return _("in: pinned by %(who)s") % {"who": who}
        return _("out: pinned out by %(who)s") % {"who": who}
    return _("in: pinned") if pinned_in else _("out: pinned out")


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
        return "kind", _("in: brings the only %(kind)s project") % {"kind": candidate.project_kind}
    if not beaten_by:  # a score of 0: only the minimum can have asked for them
        minimum = problem.constraints.capacity_min
        return "minimum", ngettext(
            "in: needed to fill the minimum of %(count)s place",
            "in: needed to fill the minimum of %(count)s places",
            minimum,
        ) % {"count": minimum}
    return "", ""


def _continent_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    continent = problem.candidates[index].continent
    rivals = [i for i in problem.continents[continent] if problem.available(i)]
    if all(problem.units[index] >= problem.units[i] for i in rivals):
        return _("in: highest score in %(continent)s") % {"continent": continent}
    return _("in: represents %(continent)s") % {"continent": continent}


def _rank_reason(problem: Problem, index: int) -> str:
    mine = problem.units[index]
    better = int((problem.units > mine).sum())
    tied = int((problem.units == mine).sum()) > 1
    if better == 0:
        return _("in: joint highest score overall") if tied else _("in: highest score overall")
    words = {"rank": better + 1, "count": problem.size}
    if tied:
        return _("in: score ranked %(rank)s of %(count)s overall (tied)") % words
    return _("in: score ranked %(rank)s of %(count)s overall") % words


def _explain_out(outcome: _Outcome, index: int, *, ins: _Ins) -> str:
    """Why a candidate is out: the first rule, in this order, that keeps them out."""
    problem = outcome.problem
    candidate = problem.candidates[index]
    if candidate.barred_by_stipend_rule:
        return _unreviewed(
            candidate,
            _("out: needs a travel stipend, and %(rule)s does not give this nominee one")
            % {"rule": problem.constraints.stipend_rule},
        )
    if not problem.available(index):
        return _unreviewed(candidate, _pinned_reason(problem, index, pinned_in=False))
    ruled = _country_reason(outcome, index) or _stipend_reason(outcome, index)
    if ruled:
        return _unreviewed(candidate, ruled)
    # Says "not reviewed yet" itself when that is why.
    no_score = _no_score_reason(candidate, units=int(problem.units[index]))
    return no_score or _unreviewed(candidate, _capacity_reason(outcome, index, ins=ins))


def _country_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    limit = problem.constraints.max_per_country
    country = problem.candidates[index].country
    if limit is None or outcome.per_country[country] < limit:
        return ""
    if limit == 0:
        return _("out: the per-country limit is 0, so no one may be selected from any country")
    ranking = sorted(
        (i for i in problem.countries[country] if problem.available(i)),
        key=lambda i: (-problem.units[i], i),
    )
    place = ranking.index(index)
    if place >= limit and all(outcome.chosen[i] for i in ranking[:limit]):
        return ngettext(
            "out: ranked %(rank)s in %(country)s by score, and the per-country limit is %(limit)s",
            "out: ranked %(rank)s in %(country)s by score, and the per-country limit is %(limit)s",
            limit,
        ) % {"rank": place + 1, "country": country, "limit": limit}
    selected = outcome.per_country[country]
    return ngettext(
        "out: %(country)s already has %(count)s selected, the per-country limit",
        "out: %(country)s already has %(count)s selected, the per-country limit",
        selected,
    ) % {"country": country, "count": selected}


def _stipend_reason(outcome: _Outcome, index: int) -> str:
    problem = outcome.problem
    available = problem.constraints.stipends_available
    if not problem.candidates[index].needs_stipend or outcome.stipends_used < available:
        return ""
    if available == 0:
        return _("out: needs a travel stipend, and the cohort has none")
    holders = [i for i in outcome.selected if problem.candidates[i].needs_stipend]
    if all(problem.units[i] > problem.units[index] for i in holders):
        return ngettext(
            "out: needs a travel stipend; the cohort's only one goes to a higher score",
            "out: needs a travel stipend; all %(count)s of the cohort's go to higher scores",
            available,
        ) % {"count": available}
    return ngettext(
        "out: needs a travel stipend; the cohort's only one is taken",
        "out: needs a travel stipend; all %(count)s of the cohort's are taken",
        available,
    ) % {"count": available}


def _no_score_reason(candidate: Candidate, *, units: int) -> str:
    if units > 0:
        return ""
    if candidate.score is None:
        return _("out: not reviewed yet (counted as 0)")
    return _("out: a score of 0 adds nothing")


def _capacity_reason(outcome: _Outcome, index: int, *, ins: _Ins) -> str:
    """Out at full capacity: below the score cut-off, or behind the places kept for pins,
    continents, kinds and the minimum."""
    problem = outcome.problem
    units, limit = problem.units, problem.constraints.capacity_max
    if limit == 0:
        return _("out: there are no places (capacity is 0)")
    cutoff = ins.cutoff(units)
    reason = ""
    if cutoff is not None:
        mine, last = problem.candidates[index].score, problem.candidates[cutoff].score
        mine_text, last_text = _score_pair(mine or 0.0, last or 0.0)
        words = {"mine": mine_text, "last": last_text, "limit": limit}
        if units[index] < units[cutoff]:
            reason = (
                ngettext(
                    "out: the capacity of %(limit)s place is filled by higher scores "
                    "(%(mine)s < %(last)s, the last one selected)",
                    "out: the capacity of %(limit)s places is filled by higher scores "
                    "(%(mine)s < %(last)s, the last one selected)",
                    limit,
                )
                % words
            )
        elif units[index] == units[cutoff] and index > cutoff:
            reason = (
                ngettext(
                    "out: the capacity of %(limit)s place is filled; the last one selected has "
                    "the same score (%(last)s) and was nominated earlier",
                    "out: the capacity of %(limit)s places is filled; the last one selected has "
                    "the same score (%(last)s) and was nominated earlier",
                    limit,
                )
                % words
            )
    if reason:
        # Someone with a lower score is in for another reason: say what, or it reads unfair.
        went_to = ins.went_to(units=units, below=units[index])
        if went_to:
            return _("%(reason)s; other places went to %(what)s") % {
                "reason": reason,
                "what": _and(went_to),
            }
        return reason
    if len(outcome.selected) >= limit:
        went_to = ins.went_to(units=units)
        if went_to:
            return _("out: capacity reached; the places went to %(what)s") % {"what": _and(went_to)}
        return ngettext(
            "out: capacity reached (%(taken)s of %(limit)s place taken)",
            "out: capacity reached (%(taken)s of %(limit)s places taken)",
            limit,
        ) % {"taken": len(outcome.selected), "limit": limit}
    # Unreachable for an optimal cohort (a better-scored addition would fit); said plainly.
    return _("out: including them would break another rule of the selection")


def _and(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


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
            _(
                "Spread of project kinds: %(asked)s asked for, but the nominations not pinned "
                "out bring only %(brought)s; %(brought)s required instead."
            )
            % {"asked": rules.min_project_kinds, "brought": problem.kinds_required}
        )
    if not rules.represent_every_continent:
        return notes
    for continent, members in problem.continents.items():
        if outcome.per_continent[continent]:
            continue
        if not any(problem.available(i) for i in members):
            notes.append(
                _("%(continent)s is not represented: its nominations are pinned out.")
                % {"continent": continent}
            )
        else:
            notes.append(
                ngettext(
                    "%(continent)s is not represented: its %(count)s nomination does not fit "
                    "with the other rules.",
                    "%(continent)s is not represented: none of its %(count)s nominations fits "
                    "with the other rules.",
                    len(members),
                )
                % {"continent": continent, "count": len(members)}
            )
    return notes
