"""Review by the advisory group: opening review, assignment, advisors' scores, conflicts of
interest, closing selection, who sees whose scores, and who may open which page."""

import datetime as dt
import re
from collections import Counter

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Role
from nominations import review as reviewing
from nominations.models import Criterion, Nomination, Review, Score, Selection

from ..factories import (
    CohortFactory,
    CriterionFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ThemeFactory,
    UserFactory,
)

Status = Review.Status
NOW = dt.datetime(2024, 2, 10, 12, 0, tzinfo=dt.UTC)

# Queries of the "my reviews" page, whatever the number of nominations: user (the session is
# cached), the cohort with the advisor's roles, their reviews with nominations and libraries, the
# selection.
MY_REVIEWS_QUERIES = 4


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cohort(db):
    return CohortFactory(
        nominations_open_at=NOW - dt.timedelta(days=30),
        nominations_deadline=NOW + dt.timedelta(days=5),
    )


@pytest.fixture
def criteria(cohort):
    return [
        CriterionFactory(cohort=cohort, name="Motivation", position=1),
        CriterionFactory(cohort=cohort, name="Relevance to urban transformation", position=2),
        CriterionFactory(cohort=cohort, name="Expected impact", position=3),
    ]


@pytest.fixture
def advisors(cohort, make_member):
    return [make_member(cohort, Role.ADVISOR) for _ in range(3)]


@pytest.fixture
def submitted(cohort):
    return [
        NominationFactory(
            cohort=cohort,
            status=Nomination.Status.SUBMITTED,
            submitted_at=NOW - dt.timedelta(days=3),
            candidate_name=name,
        )
        for name in ("Aino", "Bongani", "Chen", "Dolores")
    ]


@pytest.fixture
def opened(cohort, facilitator, criteria, advisors, submitted):
    """Review open, every advisor assigned every nomination."""
    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="all", reviewers_per_nomination=3
    )
    return cohort


def review_of(advisor, nomination):
    return Review.objects.get(advisor=advisor, nomination=nomination)


def scores_of(review):
    return dict(review.scores.values_list("criterion_id", "value"))


def full_scores(criteria, value=4):
    return {criterion.pk: value for criterion in criteria}


def loads(cohort):
    return Counter(
        Review.objects.filter(nomination__cohort=cohort)
        .exclude(status=Status.CONFLICT)
        .values_list("advisor_id", flat=True)
    )


def per_nomination(cohort):
    return Counter(
        Review.objects.filter(nomination__cohort=cohort)
        .exclude(status=Status.CONFLICT)
        .values_list("nomination_id", flat=True)
    )


def url(name, cohort, **kwargs):
    return reverse(f"nominations:{name}", kwargs={"cohort_slug": cohort.slug, **kwargs})


def review_url(nomination):
    return url("review_detail", nomination.cohort, pk=nomination.pk)


def page_text(response):
    return response.content.decode()


# --- Opening review ---------------------------------------------------------------------------


def test_open_review_locks_submitted_nominations_when_call_still_open(
    cohort, facilitator, criteria, advisors, submitted
):
    draft = NominationFactory(cohort=cohort, status=Nomination.Status.DRAFT)
    withdrawn = NominationFactory(cohort=cohort, status=Nomination.Status.WITHDRAWN)
    deadline = cohort.nominations_deadline

    opening = reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="all", reviewers_per_nomination=3
    )

    cohort.refresh_from_db()
    assert cohort.nominations_deadline == NOW
    assert opening.deadline_was == deadline
    assert (opening.locked, opening.drafts_left_out, opening.reviews_created) == (4, 1, 12)
    statuses = dict(Nomination.objects.filter(cohort=cohort).values_list("pk", "status"))
    assert {statuses[n.pk] for n in submitted} == {"under_review"}
    assert statuses[draft.pk] == "draft"
    assert statuses[withdrawn.pk] == "withdrawn"
    selection = Selection.objects.get(cohort=cohort)
    assert (selection.review_opened_at, selection.review_opened_by) == (NOW, facilitator)
    entry = LogEntry.objects.get(object_id=str(cohort.pk))
    assert "closed early" in entry.change_message


