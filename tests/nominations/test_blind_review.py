"""Blind review with no way around it: an advisor sees the others' scores only once their own
work is done, recusal hides a nomination's scores from the recused advisor on every page they
can reach, and a conflict cannot be declared to peek and withdrawn to score."""

import re

import pytest
from django.urls import reverse

from cohorts.models import Role
from nominations import review as reviewing
from nominations.models import Nomination, Review

from ..factories import CriterionFactory, NominationFactory, ReviewFactory

Status = Review.Status

# The recused nomination's numbers: review means 1.5 and 2.0, mean, median 1.75, spread 0.50.
SECRET = "1.75"


def shows_secret(page: str) -> bool:
    """The number on its own: not the digits of a time such as 04:19:51.759903."""
    return re.search(rf"(?<![\d.]){re.escape(SECRET)}0*(?!\d)", page) is not None


@pytest.fixture
def criteria(cohort):
    return [CriterionFactory(cohort=cohort, name=name) for name in ("Motivation", "Impact")]


@pytest.fixture
def advisor(cohort, make_member):
    return make_member(cohort, Role.ADVISOR, display_name="Peeking Advisor")


@pytest.fixture
def nominations(cohort, criteria, make_member, advisor):
    """Ana (the advisor's own draft) and Bea (submitted by them), each scored by two others."""
    first, second = criteria
    others = [make_member(cohort, Role.ADVISOR) for _ in range(2)]
    ana, bea = (
        NominationFactory(cohort=cohort, status=Nomination.Status.UNDER_REVIEW, candidate_name=n)
        for n in ("Ana", "Bea")
    )
    ReviewFactory(nomination=ana, advisor=others[0], scores={first: 1, second: 2})
    ReviewFactory(nomination=ana, advisor=others[1], scores={first: 2, second: 2})
    ReviewFactory(nomination=bea, advisor=others[0], scores={first: 5, second: 4})
    ReviewFactory(nomination=bea, advisor=others[1], scores={first: 4, second: 4})
    ReviewFactory(nomination=ana, advisor=advisor, status=Status.DRAFT)
    ReviewFactory(nomination=bea, advisor=advisor, scores={first: 4, second: 5})
    return {"ana": ana, "bea": bea}


def pages(cohort, nominations):
    slug = {"cohort_slug": cohort.slug}
    addresses = [
        reverse("nominations:ranking", kwargs=slug),
        reverse("nominations:review_list", kwargs=slug),
        reverse("nominations:pipeline", kwargs=slug),
        reverse("nominations:pipeline_csv", kwargs=slug),
    ]
    for nomination in nominations.values():
        addresses.append(reverse("nominations:review_detail", kwargs={**slug, "pk": nomination.pk}))
        addresses.append(
            reverse("nominations:pipeline_detail", kwargs={**slug, "pk": nomination.pk})
        )
    return addresses


def test_every_page_hides_the_recused_or_owed_nominations_scores_in_both_states(
    client, cohort, nominations, advisor
):
    client.force_login(advisor)
    ana = Review.objects.get(nomination=nominations["ana"], advisor=advisor)

    # Owing a review: nothing of the others' scores of Ana anywhere, and no ranking.
    for address in pages(cohort, nominations):
        response = client.get(address)
        assert response.status_code in (200, 403), address
        assert not shows_secret(response.content.decode()), address

    # Recused: the ranking opens, without Ana (ranked as if she were not there).
    reviewing.declare_conflict(review=ana, by=advisor, note="My own library.")
    for address in pages(cohort, nominations):
        response = client.get(address)
        assert response.status_code == 200, address
        assert not shows_secret(response.content.decode()), address
    ranking = client.get(reverse("nominations:ranking", kwargs={"cohort_slug": cohort.slug}))
    assert [entry.nomination for entry, _row in ranking.context["rows"]] == [nominations["bea"]]
    assert ranking.context["rows"][0][0].rank == 1


def test_declaring_a_conflict_to_read_the_ranking_then_withdrawing_it_is_refused(
    client, cohort, nominations, advisor, criteria
):
    """The bypass of issue 15, replayed: declare conflicts on your drafts, read the ranking,
    withdraw the conflicts, then score."""
    client.force_login(advisor)
    ana = Review.objects.get(nomination=nominations["ana"], advisor=advisor)
    reviewing.declare_conflict(review=ana, by=advisor, note="Pretending.")
    ranking = client.get(reverse("nominations:ranking", kwargs={"cohort_slug": cohort.slug}))
    assert ranking.status_code == 200
    assert not shows_secret(ranking.content.decode())

    with pytest.raises(reviewing.ReviewRefused, match="final"):
        reviewing.withdraw_conflict(review=ana, by=advisor)
    response = client.post(
        reverse(
            "nominations:review_conflict_withdraw",
            kwargs={"cohort_slug": cohort.slug, "pk": nominations["ana"].pk},
        ),
        follow=True,
    )
    assert "final and cannot be withdrawn" in response.content.decode()
    with pytest.raises(reviewing.ReviewRefused):
        reviewing.save_review(
            review=ana,
            by=advisor,
            scores={criterion.pk: 5 for criterion in criteria},
            comment="",
            recommendation="",
            submit=False,
        )
    ana.refresh_from_db()
    assert ana.status == Status.CONFLICT
    assert not ana.scores.exists()


def test_a_conflict_withdrawn_before_seeing_any_score_can_still_be_reviewed(
    cohort, nominations, advisor
):
    ana = Review.objects.get(nomination=nominations["ana"], advisor=advisor)
    reviewing.declare_conflict(review=ana, by=advisor, note="Wrong nomination.")
    assert reviewing.withdraw_conflict(review=ana, by=advisor).status == Status.ASSIGNED
