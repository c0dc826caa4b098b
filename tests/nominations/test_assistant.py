"""The selection assistant: each constraint and explanation by hand, its refusals, determinism,
and (with Hypothesis) every proposal checked against the rules and against brute force."""

import itertools
import random
from dataclasses import replace

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations import assistant
from nominations.assistant import (
    Candidate,
    Constraints,
    Infeasible,
    Proposal,
    SolverGaveUp,
    propose_cohort,
    score_units,
)

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    # The project's autouse settings fixture is function-scoped; nothing here touches it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def nominee(
    id: int,
    score: float | None = 3.0,
    *,
    country: str = "Spain",
    continent: str = "Europe",
    kind: str = "Branch development",
    stipend: bool = False,
) -> Candidate:
    return Candidate(
        id=id,
        score=score,
        country=country,
        continent=continent,
        project_kind=kind,
        needs_stipend=stipend,
        label=f"Candidate {id}",
    )


def rules(**changes: object) -> Constraints:
    """Loose rules unless a test tightens one: 0 to 20 places, nothing else asked."""
    loose = Constraints(
        capacity_min=0,
        capacity_max=20,
        max_per_country=None,
        stipends_available=0,
        min_project_kinds=0,
        represent_every_continent=False,
    )
    return replace(loose, **changes)


def abroad(id: int, score: float | None = 3.0, **fields: object) -> Candidate:
    """A nominee from a country of their own, so the per-country limit never bites."""
    return nominee(id, score, country=f"Country {id}", **fields)


def propose(candidates: list[Candidate], **changes: object) -> Proposal:
    return propose_cohort(candidates=candidates, constraints=rules(**changes))


# --- score and capacity ------------------------------------------------------------------------


def test_proposal_takes_the_best_scores_when_only_capacity_binds():
    candidates = [abroad(1, 3.4), abroad(2, 4.8), abroad(3, 3.55), abroad(4, 4.1), abroad(5, 2.0)]

    proposal = propose(candidates, capacity_max=3)

    assert proposal.selected == (2, 4, 3)
    assert proposal.total_score == pytest.approx(12.45)
    assert proposal.explanations == {
        2: "in: highest score overall",
        4: "in: score ranked 2 of 5 overall",
        3: "in: score ranked 3 of 5 overall",
        1: "out: the capacity of 3 places is filled by higher scores (3.40 < 3.55, the last one "
        "selected)",
        5: "out: the capacity of 3 places is filled by higher scores (2.00 < 3.55, the last one "
        "selected)",
    }
    assert proposal.unmet == ()


def test_proposal_fills_every_place_up_to_the_maximum():
    proposal = propose([abroad(i, 2.0 + i / 10) for i in range(1, 8)], capacity_max=5)

    assert len(proposal.selected) == 5


def test_unreviewed_nominations_count_as_zero_and_say_so():
    candidates = [abroad(1, 4.0), abroad(2, None), abroad(3, None)]

    proposal = propose(candidates, capacity_min=2)

    assert proposal.selected == (1, 2)
    assert proposal.explanations[2] == (
        "in: needed to fill the minimum of 2 places (not reviewed yet; counted as 0)"
    )
    assert proposal.explanations[3] == "out: not reviewed yet (counted as 0)"


def test_a_score_of_zero_is_not_taken_for_nothing():
    proposal = propose([abroad(1, 4.0), abroad(2, 0.0)])

    assert proposal.selected == (1,)
    assert proposal.explanations[2] == "out: a score of 0 adds nothing"


def test_capacity_reached_when_pinned_nominations_take_every_place():
    candidates = [abroad(1, 2.0), abroad(2, 2.5), abroad(3, 4.0)]

    proposal = propose(candidates, capacity_max=2, pinned_in=frozenset({1, 2}))

    assert set(proposal.selected) == {1, 2}
    assert proposal.explanations[1] == "in: pinned"
    assert (
        proposal.explanations[3] == "out: capacity reached; the places went to pinned nominations"
    )


def test_score_units_keep_four_decimals_of_a_mean():
    assert score_units(11 / 3) == 36_667
    assert score_units(None) == 0