def test_nominator_cannot_edit_when_review_opened(client, opened, submitted):
    nomination = submitted[0]
    client.force_login(nomination.nominator)

    response = client.get(reverse("nominations:edit", args=[nomination.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("nominations:detail", args=[nomination.pk])
    assert "can no longer be changed" in page_text(response)
    response = client.post(
        reverse("nominations:edit", args=[nomination.pk]), {"motivation": "Changed."}
    )
    nomination.refresh_from_db()
    assert nomination.motivation != "Changed."


def test_open_review_assigns_everyone_everything_once_when_run_twice(
    opened, facilitator, advisors, submitted
):
    assert Review.objects.filter(nomination__cohort=opened).count() == 12
    assert set(loads(opened).values()) == {4}

    again = reviewing.open_review(
        cohort=opened, by=facilitator, assignment="all", reviewers_per_nomination=3
    )

    assert again.reviews_created == 0
    assert again.locked == 0
    assert Review.objects.filter(nomination__cohort=opened).count() == 12


def test_open_review_assigns_new_advisor_when_run_again(opened, facilitator, make_member):
    newcomer = make_member(opened, Role.ADVISOR)

    again = reviewing.open_review(
        cohort=opened, by=facilitator, assignment="all", reviewers_per_nomination=3
    )

    assert again.reviews_created == 4
    assert Review.objects.filter(advisor=newcomer, status=Status.ASSIGNED).count() == 4


def test_open_review_balanced_gives_each_nomination_k_within_one_when_run(
    cohort, facilitator, criteria, make_member
):
    members = [make_member(cohort, Role.ADVISOR) for _ in range(5)]
    NominationFactory.create_batch(7, cohort=cohort, status=Nomination.Status.SUBMITTED)

    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=2
    )

    assert set(per_nomination(cohort).values()) == {2}
    counted = loads(cohort)
    assert sum(counted.values()) == 14
    assert max(counted.values()) - min(counted[m.pk] for m in members) <= 1
    before = sorted(Review.objects.values_list("nomination_id", "advisor_id"))
    again = reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=2
    )
    assert (again.reviews_created, again.reviews_moved) == (0, 0)
    assert sorted(Review.objects.values_list("nomination_id", "advisor_id")) == before


def test_open_review_balanced_is_deterministic_when_run_on_equal_cohorts(facilitator, db):
    def assignment_of(cohort):
        by = UserFactory()
        MembershipFactory(user=by, cohort=cohort, role=Role.FACILITATOR)
        for _ in range(4):
            MembershipFactory(cohort=cohort, role=Role.ADVISOR)
        CriterionFactory(cohort=cohort)
        nominations = NominationFactory.create_batch(
            6, cohort=cohort, status=Nomination.Status.SUBMITTED
        )
        reviewing.open_review(
            cohort=cohort, by=by, assignment="balanced", reviewers_per_nomination=3
        )
        advisor_rank = {
            advisor.pk: rank for rank, advisor in enumerate(reviewing.cohort_advisors(cohort))
        }
        nomination_rank = {n.pk: rank for rank, n in enumerate(nominations)}
        return sorted(
            (nomination_rank[n], advisor_rank[a])
            for n, a in Review.objects.filter(nomination__cohort=cohort).values_list(
                "nomination_id", "advisor_id"
            )
        )

    assert assignment_of(CohortFactory()) == assignment_of(CohortFactory())


def test_open_review_balanced_skips_declared_conflict_when_run_again(
    cohort, facilitator, criteria, advisors, submitted
):
    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=2
    )
    conflicted = Review.objects.filter(nomination=submitted[0]).order_by("advisor_id").first()
    reviewing.declare_conflict(review=conflicted, by=conflicted.advisor, note="My colleague.")

    again = reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=2
    )

    assert again.reviews_created == 1
    reviews = Review.objects.filter(nomination=submitted[0])
    assert reviews.exclude(status=Status.CONFLICT).count() == 2
    assert reviews.get(advisor=conflicted.advisor).status == Status.CONFLICT
    assert set(per_nomination(cohort).values()) == {2}


def test_open_review_balanced_shares_with_new_advisor_when_run_again(
    cohort, facilitator, criteria, make_member, submitted
):
    first = [make_member(cohort, Role.ADVISOR) for _ in range(2)]
    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=1
    )
    assert loads(cohort) == {first[0].pk: 2, first[1].pk: 2}
    started = Review.objects.filter(advisor=first[0]).order_by("nomination_id").first()
    reviewing.save_review(
        review=started, by=first[0], scores={}, comment="Begun.", recommendation="", submit=False
    )
    newcomer = make_member(cohort, Role.ADVISOR)

    again = reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=1
    )

    assert again.reviews_moved == 1
    counted = loads(cohort)
    assert counted[newcomer.pk] == 1
    assert max(counted.values()) - min(counted.values()) <= 1
    assert set(per_nomination(cohort).values()) == {1}
    started.refresh_from_db()
    assert (started.advisor, started.comment) == (first[0], "Begun.")


