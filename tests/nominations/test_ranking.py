"""The selection's ranking: aggregation with n/a scores, drafts and conflicts; sorting; owed
reviews; who may see the page (and the hidden-scores rule); a constant number of queries."""

import math
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Role
from nominations import ranking
from nominations.models import Decision, Nomination, Review, Score

from ..factories import (
    CohortFactory,
    CriterionFactory,
    LibraryFactory,
    NominationFactory,
    ReviewFactory,
    SelectionFactory,
    ThemeFactory,
    UserFactory,
)
from .scored import add_scored_nominations

Status = Nomination.Status


def ranking_url(cohort, sort=""):
    url = reverse("nominations:ranking", kwargs={"cohort_slug": cohort.slug})
    return f"{url}?sort={sort}" if sort else url


@pytest.fixture
def criteria(cohort):
    return [CriterionFactory(cohort=cohort, name=name) for name in ("Project", "Motivation", "Fit")]


def review(nomination, advisor, status, scores=None):
    """A review in any status; ``scores`` are stored whatever the status."""
    made = ReviewFactory(nomination=nomination, advisor=advisor, status=status)
    for criterion, value in (scores or {}).items():
        Score.objects.create(review=made, criterion=criterion, value=value)
    return made


@pytest.fixture
def advisors(cohort, make_member):
    return [make_member(cohort, Role.ADVISOR, display_name=f"Advisor {i}") for i in range(1, 7)]


@pytest.fixture
def scored(cohort, criteria, advisors):
    """Two nominations under review with hand-checked numbers, one submitted, one unscored."""
    project, motivation, fit = criteria
    first = NominationFactory(cohort=cohort, status=Status.UNDER_REVIEW, candidate_name="Ana")
    # Review means: 4.5 (fit n/a), 3.0 (two n/a), 3.0.
    ReviewFactory(nomination=first, advisor=advisors[0], scores={project: 4, motivation: 5})
    Score.objects.create(review=first.reviews.get(advisor=advisors[0]), criterion=fit, value=None)
    ReviewFactory(
        nomination=first, advisor=advisors[1], scores={project: 3, motivation: None, fit: None}
    )
    ReviewFactory(nomination=first, advisor=advisors[2], scores={project: 2, motivation: 3, fit: 4})
    # Neither a draft's scores nor a conflict count; a draft and an assigned review are missing.
    review(first, advisors[3], Review.Status.DRAFT, {project: 1, motivation: 1, fit: 1})
    review(first, advisors[4], Review.Status.CONFLICT)
    review(first, advisors[5], Review.Status.ASSIGNED)

    second = NominationFactory(cohort=cohort, status=Status.ACCEPTED, candidate_name="Bea")
    # Every criterion "not applicable": a submitted review, but no review mean.
    ReviewFactory(nomination=second, advisor=advisors[0], scores={project: None, motivation: None})
    ReviewFactory(nomination=second, advisor=advisors[1], scores={project: 5})

    waiting = NominationFactory(cohort=cohort, status=Status.SUBMITTED, candidate_name="Cem")
    NominationFactory(cohort=cohort, status=Status.DRAFT, candidate_name="Dan")
    withdrawn = NominationFactory(cohort=cohort, status=Status.WITHDRAWN, candidate_name="Eda")
    review(withdrawn, advisors[0], Review.Status.ASSIGNED)
    return {"first": first, "second": second, "waiting": waiting}


def by_name(ranked):
    return {entry.name: entry for entry in ranked}


# --- Aggregation --------------------------------------------------------------------------------


def test_rank_nominations_aggregates_by_hand_when_na_drafts_and_conflicts(cohort, criteria, scored):
    ranked = by_name(ranking.rank_nominations(cohort=cohort))
    first = ranked["Ana"]
    assert first.review_means == (3.0, 3.0, 4.5)
    assert first.mean == pytest.approx(3.5)
    assert first.median == pytest.approx(3.0)
    assert first.spread == pytest.approx(math.sqrt(0.5))  # ((-.5)² + (-.5)² + 1²) / 3
    assert (first.lowest, first.highest) == (3.0, 4.5)
    assert (first.reviews, first.missing, first.conflicts) == (3, 2, 1)
    assert first.criterion_row(criteria) == [
        pytest.approx(3.0),  # (4 + 3 + 2) / 3, the draft's 1 left out
        pytest.approx(4.0),  # (5 + 3) / 2, n/a left out
        pytest.approx(4.0),  # only one review scored it
    ]