@pytest.mark.parametrize(
    ("language", "spain", "capacity"),
    [
        (
            "fr",
            "écartée : classée 3 pour Spain selon la note, et la limite par pays est 2",
            "la capacité de 3 places",
        ),
        (
            "ru",
            "не включена: 3-е место в стране Spain по оценке, а лимит на страну — 2",  # noqa: RUF001
            "все места (3)",
        ),
        ("zh-hans", "未入选：按分数在Spain排名第 3，而每国上限为 2", "3 个名额"),  # noqa: RUF001
    ],
)
def test_explanations_are_in_the_language_of_the_page(language, spain, capacity):
    candidates = [nominee(1, 4.9), nominee(2, 4.8), nominee(3, 4.7), abroad(4, 3.0)]
    crowded = [abroad(1, 3.4), abroad(2, 4.8), abroad(3, 3.55), abroad(4, 4.1)]

    with translation.override(language):
        by_country = propose(candidates, max_per_country=2)
        by_capacity = propose(crowded, capacity_max=3)

    assert by_country.explanations[3] == spain
    assert capacity in by_capacity.explanations[1]


# --- per country, stipends ---------------------------------------------------------------------


def test_at_most_n_per_country_leaves_the_third_from_spain_out():
    candidates = [nominee(1, 4.9), nominee(2, 4.8), nominee(3, 4.7), abroad(4, 3.0)]

    proposal = propose(candidates, max_per_country=2)

    assert set(proposal.selected) == {1, 2, 4}
    assert (
        proposal.explanations[3]
        == "out: ranked 3 in Spain by score, and the per-country limit is 2"
    )


def test_a_better_score_out_because_pinned_compatriots_fill_the_country():
    candidates = [nominee(1, 4.9), nominee(2, 2.0), nominee(3, 2.5)]

    proposal = propose(candidates, max_per_country=2, pinned_in=frozenset({2, 3}))

    assert proposal.explanations[1] == "out: Spain already has 2 selected, the per-country limit"


def test_stipends_go_to_the_best_scores_among_those_who_need_one():
    candidates = [abroad(i, 5.0 - i / 10, stipend=True) for i in range(1, 5)] + [abroad(5, 2.0)]

    proposal = propose(candidates, stipends_available=3)

    assert set(proposal.selected) == {1, 2, 3, 5}
    assert proposal.stipends_used == 3
    assert (
        proposal.explanations[4]
        == "out: needs a travel stipend; all 3 of the cohort's go to higher scores"
    )


def test_stipends_go_only_to_nominees_the_calls_rule_allows_one():
    serbian = replace(abroad(1, 4.9, stipend=True), may_get_stipend=False)
    mexican = abroad(2, 4.0, stipend=True)
    covers_travel = replace(abroad(3, 3.0), may_get_stipend=False)
    rule = "the call's stipend rule (Global South only)"

    proposal = propose([serbian, mexican, covers_travel], stipends_available=3, stipend_rule=rule)

    assert proposal.selected == (2, 3)
    assert proposal.stipends_used == 1
    assert proposal.explanations[1] == (
        "out: needs a travel stipend, and the call's stipend rule (Global South only) does not "
        "give this nominee one"
    )


def test_pinning_in_a_nominee_the_stipend_rule_bars_is_refused_naming_them():
    barred = replace(abroad(1, stipend=True), may_get_stipend=False)
    with pytest.raises(Infeasible) as refused:
        propose([barred, abroad(2)], stipends_available=3, pinned_in=frozenset({1}))
    assert refused.value.reasons == [
        "Pinned in: #1 Candidate 1 needs a travel stipend that the call's stipend rule does "
        "not give."
    ]


def test_no_stipend_available():
    proposal = propose([abroad(1, 4.0, stipend=True), abroad(2, 3.0)])

    assert proposal.selected == (2,)
    assert proposal.explanations[1] == "out: needs a travel stipend, and the cohort has none"


# --- continents (soft) -------------------------------------------------------------------------