@pytest.mark.parametrize("missing", ["advisors", "criteria"])
def test_open_review_refused_and_nothing_changed_when_advisors_or_criteria_missing(
    cohort, facilitator, make_member, submitted, missing
):
    if missing == "criteria":
        make_member(cohort, Role.ADVISOR)
    else:
        CriterionFactory(cohort=cohort)
    deadline = cohort.nominations_deadline

    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.open_review(
            cohort=cohort, by=facilitator, assignment="all", reviewers_per_nomination=3
        )

    expected = "no advisors" if missing == "advisors" else "at least one criterion"
    assert any(expected in message for message in refused.value.messages)
    cohort.refresh_from_db()
    assert cohort.nominations_deadline == deadline
    assert set(Nomination.objects.values_list("status", flat=True)) == {"submitted"}
    assert not Review.objects.exists()
    assert not Selection.objects.filter(review_opened_at__isnull=False).exists()


def test_open_review_refused_when_share_exceeds_advisors(
    cohort, facilitator, criteria, advisors, submitted
):
    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.open_review(
            cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=4
        )

    assert "reviewers_per_nomination" in refused.value.fields
    assert not Review.objects.exists()


def test_open_review_raises_permission_denied_when_by_advisor(cohort, criteria, advisors):
    with pytest.raises(PermissionDenied):
        reviewing.open_review(
            cohort=cohort, by=advisors[0], assignment="all", reviewers_per_nomination=3
        )


# --- An advisor's review ----------------------------------------------------------------------


def test_save_review_refuses_scores_outside_scale_and_changes_nothing(
    opened, criteria, advisors, submitted
):
    review = review_of(advisors[0], submitted[0])
    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores={criteria[0].pk: 3},
        comment="First thoughts.",
        recommendation="",
        submit=False,
    )

    for bad in (0, 6, -1, True, "5", 2.5):
        with pytest.raises(reviewing.ReviewRefused) as refused:
            reviewing.save_review(
                review=review,
                by=advisors[0],
                scores={criteria[0].pk: 4, criteria[1].pk: bad},
                comment="Changed.",
                recommendation="recommend",
                submit=False,
            )
        assert list(refused.value.fields) == [reviewing.score_field(criteria[1].pk)]
        assert "Relevance to urban transformation" in refused.value.messages[0]

    review.refresh_from_db()
    assert (review.status, review.comment, review.recommendation) == (
        Status.DRAFT,
        "First thoughts.",
        "",
    )
    assert scores_of(review) == {criteria[0].pk: 3}


def test_save_review_refuses_criterion_of_another_cohort(opened, criteria, advisors, submitted):
    elsewhere = CriterionFactory(cohort=CohortFactory())
    review = review_of(advisors[0], submitted[0])

    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.save_review(
            review=review,
            by=advisors[0],
            scores={elsewhere.pk: 3},
            comment="",
            recommendation="",
            submit=False,
        )

    assert "not one of this cohort's criteria" in refused.value.messages[0]
    assert not Score.objects.exists()


def test_save_review_refused_when_review_is_not_the_advisors(
    cohort, facilitator, criteria, advisors, submitted
):
    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=1
    )
    theirs = Review.objects.exclude(advisor=advisors[0]).first()

    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.save_review(
            review=theirs,
            by=advisors[0],
            scores=full_scores(criteria),
            comment="Not mine.",
            recommendation="recommend",
            submit=True,
        )

    assert refused.value.messages == ["This nomination is not assigned to you."]
    theirs.refresh_from_db()
    assert (theirs.status, theirs.comment) == (Status.ASSIGNED, "")