def test_rank_nominations_counts_all_na_review_but_gives_it_no_mean_when_submitted(cohort, scored):
    second = by_name(ranking.rank_nominations(cohort=cohort))["Bea"]
    assert second.review_means == (5.0,)
    assert (second.mean, second.median, second.spread) == (5.0, 5.0, 0.0)
    assert (second.reviews, second.missing, second.conflicts) == (2, 0, 0)


def test_rank_nominations_lists_unscored_last_and_leaves_out_drafts_and_withdrawn_when_ranked(
    cohort, scored
):
    ranked = ranking.rank_nominations(cohort=cohort)
    assert [entry.name for entry in ranked] == ["Bea", "Ana", "Cem"]
    assert [entry.rank for entry in ranked] == [1, 2, None]
    waiting = ranked[-1]
    assert (waiting.mean, waiting.median, waiting.spread, waiting.reviews) == (None, None, None, 0)


def test_rank_nominations_leaves_out_submitted_when_review_has_opened(cohort, scored):
    SelectionFactory(cohort=cohort, review_opened_at=timezone.now())
    assert [entry.name for entry in ranking.rank_nominations(cohort=cohort)] == ["Bea", "Ana"]


def test_rank_nominations_shares_a_rank_when_means_tie(cohort, criteria, advisors):
    project, motivation, fit = criteria
    one, two, three = (
        NominationFactory(cohort=cohort, status=Status.UNDER_REVIEW) for _ in range(3)
    )
    # (11/3 + 13/3) / 2 and 4 / 1 are both 4 on paper.
    ReviewFactory(nomination=one, advisor=advisors[0], scores={project: 3, motivation: 4, fit: 4})
    ReviewFactory(nomination=one, advisor=advisors[1], scores={project: 4, motivation: 4, fit: 5})
    ReviewFactory(nomination=two, advisor=advisors[0], scores={project: 4})
    ReviewFactory(nomination=three, advisor=advisors[0], scores={project: 2})
    ranked = ranking.rank_nominations(cohort=cohort)
    assert [(entry.nomination.pk, entry.rank) for entry in ranked] == [
        (min(one.pk, two.pk), 1),
        (max(one.pk, two.pk), 1),
        (three.pk, 3),
    ]


def test_mean_scores_gives_the_ranking_mean_per_nomination_when_asked(cohort, scored):
    means = ranking.mean_scores(cohort=cohort)
    assert means == {
        scored["first"].pk: pytest.approx(3.5),
        scored["second"].pk: 5.0,
        scored["waiting"].pk: None,
    }


def test_rank_nominations_ignores_other_cohorts_when_ranking(cohort, scored, criteria):
    other = NominationFactory(status=Status.UNDER_REVIEW)
    ReviewFactory(nomination=other, scores={CriterionFactory(cohort=other.cohort): 1})
    assert other.pk not in {
        entry.nomination.pk for entry in ranking.rank_nominations(cohort=cohort)
    }


# --- Sorting ------------------------------------------------------------------------------------


@pytest.fixture
def sortable(cohort, criteria, advisors):
    """Four nominations: two share a mean (3.0), one has no score, countries differ."""
    project, *_ = criteria
    made = {}
    for name, country, scores, missing in [
        ("Zoe", "ES", [3, 3], 1),
        ("Yan", "KE", [2, 4], 0),
        ("Ali", "BR", [5], 2),
        ("Max", "FI", [], 3),
    ]:
        nomination = NominationFactory(
            cohort=cohort,
            status=Status.UNDER_REVIEW,
            candidate_name=name,
            library=LibraryFactory(country=country),
        )
        for advisor, value in zip(advisors, scores, strict=False):
            ReviewFactory(nomination=nomination, advisor=advisor, scores={project: value})
        for advisor in advisors[len(scores) : len(scores) + missing]:
            review(nomination, advisor, Review.Status.ASSIGNED)
        made[name] = nomination
    return made


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-mean", ["Ali", "Zoe", "Yan", "Max"]),  # Zoe and Yan tie on 3.0: lower id first
        ("mean", ["Zoe", "Yan", "Ali", "Max"]),  # unscored last either way
        ("-spread", ["Yan", "Ali", "Zoe", "Max"]),  # 1.0, then 0.0 by mean
        ("spread", ["Ali", "Zoe", "Yan", "Max"]),
        ("-median", ["Ali", "Zoe", "Yan", "Max"]),
        ("-reviews", ["Zoe", "Yan", "Ali", "Max"]),  # 2, 2, 1, 0
        ("reviews", ["Max", "Ali", "Zoe", "Yan"]),
        ("-missing", ["Max", "Ali", "Zoe", "Yan"]),
        ("missing", ["Yan", "Zoe", "Ali", "Max"]),
        ("name", ["Ali", "Max", "Yan", "Zoe"]),
        ("-name", ["Zoe", "Yan", "Max", "Ali"]),
        ("country", ["Ali", "Max", "Yan", "Zoe"]),  # Brazil, Finland, Kenya, Spain
        ("-country", ["Zoe", "Yan", "Max", "Ali"]),
        ("nonsense", ["Ali", "Zoe", "Yan", "Max"]),  # the default
    ],
)
def test_sort_ranking_orders_and_breaks_ties_when_sorted(cohort, sortable, sort, expected):
    ranked = ranking.sort_ranking(ranking.rank_nominations(cohort=cohort), sort=sort)
    assert [entry.name for entry in ranked] == expected