def test_every_continent_with_nominees_is_represented_before_score():
    candidates = [
        abroad(1, 4.5),
        abroad(2, 4.4),
        abroad(3, 4.3),
        abroad(4, 2.1, continent="Oceania"),
    ]

    proposal = propose(candidates, capacity_max=3, represent_every_continent=True)

    assert proposal.selected == (1, 2, 4)
    assert proposal.continents_represented == ("Europe", "Oceania")
    assert proposal.explanations[4] == "in: highest score in Oceania"
    assert proposal.explanations[3] == (
        "out: the capacity of 3 places is filled by higher scores (4.30 < 4.40, the last one "
        "selected); "
        "other places went to representing every continent"
    )


def test_without_the_wish_for_continents_score_decides():
    candidates = [
        abroad(1, 4.5),
        abroad(2, 4.4),
        abroad(3, 4.3),
        abroad(4, 2.1, continent="Oceania"),
    ]

    proposal = propose(candidates, capacity_max=3)

    assert proposal.selected == (1, 2, 3)


def test_a_continent_kept_by_its_second_nominee_when_the_first_cannot_come():
    candidates = [
        abroad(1, 4.5),
        abroad(2, 4.4),
        abroad(3, 3.9, continent="Oceania", stipend=True),
        abroad(4, 2.0, continent="Oceania"),
    ]

    proposal = propose(candidates, capacity_max=2, represent_every_continent=True)

    assert proposal.selected == (1, 4)
    assert proposal.explanations[4] == "in: represents Oceania"
    assert proposal.explanations[3] == "out: needs a travel stipend, and the cohort has none"


def test_a_continent_that_cannot_be_represented_is_reported_not_refused():
    candidates = [abroad(1, 4.5), abroad(2, 3.0, continent="Africa", stipend=True)]

    proposal = propose(candidates, represent_every_continent=True)

    assert proposal.selected == (1,)
    assert proposal.unmet == (
        "Africa is not represented: its 1 nomination does not fit with the other rules.",
    )


def test_a_continent_whose_nominees_are_pinned_out_is_reported():
    candidates = [abroad(1, 4.5), abroad(2, 3.0, continent="Asia")]

    proposal = propose(candidates, represent_every_continent=True, pinned_out=frozenset({2}))

    assert proposal.unmet == ("Asia is not represented: its nominations are pinned out.",)


# --- project kinds (hard, capped at the kinds present) ------------------------------------------


def test_a_spread_of_project_kinds_brings_in_the_only_partnerships_project():
    candidates = [
        abroad(1, 4.5),
        abroad(2, 4.4),
        abroad(3, 4.3),
        abroad(4, 2.2, kind="Partnerships"),
    ]

    proposal = propose(candidates, capacity_max=3, min_project_kinds=2)

    assert proposal.selected == (1, 2, 4)
    assert proposal.kinds_represented == ("Branch development", "Partnerships")
    assert proposal.explanations[4] == "in: brings the only Partnerships project"


def test_a_spread_wider_than_the_kinds_present_is_capped_and_said():
    candidates = [abroad(1, 4.5), abroad(2, 2.2, kind="Partnerships")]

    proposal = propose(candidates, capacity_max=2, min_project_kinds=4)

    assert proposal.selected == (1, 2)
    assert proposal.unmet == (
        "Spread of project kinds: 4 asked for, but the nominations not pinned out bring "
        "only 2; 2 required instead.",
    )


def test_a_spread_that_the_stipends_rule_out_is_refused_naming_both():
    candidates = [abroad(1, 4.5), abroad(2, 4.0, kind="Partnerships", stipend=True)]

    with pytest.raises(Infeasible) as refused:
        propose(candidates, min_project_kinds=2)

    assert refused.value.reasons == [
        "No cohort meets every constraint; changing any one of these would do:",
        "Stipends: 0 available, but the other constraints (at most 20 selected, at least 2 "
        "project kinds) need 1.",
        "Spread of project kinds: at least 2 required, but the other constraints (at most 20 "
        "selected, 0 stipends) allow at most 1.",
    ]


# --- pins ---------------------------------------------------------------------------------------