def test_save_review_refused_when_selection_closed(
    opened, facilitator, criteria, advisors, submitted
):
    review = review_of(advisors[0], submitted[0])
    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores=full_scores(criteria, 2),
        comment="Before closing.",
        recommendation="neutral",
        submit=True,
    )
    reviewing.close_selection(cohort=opened, by=facilitator)

    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.save_review(
            review=review,
            by=advisors[0],
            scores=full_scores(criteria, 5),
            comment="After closing.",
            recommendation="strongly",
            submit=True,
        )
    with pytest.raises(reviewing.ReviewRefused):
        reviewing.declare_conflict(review=review, by=advisors[0], note="Late.")

    assert "Selection is closed" in refused.value.messages[0]
    review.refresh_from_db()
    assert (review.status, review.comment, review.recommendation) == (
        Status.SUBMITTED,
        "Before closing.",
        "neutral",
    )
    assert set(scores_of(review).values()) == {2}

    reviewing.reopen_selection(cohort=opened, by=facilitator)
    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores=full_scores(criteria, 5),
        comment="Reopened.",
        recommendation="strongly",
        submit=True,
    )
    assert set(scores_of(review).values()) == {5}


def test_save_review_stores_not_applicable_as_null(opened, criteria, advisors, submitted):
    review = review_of(advisors[0], submitted[0])

    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores={criteria[0].pk: 5, criteria[1].pk: None, criteria[2].pk: 1},
        comment="",
        recommendation="recommend",
        submit=True,
    )

    review.refresh_from_db()
    assert review.status == Status.SUBMITTED
    assert review.submitted_at == NOW
    assert scores_of(review) == {criteria[0].pk: 5, criteria[1].pk: None, criteria[2].pk: 1}


def test_submit_review_refused_when_a_criterion_or_recommendation_missing(
    opened, criteria, advisors, submitted
):
    review = review_of(advisors[0], submitted[0])

    with pytest.raises(reviewing.ReviewRefused) as refused:
        reviewing.save_review(
            review=review,
            by=advisors[0],
            scores={criteria[0].pk: 4, criteria[1].pk: None},
            comment="Almost.",
            recommendation="",
            submit=True,
        )

    assert set(refused.value.fields) == {reviewing.score_field(criteria[2].pk), "recommendation"}
    review.refresh_from_db()
    assert (review.status, review.comment) == (Status.ASSIGNED, "")
    assert not review.scores.exists()


def test_save_draft_keeps_partial_answers(opened, criteria, advisors, submitted):
    review = review_of(advisors[0], submitted[0])

    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores={criteria[1].pk: 3},
        comment="Half way.",
        recommendation="",
        submit=False,
    )

    review.refresh_from_db()
    assert (review.status, review.comment, review.submitted_at) == (Status.DRAFT, "Half way.", None)
    assert scores_of(review) == {criteria[1].pk: 3}


def test_declare_conflict_deletes_scores_and_can_be_undone(opened, criteria, advisors, submitted):
    review = review_of(advisors[0], submitted[0])
    reviewing.save_review(
        review=review,
        by=advisors[0],
        scores=full_scores(criteria),
        comment="",
        recommendation="recommend",
        submit=True,
    )

    reviewing.declare_conflict(review=review, by=advisors[0], note="She works for me.")

    review.refresh_from_db()
    assert (review.status, review.conflict_note, review.recommendation) == (
        Status.CONFLICT,
        "She works for me.",
        "",
    )
    assert not review.scores.exists()
    with pytest.raises(reviewing.ReviewRefused):
        reviewing.save_review(
            review=review,
            by=advisors[0],
            scores=full_scores(criteria),
            comment="",
            recommendation="recommend",
            submit=True,
        )

    reviewing.withdraw_conflict(review=review, by=advisors[0])
    review.refresh_from_db()
    assert (review.status, review.conflict_note) == (Status.ASSIGNED, "")


# --- Who sees whose scores --------------------------------------------------------------------


@pytest.fixture
def three_reviews(opened, criteria, advisors, submitted):
    """On the first nomination: advisors 1 and 2 have submitted, advisor 0 has a draft."""
    nomination = submitted[0]
    for advisor in advisors[1:]:
        reviewing.save_review(
            review=review_of(advisor, nomination),
            by=advisor,
            scores=full_scores(criteria, 3),
            comment="Solid.",
            recommendation="recommend",
            submit=True,
        )
    reviewing.save_review(
        review=review_of(advisors[0], nomination),
        by=advisors[0],
        scores={criteria[0].pk: 5},
        comment="",
        recommendation="",
        submit=False,
    )
    return nomination


def submit_own(advisor, nomination, criteria):
    reviewing.save_review(
        review=review_of(advisor, nomination),
        by=advisor,
        scores=full_scores(criteria, 4),
        comment="Mine.",
        recommendation="strongly",
        submit=True,
    )


