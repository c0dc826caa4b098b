"""Automatic conflicts: opening review never gives an advisor a nominee from their own library
or one they nominated, and says how many reviews it kept apart."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Membership, Role
from nominations import review as reviewing
from nominations.models import Nomination, Review

from ..factories import CohortFactory, CriterionFactory, LibraryFactory, NominationFactory

NOW = dt.datetime(2024, 2, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cohort(db):
    cohort = CohortFactory(
        nominations_open_at=NOW - dt.timedelta(days=40),
        nominations_deadline=NOW - dt.timedelta(days=5),
    )
    CriterionFactory(cohort=cohort, name="Motivation")
    return cohort


@pytest.fixture
def setting(cohort, make_member):
    """Three advisors: Olga works at the Oodi library, Pim nominated Bea himself."""
    oodi = LibraryFactory(name="Oodi")
    olga, pim, kim = (make_member(cohort, Role.ADVISOR) for _ in range(3))
    Membership.objects.filter(user=olga, cohort=cohort).update(library=oodi)
    ana = NominationFactory(
        cohort=cohort, status=Nomination.Status.SUBMITTED, library=oodi, candidate_name="Ana"
    )
    bea = NominationFactory(
        cohort=cohort, status=Nomination.Status.SUBMITTED, nominator=pim, candidate_name="Bea"
    )
    cem = NominationFactory(cohort=cohort, status=Nomination.Status.SUBMITTED)
    return {"olga": olga, "pim": pim, "kim": kim, "ana": ana, "bea": bea, "cem": cem}


def assigned(nomination):
    return set(Review.objects.filter(nomination=nomination).values_list("advisor", flat=True))


@pytest.mark.parametrize("assignment", ["all", "balanced"])
def test_no_advisor_is_assigned_their_own_librarys_nominee_or_their_own_nominee(
    cohort, facilitator, setting, assignment
):
    opening = reviewing.open_review(
        cohort=cohort, by=facilitator, assignment=assignment, reviewers_per_nomination=2
    )

    s = setting
    assert assigned(s["ana"]) == {s["pim"].pk, s["kim"].pk}
    assert assigned(s["bea"]) == {s["olga"].pk, s["kim"].pk}
    assert len(assigned(s["cem"])) == (3 if assignment == "all" else 2)
    assert opening.kept_apart == 2


def test_opening_again_removes_an_untouched_review_the_rule_now_bars(
    client, cohort, facilitator, setting
):
    s = setting
    Review.objects.create(nomination=s["ana"], advisor=s["olga"])  # before her library was known
    Nomination.objects.filter(pk=s["ana"].pk).update(status=Nomination.Status.UNDER_REVIEW)
    client.force_login(facilitator)

    response = client.post(
        reverse("nominations:selection_open_review", kwargs={"cohort_slug": cohort.slug}),
        {"assignment": "all", "reviewers_per_nomination": 2},
        follow=True,
    )

    assert s["olga"].pk not in assigned(s["ana"])
    assert "2 reviews were not assigned: the nominee is from the advisor" in (
        response.content.decode().replace("&#x27;", "'")
    )