def test_pins_are_kept_and_a_second_run_follows_them():
    candidates = [abroad(1, 4.5), abroad(2, 4.4), abroad(3, 2.0)]
    first = propose(candidates, capacity_max=2)

    second = propose(
        candidates, capacity_max=2, pinned_in=frozenset({3}), pinned_out=frozenset({1})
    )

    assert first.selected == (1, 2)
    assert second.selected == (2, 3)
    assert second.explanations == {
        2: "in: score ranked 2 of 3 overall",  # the pinned-out 4.5 still ranks above
        3: "in: pinned",
        1: "out: pinned out",
    }


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "changes", "reason"),
    [
        (
            [nominee(1), nominee(2), nominee(3)],
            {"max_per_country": 2, "pinned_in": frozenset({1, 2, 3})},
            "Pinned in: 3 from Spain, but at most 2 per country are allowed.",
        ),
        (
            [abroad(1), abroad(2), abroad(3)],
            {"capacity_max": 2, "pinned_in": frozenset({1, 2, 3})},
            "Pinned in: 3 nominations, but capacity is at most 2.",
        ),
        (
            [abroad(1, stipend=True), abroad(2, stipend=True)],
            {"stipends_available": 1, "pinned_in": frozenset({1, 2})},
            "Pinned in: 2 need a stipend, but only 1 stipend is available.",
        ),
        (
            [abroad(1), abroad(2)],
            {"pinned_in": frozenset({2}), "pinned_out": frozenset({2})},
            "Pinned both in and out: #2 Candidate 2. Choose one.",
        ),
        (
            [abroad(1)],
            {"pinned_out": frozenset({9})},
            "Pinned out: #9 not among the nominations.",
        ),
        (
            [abroad(1), abroad(2), abroad(3)],
            {"capacity_min": 3, "pinned_out": frozenset({3})},
            "Capacity: at least 3 must be selected, but only 2 nominations are not pinned out.",
        ),
        (
            [nominee(1), nominee(2), nominee(3), abroad(4), abroad(5)],
            {"capacity_min": 5, "max_per_country": 2},
            "At most 2 per country: the nominations not pinned out, from 3 countries, fill at "
            "most 4 places, but at least 5 must be selected.",
        ),
        (
            [abroad(1)],
            {"capacity_min": 5, "capacity_max": 4},
            "Capacity: the minimum (5) is above the maximum (4).",
        ),
        (
            [abroad(1), abroad(2, kind="Partnerships"), abroad(3, kind="Other")],
            {"capacity_max": 2, "min_project_kinds": 3},
            "Spread of project kinds: 3 required, which takes at least 3 places, but capacity is "
            "at most 2.",
        ),
    ],
)
def test_impossible_rules_are_refused_with_the_reason(candidates, changes, reason):
    with pytest.raises(Infeasible) as refused:
        propose(candidates, **changes)

    assert reason in refused.value.reasons
    assert reason in str(refused.value)


def test_a_minimum_that_countries_and_stipends_cannot_reach_together_names_each():
    kenyans = [nominee(i, 4.5, country="Kenya", continent="Africa", stipend=True) for i in (5, 6)]
    candidates = [nominee(i, 4.0) for i in range(1, 5)] + kenyans

    with pytest.raises(Infeasible) as refused:
        propose(candidates, capacity_min=4, max_per_country=2, stipends_available=1)

    assert refused.value.reasons == [
        "No cohort meets every constraint; changing any one of these would do:",
        "Capacity: at least 4 must be selected, but the other constraints (at most 20 "
        "selected, at most 2 per country, 1 stipend) allow at most 3.",
        "At most 2 per country: the other constraints (at least 4 selected, at most 20 "
        "selected, 1 stipend) would need up to 3 from one country.",
        "Stipends: 1 available, but the other constraints (at least 4 selected, at most 20 "
        "selected, at most 2 per country) need 2.",
    ]


def test_a_refusal_changes_nothing_it_was_given():
    candidates = [nominee(1), nominee(2), nominee(3)]
    constraints = rules(capacity_min=3, max_per_country=1)
    before = (list(candidates), constraints)

    with pytest.raises(Infeasible):
        propose_cohort(candidates=candidates, constraints=constraints)

    assert (candidates, constraints) == before


def test_a_solver_that_stops_early_gives_no_proposal(monkeypatch):
    class Stopped:
        status, x, message = 1, None, "Time limit reached."

    monkeypatch.setattr(assistant.solver, "milp", lambda *args, **kwargs: Stopped())

    with pytest.raises(SolverGaveUp, match="Time limit reached"):
        propose([abroad(1)])