def test_advisor_sees_others_scores_only_after_submitting_own(three_reviews, advisors, criteria):
    assert reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[0]) == []

    submit_own(advisors[0], three_reviews, criteria)

    shown = reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[0])
    assert {review.advisor for review in shown} == set(advisors[1:])


def test_advisor_sees_only_submitted_reviews_of_others(three_reviews, advisors, criteria):
    reviewing.save_review(
        review=review_of(advisors[2], three_reviews),
        by=advisors[2],
        scores={},
        comment="Rethinking.",
        recommendation="",
        submit=False,
    )

    shown = reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[1])

    assert [review.advisor for review in shown] == []
    submit_own(advisors[0], three_reviews, criteria)
    shown = reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[1])
    assert [review.advisor for review in shown] == [advisors[0]]


def test_advisor_never_sees_others_scores_when_scores_hidden(three_reviews, advisors, criteria):
    Selection.objects.filter(cohort=three_reviews.cohort).update(scores_hidden=True)

    submit_own(advisors[0], three_reviews, criteria)

    for advisor in advisors:
        assert reviewing.visible_reviews(nomination=three_reviews, viewer=advisor) == []


def test_advisor_sees_no_other_reviews_when_conflict_declared(three_reviews, advisors, criteria):
    submit_own(advisors[0], three_reviews, criteria)
    reviewing.declare_conflict(
        review=review_of(advisors[0], three_reviews), by=advisors[0], note=""
    )

    assert reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[0]) == []
    shown = reviewing.visible_reviews(nomination=three_reviews, viewer=advisors[1])
    assert advisors[0] not in {review.advisor for review in shown}


def test_facilitator_sees_every_review_when_hidden_from_advisors(
    three_reviews, facilitator, advisors
):
    Selection.objects.filter(cohort=three_reviews.cohort).update(scores_hidden=True)

    shown = reviewing.visible_reviews(nomination=three_reviews, viewer=facilitator)

    assert {review.advisor for review in shown} == set(advisors)


def test_nominator_sees_no_review_when_asking(three_reviews):
    assert reviewing.visible_reviews(nomination=three_reviews, viewer=three_reviews.nominator) == []


# --- Pages: who may open what -----------------------------------------------------------------


def selection_pages(cohort, nomination):
    """Every review page: (url, method)."""
    return [
        (url("selection_overview", cohort), "get"),
        (url("selection_criteria", cohort), "get"),
        (url("selection_open_review", cohort), "get"),
        (url("selection_open_review", cohort), "post"),
        (url("selection_close", cohort), "post"),
        (url("selection_reopen", cohort), "post"),
        (url("review_list", cohort), "get"),
        (review_url(nomination), "get"),
        (review_url(nomination), "post"),
        (url("review_conflict", cohort, pk=nomination.pk), "post"),
        (url("review_conflict_withdraw", cohort, pk=nomination.pk), "post"),
    ]


def test_review_pages_send_anonymous_to_login(client, opened, submitted):
    for page, method in selection_pages(opened, submitted[0]):
        response = getattr(client, method)(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("account_login")), page


def test_nominator_gets_403_on_every_selection_page(client, opened, submitted):
    client.force_login(submitted[0].nominator)

    for page, method in selection_pages(opened, submitted[0]):
        assert getattr(client, method)(page).status_code == 403, page

    assert Review.objects.filter(status=Status.ASSIGNED).count() == 12
    assert Selection.objects.get(cohort=opened).closed_at is None