def test_sort_ranking_breaks_ties_by_mean_then_id_when_values_equal(cohort, sortable):
    ranked = ranking.sort_ranking(ranking.rank_nominations(cohort=cohort), sort="-reviews")
    zoe, yan = ranked[0], ranked[1]
    assert (zoe.reviews, zoe.mean) == (yan.reviews, yan.mean)
    assert zoe.nomination.pk < yan.nomination.pk


def test_ranking_page_sorts_and_marks_the_sorted_column_when_sort_given(
    client, cohort, facilitator, sortable
):
    client.force_login(facilitator)
    page = client.get(ranking_url(cohort, "country")).content.decode()
    names = re.findall(r">(Ali|Max|Yan|Zoe)</a></th>", page)
    assert names == ["Ali", "Max", "Yan", "Zoe"]
    assert page.count("aria-sort=") == 1
    assert re.search(r'aria-sort="ascending"><a href="\?sort=-country">', page)
    # Another column links to its first direction; the sorted one to the other way round.
    assert 'href="?sort=-mean"' in page
    assert 'href="?sort=name"' in page
    page = client.get(ranking_url(cohort)).content.decode()
    assert re.search(r'aria-sort="descending"><a href="\?sort=mean">', page)


def test_ranking_page_shows_the_numbers_when_facilitator(client, cohort, facilitator, scored):
    Decision.objects.create(
        nomination=scored["second"],
        outcome=Decision.Outcome.ACCEPTED,
        decided_by=facilitator,
        decided_at=timezone.now(),
    )
    client.force_login(facilitator)
    response = client.get(ranking_url(cohort))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    row = re.search(r"<tr>\s*<td class=\"num\">2</td>.*?</tr>", page, re.S).group(0)
    for shown in ("Ana", "3.50", "3.00", "0.71", "3.00–4.50", ">3<", ">2<", ">1<", "4.00"):
        assert shown in row, shown
    assert "Accepted <small>(draft)</small>" in page
    assert "style=" not in page.split("<main", 1)[1]


# --- Owed reviews -------------------------------------------------------------------------------


def test_owed_reviews_lists_advisors_with_assigned_or_draft_when_some_owe(cohort, scored, advisors):
    owed = ranking.owed_reviews(cohort=cohort)
    # Advisor 4 has a draft, advisor 6 an assigned review; advisor 5's conflict is not owed,
    # nor advisor 1's review of a withdrawn nomination.
    assert [(row.advisor, row.owed, row.submitted) for row in owed] == [
        (advisors[3], 1, 0),
        (advisors[5], 1, 0),
    ]
    review(scored["second"], advisors[3], Review.Status.ASSIGNED)
    owed = ranking.owed_reviews(cohort=cohort)
    assert owed[0] == (advisors[3], 2, 0)


def test_ranking_page_names_who_owes_reviews_when_listing(client, cohort, facilitator, scored):
    client.force_login(facilitator)
    page = client.get(ranking_url(cohort)).content.decode()
    owed = page.split('id="owed-heading"', 1)[1]
    assert re.findall(r"Advisor \d", owed) == ["Advisor 4", "Advisor 6"]


# --- Who may see it -----------------------------------------------------------------------------