def test_a_time_limit_already_spent_gives_no_proposal():
    with pytest.raises(SolverGaveUp, match="ran out of time"):
        propose_cohort(candidates=[abroad(1)], constraints=rules(), time_limit=0)


def test_a_conflict_no_single_constraint_explains_lists_them_all(monkeypatch):
    kenyans = [nominee(i, 4.5, country="Kenya", continent="Africa", stipend=True) for i in (5, 6)]
    candidates = [nominee(i, 4.0) for i in range(1, 5)] + kenyans
    # As if relaxing any one of them alone still left no cohort.
    monkeypatch.setattr(assistant.solver, "_least_relaxation", lambda *args, **kwargs: None)

    with pytest.raises(Infeasible) as refused:
        propose(candidates, capacity_min=4, max_per_country=2, stipends_available=1)

    assert refused.value.reasons == [
        "No cohort meets these constraints together, and no single one of them is the cause: "
        "at least 4 selected, at most 20 selected, at most 2 per country, 1 stipend."
    ]


def test_duplicate_ids_are_a_programming_error():
    with pytest.raises(ValueError, match="share an id"):
        propose([abroad(1), abroad(1)])


# --- determinism --------------------------------------------------------------------------------


def test_equal_scores_go_to_the_earlier_nomination():
    proposal = propose([abroad(3, 4.0), abroad(1, 4.0), abroad(2, 4.0)], capacity_max=2)

    assert proposal.selected == (1, 2)
    assert proposal.explanations[3] == (
        "out: the capacity of 2 places is filled; the last one selected has the same score "
        "(4.00) and was nominated earlier"
    )


def _sample(size: int, *, seed: int) -> list[Candidate]:
    draw = random.Random(seed)
    return [
        nominee(
            id,
            draw.choice([None, *(x / 4 for x in range(4, 21))]),
            country=draw.choice(["Spain", "Kenya", "Chile", "Japan", "Canada"]),
            continent=draw.choice(["Africa", "Europe", "Asia"]),
            kind=draw.choice(["Branch development", "Partnerships", "Other"]),
            stipend=draw.random() < 0.2,
        )
        for id in range(1, size + 1)
    ]


def test_same_input_same_answer_whatever_the_order():
    candidates = _sample(40, seed=7)
    constraints = rules(
        capacity_min=15,
        capacity_max=20,
        max_per_country=5,
        stipends_available=3,
        min_project_kinds=3,
        represent_every_continent=True,
    )
    first = propose_cohort(candidates=candidates, constraints=constraints)

    for seed in range(5):
        shuffled = random.Random(seed).sample(candidates, len(candidates))
        again = propose_cohort(candidates=shuffled, constraints=constraints)
        assert again == first
        assert list(again.explanations) == list(first.explanations)


# --- properties: every proposal keeps every rule, and is optimal ---------------------------------


COUNTRIES = {"Spain": "Europe", "Finland": "Europe", "Kenya": "Africa", "Chile": "South America"}
KINDS = ["Branch development", "New main library", "Partnerships"]


@st.composite
def instances(draw: st.DrawFn, *, most: int) -> tuple[list[Candidate], Constraints]:
    size = draw(st.integers(min_value=0, max_value=most))
    # Mostly reviewed, mostly self-funded, so that most instances have a cohort to check.
    reviewed = st.integers(min_value=100, max_value=500).map(lambda x: x / 100)
    scores = st.one_of(reviewed, reviewed, reviewed, st.none())
    candidates = []
    for id in draw(st.lists(st.integers(1, 99), min_size=size, max_size=size, unique=True)):
        country = draw(st.sampled_from(sorted(COUNTRIES)))
        candidates.append(
            Candidate(
                id=id,
                score=draw(scores),
                country=country,
                continent=COUNTRIES[country],
                project_kind=draw(st.sampled_from(KINDS)),
                needs_stipend=draw(st.sampled_from([False, False, False, True])),
                label="",
            )
        )
    ids = [c.id for c in candidates]
    low = draw(st.integers(0, 4))
    constraints = Constraints(
        capacity_min=low,
        capacity_max=low + draw(st.integers(0, 5)),
        max_per_country=draw(st.none() | st.integers(0, 4)),
        stipends_available=draw(st.integers(0, 3)),
        min_project_kinds=draw(st.integers(0, 4)),
        represent_every_continent=draw(st.booleans()),
        pinned_in=frozenset(draw(st.lists(st.sampled_from(ids), max_size=2)) if ids else ()),
        pinned_out=frozenset(draw(st.lists(st.sampled_from(ids), max_size=2)) if ids else ()),
    )
    return candidates, constraints