def test_nominator_never_sees_reviews_on_own_nomination_page(
    client, three_reviews, advisors, criteria
):
    client.force_login(three_reviews.nominator)

    response = client.get(reverse("nominations:detail", args=[three_reviews.pk]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Solid." not in text
    assert str(advisors[1]) not in text
    assert "Relevance to urban transformation" not in text


def test_advisor_of_another_cohort_gets_403(client, opened, submitted, make_member):
    stranger = make_member(CohortFactory(), Role.ADVISOR)
    client.force_login(stranger)

    for page, method in selection_pages(opened, submitted[0]):
        assert getattr(client, method)(page).status_code == 403, page


def test_advisor_gets_404_on_unassigned_nomination(
    client, cohort, facilitator, criteria, advisors, submitted
):
    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=1
    )
    mine = set(Review.objects.filter(advisor=advisors[0]).values_list("nomination_id", flat=True))
    unassigned = next(n for n in submitted if n.pk not in mine)
    draft = NominationFactory(cohort=cohort)
    client.force_login(advisors[0])

    for nomination in (unassigned, draft):
        assert client.get(review_url(nomination)).status_code == 404
        response = client.post(review_url(nomination), {"comment": "Sneaky.", "action": "draft"})
        assert response.status_code == 404
        conflict = client.post(url("review_conflict", cohort, pk=nomination.pk), {"note": "x"})
        assert conflict.status_code == 404
    assert not Review.objects.filter(advisor=advisors[0], nomination=unassigned).exists()
    assert not Review.objects.filter(comment="Sneaky.").exists()


def test_facilitator_opens_review_but_advisor_gets_403(
    client, cohort, facilitator, criteria, advisors, submitted
):
    data = {"assignment": "balanced", "reviewers_per_nomination": 2}
    client.force_login(advisors[0])
    assert client.get(url("selection_open_review", cohort)).status_code == 403
    assert client.post(url("selection_open_review", cohort), data).status_code == 403
    assert not Review.objects.exists()

    client.force_login(facilitator)
    page = client.get(url("selection_open_review", cohort))
    assert "4 submitted nominations go under review" in page_text(page)
    NominationFactory(cohort=cohort)
    page = client.get(url("selection_open_review", cohort))
    assert "1 draft is left out" in page_text(page)
    response = client.post(url("selection_open_review", cohort), data, follow=True)

    assert response.redirect_chain[-1][0] == url("selection_overview", cohort)
    assert "4 nominations are now under review" in page_text(response)
    assert "1 draft nomination was left out" in page_text(response)
    assert set(per_nomination(cohort).values()) == {2}


def test_open_review_page_keeps_choice_and_shows_refusal_beside_field(
    client, cohort, facilitator, criteria, advisors, submitted
):
    client.force_login(facilitator)

    response = client.post(
        url("selection_open_review", cohort),
        {"assignment": "balanced", "reviewers_per_nomination": 9},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot go to 9" in form.errors["reviewers_per_nomination"][0]
    assert 'value="9"' in page_text(response)
    assert not Review.objects.exists()


def test_review_page_links_previous_and_next_in_queue_order(client, opened, advisors, submitted):
    client.force_login(advisors[0])
    aino, bongani, chen, dolores = submitted  # the queue is by candidate name

    first = client.get(review_url(aino))
    middle = client.get(review_url(chen))
    last = client.get(review_url(dolores))

    assert (first.context["previous_id"], first.context["next_id"]) == (None, bongani.pk)
    assert (middle.context["previous_id"], middle.context["next_id"]) == (bongani.pk, dolores.pk)
    assert (last.context["previous_id"], last.context["next_id"]) == (chen.pk, None)
    assert f'href="{review_url(bongani)}" rel="next"' in page_text(first)
    assert f'href="{review_url(bongani)}" rel="prev"' in page_text(middle)


def score_post(criteria, values, **extra):
    data = {reviewing.score_field(c.pk): v for c, v in zip(criteria, values, strict=True)}
    return {**data, **extra}


def test_review_page_keeps_typed_values_when_score_outside_scale(
    client, opened, criteria, advisors, submitted
):
    client.force_login(advisors[0])

    response = client.post(
        review_url(submitted[0]),
        score_post(
            criteria,
            ["4", "7", "na"],
            comment="Typed with care.",
            recommendation="recommend",
            action="submit",
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "choose a score from 1 to 5" in form.errors[reviewing.score_field(criteria[1].pk)][0]
    text = page_text(response)
    assert "Typed with care." in text
    assert f'name="{reviewing.score_field(criteria[0].pk)}" value="4"' in text
    assert re.search(r'value="recommend"[^>]*checked', text)
    review = review_of(advisors[0], submitted[0])
    assert (review.status, review.comment) == (Status.ASSIGNED, "")
    assert not review.scores.exists()


def test_review_page_refuses_submission_beside_missing_criterion(
    client, opened, criteria, advisors, submitted
):
    client.force_login(advisors[0])

    response = client.post(
        review_url(submitted[0]),
        score_post(criteria, ["4", "", "na"], comment="Nearly.", action="submit"),
    )

    form = response.context["form"]
    assert "before submitting" in form.errors[reviewing.score_field(criteria[1].pk)][0]
    assert "before submitting" in form.errors["recommendation"][0]
    assert "Nearly." in page_text(response)
    assert review_of(advisors[0], submitted[0]).status == Status.ASSIGNED


def test_review_page_saves_draft_then_submits(client, opened, criteria, advisors, submitted):
    client.force_login(advisors[0])
    page = review_url(submitted[0])

    draft = client.post(
        page, score_post(criteria, ["2", "", ""], comment="Start.", action="draft"), follow=True
    )
    assert "Your draft is saved." in page_text(draft)
    review = review_of(advisors[0], submitted[0])
    assert (review.status, scores_of(review)) == (Status.DRAFT, {criteria[0].pk: 2})

    done = client.post(
        page,
        score_post(
            criteria, ["2", "na", "5"], comment="Done.", recommendation="strongly", action="submit"
        ),
        follow=True,
    )

    assert "Your review is submitted." in page_text(done)
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED
    assert scores_of(review) == {criteria[0].pk: 2, criteria[1].pk: None, criteria[2].pk: 5}


def test_review_page_shows_others_only_after_submitting_own(
    client, three_reviews, criteria, advisors
):
    client.force_login(advisors[0])

    before = client.get(review_url(three_reviews))
    assert "Solid." not in page_text(before)
    assert "once you have submitted yours" in page_text(before)

    submit_own(advisors[0], three_reviews, criteria)
    after = client.get(review_url(three_reviews))

    assert page_text(after).count("Solid.") == 2
    assert str(advisors[1]) in page_text(after)


def test_review_page_refuses_changes_after_selection_closed(
    client, opened, facilitator, criteria, advisors, submitted
):
    client.force_login(facilitator)
    client.post(url("selection_close", opened))
    assert Selection.objects.get(cohort=opened).closed_at == NOW
    client.force_login(advisors[0])

    response = client.post(
        review_url(submitted[0]),
        score_post(criteria, ["3", "3", "3"], comment="Too late.", action="draft"),
    )

    assert response.status_code == 200
    assert "Selection is closed" in page_text(response)
    assert "Too late." in page_text(response)
    assert review_of(advisors[0], submitted[0]).status == Status.ASSIGNED
    assert not Score.objects.exists()


def test_conflict_form_removes_advisor_and_can_be_withdrawn(
    client, three_reviews, criteria, advisors
):
    submit_own(advisors[0], three_reviews, criteria)
    client.force_login(advisors[0])

    response = client.post(
        url("review_conflict", three_reviews.cohort, pk=three_reviews.pk),
        {"note": "My former deputy."},
        follow=True,
    )

    review = review_of(advisors[0], three_reviews)
    assert review.status == Status.CONFLICT
    assert not review.scores.exists()
    assert "Solid." not in page_text(response)
    assert "conflict of interest" in page_text(response)

    client.post(url("review_conflict_withdraw", three_reviews.cohort, pk=three_reviews.pk))
    review.refresh_from_db()
    assert review.status == Status.ASSIGNED


def test_conflict_form_keeps_note_when_too_long(client, opened, advisors, submitted):
    client.force_login(advisors[0])
    note = "x" * 301

    response = client.post(url("review_conflict", opened, pk=submitted[0].pk), {"note": note})

    assert response.status_code == 200
    assert response.context["conflict_form"].errors["note"]
    assert note in page_text(response)
    assert review_of(advisors[0], submitted[0]).status == Status.ASSIGNED


def test_criteria_editor_adds_and_removes_until_review_opens(client, cohort, facilitator):
    motivation = CriterionFactory(cohort=cohort, name="Motivation", position=1)
    impact = CriterionFactory(cohort=cohort, name="Impact", position=2)
    client.force_login(facilitator)
    form_data = {
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "2",
        "criteria-0-pk": motivation.pk,
        "criteria-0-name": "Motivation",
        "criteria-0-position": "2",
        "criteria-1-pk": impact.pk,
        "criteria-1-name": "Impact",
        "criteria-1-position": "3",
        "criteria-1-DELETE": "on",
        "criteria-2-name": "Relevance",
        "criteria-2-description": "To urban transformation.",
        "criteria-2-position": "1",
    }

    response = client.post(url("selection_criteria", cohort), form_data, follow=True)

    assert "The criteria are saved." in page_text(response)
    assert list(Criterion.objects.filter(cohort=cohort).values_list("name", flat=True)) == [
        "Relevance",
        "Motivation",
    ]


def test_criteria_editor_refuses_adding_after_review_opened(client, opened, facilitator, criteria):
    client.force_login(facilitator)
    data = {"criteria-TOTAL_FORMS": "4", "criteria-INITIAL_FORMS": "3"}
    for index, criterion in enumerate(criteria):
        data |= {
            f"criteria-{index}-pk": criterion.pk,
            f"criteria-{index}-name": criterion.name.upper(),
            f"criteria-{index}-position": index,
        }
    data |= {"criteria-3-name": "Sneaked in", "criteria-3-position": "9"}

    response = client.post(url("selection_criteria", opened), data)

    assert response.status_code == 200
    assert "can no longer be added or removed" in page_text(response)
    assert list(Criterion.objects.filter(cohort=opened).values_list("name", flat=True)) == [
        criterion.name for criterion in criteria
    ]

    del data["criteria-3-name"], data["criteria-3-position"]
    data["criteria-TOTAL_FORMS"] = "3"
    client.post(url("selection_criteria", opened), data)
    assert Criterion.objects.get(pk=criteria[0].pk).name == "MOTIVATION"


def test_criteria_editor_refuses_duplicate_names_beside_field(client, cohort, facilitator):
    client.force_login(facilitator)

    response = client.post(
        url("selection_criteria", cohort),
        {
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-name": "Impact",
            "criteria-1-name": "impact",
        },
    )

    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["name"]
    assert not Criterion.objects.exists()


# --- The advisor's list -------------------------------------------------------------------------


def test_my_reviews_shows_progress_and_only_own_queue(client, three_reviews, advisors, criteria):
    other = Nomination.objects.filter(cohort=three_reviews.cohort).exclude(pk=three_reviews.pk)
    submit_own(advisors[1], other.first(), criteria)  # the fixture submitted the first one
    client.force_login(advisors[1])

    response = client.get(url("review_list", three_reviews.cohort))

    text = page_text(response)
    assert "2 of 4 submitted" in text
    assert text.count('<th scope="row"><a href=') == 4


def test_cohort_page_links_reviews_for_advisors_and_selection_for_facilitators(
    client, cohort, facilitator, advisors
):
    detail = reverse("circle:detail", kwargs={"cohort_slug": cohort.slug})
    client.force_login(advisors[0])
    text = page_text(client.get(detail))
    assert f'href="{url("review_list", cohort)}"' in text
    assert f'href="{url("selection_overview", cohort)}"' not in text

    client.force_login(facilitator)
    assert f'href="{url("selection_overview", cohort)}"' in page_text(client.get(detail))


@pytest.fixture
def many_assigned(cohort, facilitator, advisors, criteria):
    """``grow(n)`` gives the cohort n nominations, all assigned to every advisor."""
    library = LibraryFactory()
    nominator = UserFactory()
    theme = ThemeFactory(cohort=cohort)

    def grow(total):
        have = Nomination.objects.filter(cohort=cohort).count()
        for _ in range(total - have):
            NominationFactory(
                cohort=cohort,
                library=library,
                nominator=nominator,
                themes=[theme],
                status=Nomination.Status.SUBMITTED,
            )
        reviewing.open_review(
            cohort=cohort, by=facilitator, assignment="all", reviewers_per_nomination=3
        )

    return grow


@pytest.mark.slow
def test_my_reviews_queries_stay_equal_when_20_or_500_nominations(
    client, cohort, advisors, many_assigned, django_assert_num_queries
):
    client.force_login(advisors[0])
    page = url("review_list", cohort)
    many_assigned(20)
    review = Review.objects.filter(advisor=advisors[0]).first()
    Review.objects.filter(pk=review.pk).update(status=Status.SUBMITTED)

    with django_assert_num_queries(MY_REVIEWS_QUERIES):
        small = client.get(page)
    many_assigned(500)
    with django_assert_num_queries(MY_REVIEWS_QUERIES):
        large = client.get(page)

    assert "1 of 20 submitted" in page_text(small)
    assert "1 of 500 submitted" in page_text(large)


@pytest.mark.slow
def test_selection_overview_queries_stay_equal_when_20_or_500_nominations(
    client, cohort, facilitator, many_assigned, django_assert_num_queries
):
    client.force_login(facilitator)
    page = url("selection_overview", cohort)
    many_assigned(20)
    client.get(page)  # the first visit creates nothing, but warms the session
    with CaptureQueriesContext(connection) as small_run:
        small = client.get(page)
    assert len(small_run.captured_queries) > 3  # the page really was counted
    many_assigned(500)
    with django_assert_num_queries(len(small_run.captured_queries)):
        large = client.get(page)

    assert small.status_code == large.status_code == 200