def test_ranking_is_shown_to_advisor_when_all_own_reviews_submitted(
    client, cohort, scored, advisors
):
    client.force_login(advisors[2])  # submitted their one review
    response = client.get(ranking_url(cohort))
    assert response.status_code == 200
    assert "3.50" in response.content.decode()
    assert "Decision" not in response.content.decode()  # draft decisions stay with facilitators


def test_ranking_is_refused_with_a_reason_when_advisor_owes_reviews(
    client, cohort, scored, advisors
):
    client.force_login(advisors[3])  # a draft still open
    response = client.get(ranking_url(cohort))
    assert response.status_code == 403
    page = response.content.decode()
    assert "once you have submitted all your own reviews" in page
    assert "1 is still to submit" in page
    assert "3.50" not in page


def test_ranking_is_refused_to_advisors_when_scores_hidden(
    client, cohort, scored, advisors, facilitator
):
    SelectionFactory(cohort=cohort, scores_hidden=True)
    client.force_login(advisors[2])
    response = client.get(ranking_url(cohort))
    assert response.status_code == 403
    assert "kept hidden" in response.content.decode()
    client.force_login(facilitator)
    assert client.get(ranking_url(cohort)).status_code == 200


def test_ranking_redirects_to_login_when_anonymous(client, cohort):
    response = client.get(ranking_url(cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["nominator", "participant", "mentor", "advisor_elsewhere"])
def test_ranking_is_forbidden_when_not_advisor_or_facilitator(
    client, cohort, scored, make_member, who
):
    user = {
        "nominator": lambda: scored["first"].nominator,
        "participant": lambda: make_member(cohort, Role.PARTICIPANT),
        "mentor": lambda: make_member(cohort, Role.MENTOR),
        "advisor_elsewhere": lambda: make_member(CohortFactory(), Role.ADVISOR),
    }[who]()
    client.force_login(user)
    response = client.get(ranking_url(cohort))
    assert response.status_code == 403
    assert "3.50" not in response.content.decode()


def test_cohort_page_links_the_ranking_when_permitted(client, cohort, facilitator, make_member):
    detail = reverse("circle:detail", args=[cohort.slug])
    client.force_login(facilitator)
    assert ranking_url(cohort) in client.get(detail).content.decode()
    client.force_login(make_member(cohort, Role.ADVISOR))
    assert ranking_url(cohort) in client.get(detail).content.decode()
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    assert ranking_url(cohort) not in client.get(detail).content.decode()


# --- A constant number of queries ---------------------------------------------------------------

# The user (the session is cached), the cohort with the roles; the criteria, every review with
# its scores, the nominations (library and decision joined), the advisors who owe reviews.
FACILITATOR_QUERIES = 6
# An advisor's check adds two: the selection's hidden-scores setting and their own owed reviews;
# and one more: marking that they have seen the others' scores (their conflicts become final).
ADVISOR_QUERIES = 9


@pytest.mark.parametrize("as_advisor", [False, True])
def test_ranking_queries_are_the_same_when_20_or_500_nominations(
    client, cohort, facilitator, criteria, make_member, django_assert_num_queries, as_advisor
):
    advisors = [UserFactory() for _ in range(3)]
    make = {
        "cohort": cohort,
        "libraries": [LibraryFactory(country=code) for code in ("FI", "KE", "BR", "ES", "IN")],
        "themes": [ThemeFactory(cohort=cohort) for _ in range(3)],
        "advisors": advisors,
        "criteria": criteria,
        "nominator": UserFactory(),
        "decided_by": facilitator,
    }
    reader = facilitator
    if as_advisor:
        reader = make_member(cohort, Role.ADVISOR)
    queries = ADVISOR_QUERIES if as_advisor else FACILITATOR_QUERIES
    client.force_login(reader)

    add_scored_nominations(count=20, **make)
    with django_assert_num_queries(queries):
        small = client.get(ranking_url(cohort, "-spread"))
    add_scored_nominations(count=480, **make)
    with django_assert_num_queries(queries):
        large = client.get(ranking_url(cohort, "-spread"))

    assert small.status_code == large.status_code == 200
    # Half of the nominations are under review (the others drafts or withdrawn).
    assert len(small.context["rows"]) == 10
    assert len(large.context["rows"]) == 250
    assert {row.advisor for row in large.context["owed"]} == set(advisors)