def kinds_required(candidates: list[Candidate], constraints: Constraints) -> int:
    present = {c.project_kind for c in candidates if c.id not in constraints.pinned_out}
    return min(constraints.min_project_kinds, len(present))


def keeps_every_rule(chosen: list[Candidate], everyone, constraints: Constraints) -> bool:
    ids = {c.id for c in chosen}
    per_country = [sum(c.country == country for c in chosen) for country in COUNTRIES]
    return (
        constraints.capacity_min <= len(chosen) <= constraints.capacity_max
        and (constraints.max_per_country is None or max(per_country) <= constraints.max_per_country)
        and sum(c.needs_stipend for c in chosen) <= constraints.stipends_available
        and len({c.project_kind for c in chosen}) >= kinds_required(everyone, constraints)
        and constraints.pinned_in <= ids
        and not constraints.pinned_out & ids
    )


def objective(chosen: list[Candidate], everyone, constraints: Constraints) -> tuple:
    """Continents (when asked for), then score, then the earlier nominations."""
    position = {id: number for number, id in enumerate(sorted(c.id for c in everyone), 1)}
    continents = len({c.continent for c in chosen}) if constraints.represent_every_continent else 0
    return (
        continents,
        sum(score_units(c.score) for c in chosen),
        -sum(position[c.id] for c in chosen),
    )


@PROPERTY
@given(instances(most=12))
def test_every_proposal_keeps_every_rule_and_explains_everyone(instance):
    candidates, constraints = instance
    try:
        proposal = propose_cohort(candidates=candidates, constraints=constraints)
    except Infeasible as refused:
        reasons = refused.reasons
    else:
        reasons = []
    if reasons:
        assert all(reason.strip() for reason in reasons)
        return
    chosen = [c for c in candidates if c.id in proposal.selected]
    assert len(chosen) == len(proposal.selected)
    assert keeps_every_rule(chosen, candidates, constraints)
    assert proposal.stipends_used == sum(c.needs_stipend for c in chosen)
    assert set(proposal.explanations) == {c.id for c in candidates}
    for candidate in candidates:
        side = "in: " if candidate.id in proposal.selected else "out: "
        assert proposal.explanations[candidate.id].startswith(side)
    # The one explanation an optimal cohort can never need.
    assert (
        "out: including them would break another rule of the selection"
        not in proposal.explanations.values()
    )


@PROPERTY
@given(instances(most=10))
def test_the_proposal_is_as_good_as_brute_force(instance):
    candidates, constraints = instance
    feasible = [
        list(chosen)
        for size in range(len(candidates) + 1)
        for chosen in itertools.combinations(candidates, size)
        if keeps_every_rule(list(chosen), candidates, constraints)
    ]
    if not feasible:
        with pytest.raises(Infeasible):
            propose_cohort(candidates=candidates, constraints=constraints)
        return
    proposal = propose_cohort(candidates=candidates, constraints=constraints)
    chosen = [c for c in candidates if c.id in proposal.selected]
    best = max(objective(option, candidates, constraints) for option in feasible)
    assert objective(chosen, candidates, constraints) == best


def test_why_no_cohort_is_possible_is_said_in_the_language_of_the_page():
    candidates = [nominee(1), nominee(2), nominee(3), abroad(4), abroad(5)]

    with translation.override("de"), pytest.raises(Infeasible) as refused:
        propose(candidates, capacity_min=5, max_per_country=2)

    assert refused.value.reasons == [
        "Höchstens 2 pro Land: Die nicht ausgeschlossenen Nominierungen aus 3 Ländern füllen "
        "höchstens 4 Plätze, aber mindestens 5 müssen ausgewählt werden."
    ]
