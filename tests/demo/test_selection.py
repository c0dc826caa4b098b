import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from cohorts.models import Cohort, Membership, Role
from demo.nominations import NOMINATIONS, Stage
from demo.people import COHORT_SLUG, DEMO_PASSWORD, FACILITATOR_EMAIL
from demo.selection import (
    CRITERIA,
    DECLARED_CONFLICT,
    PIN_REASON,
    PLACES,
    PUBLISHED_AT,
    WAITLIST_SIZE,
    load_selection,
)
from metlib.models import Email, User
from nominations.models import (
    Criterion,
    Decision,
    DecisionEvent,
    Nomination,
    Pin,
    Review,
    Score,
    Selection,
)
from nominations.review import cohort_advisors

from .loading import load_demo_command as _load_demo_command

Status = Nomination.Status
Outcome = Decision.Outcome
SELECTION_MODELS = (
    Criterion,
    Selection,
    Review,
    Score,
    Pin,
    Decision,
    DecisionEvent,
    Membership,
    User,
    EmailAddress,
)
# The demo's other cohorts (tests/demo/test_today.py) have selections of their own.
IN_2024 = {"cohort__slug": COHORT_SLUG}
PARTICIPANT_LINE = re.compile(
    r"^A participant: .+ signs in as (?P<email>\S+) with the same password$"
)


def _rows():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in SELECTION_MODELS
    }


def _contents():
    """What a reload must not change besides the primary keys."""
    return {
        "reviews": sorted(
            Review.objects.values_list(
                "pk",
                "nomination_id",
                "advisor_id",
                "status",
                "recommendation",
                "comment",
                "conflict_note",
                "submitted_at",
            )
        ),
        "scores": sorted(Score.objects.values_list("pk", "review_id", "criterion_id", "value")),
        "decisions": sorted(
            Decision.objects.values_list(
                "pk", "nomination_id", "outcome", "stipend_awarded", "note", "published_at"
            )
        ),
        "events": sorted(
            DecisionEvent.objects.values_list("pk", "nomination_id", "action", "outcome", "at")
        ),
        "statuses": sorted(Nomination.objects.values_list("pk", "status")),
        "memberships": sorted(
            Membership.objects.values_list("pk", "user_id", "role", "library_id")
        ),
    }


def _accepted():
    return list(
        Nomination.objects.filter(**IN_2024, status=Status.ACCEPTED).select_related(
            "library", "decision"
        )
    )


@pytest.mark.django_db
def test_load_demo_twice_keeps_the_same_reviews_scores_decisions_and_members():
    _load_demo_command()
    first, contents = _rows(), _contents()

    _load_demo_command()

    assert _rows() == first
    assert _contents() == contents
    assert Criterion.objects.filter(**IN_2024).count() == len(CRITERIA) == 3
    assert Selection.objects.filter(**IN_2024).count() == 1


@pytest.mark.django_db
def test_demo_reviews_come_from_three_advisors_per_submitted_nomination():
    _load_demo_command()
    advisors = set(
        Membership.objects.filter(**IN_2024, role=Role.ADVISOR).values_list("user_id", flat=True)
    )
    submitted = [row for row in NOMINATIONS if row.stage in {Stage.AWAITING, Stage.CONFIRMED}]
    reviewed = Nomination.objects.filter(**IN_2024).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )

    assert reviewed.count() == len(submitted)
    for nomination in reviewed:
        reviews = list(nomination.reviews.all())
        given = [review for review in reviews if review.status == Review.Status.SUBMITTED]
        assert len(given) == 3
        assert len(reviews) - len(given) == sum(
            review.status == Review.Status.CONFLICT for review in reviews
        )
        assert {review.advisor_id for review in reviews} <= advisors
    assert set(Review.objects.values_list("advisor_id", flat=True)) == advisors
    for review in Review.objects.filter(status=Review.Status.SUBMITTED):
        assert review.recommendation
        assert review.comment
        assert review.submitted_at is not None
        assert review.scores.count() == 3
    values = list(Score.objects.values_list("value", flat=True))
    assert {value for value in values if value is not None} <= {1, 2, 3, 4, 5}
    assert 1 <= values.count(None) <= len(values) / 20


@pytest.mark.django_db
def test_no_demo_advisor_is_assigned_their_own_librarys_nominee_or_their_own_nominee():
    output = _load_demo_command()
    libraries = dict(
        Membership.objects.filter(**IN_2024, role=Role.ADVISOR, library__isnull=False).values_list(
            "user_id", "library_id"
        )
    )
    reviews = list(
        Review.objects.filter(nomination__cohort__slug=COHORT_SLUG).select_related("nomination")
    )

    reviewed = Nomination.objects.filter(**IN_2024).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    own = {
        (nomination.pk, advisor_id)
        for nomination in reviewed
        for advisor_id, library_id in libraries.items()
        if library_id == nomination.library_id
    }
    assert len(own) >= 2  # the rule has work to do on the demo
    assert not own & {(review.nomination_id, review.advisor_id) for review in reviews}
    assert not [r for r in reviews if r.advisor_id == r.nomination.nominator_id]
    assert {advisor_id for _n, advisor_id in own} <= {review.advisor_id for review in reviews}
    assert f"{len(own)} kept apart automatically" in output


@pytest.mark.django_db
def test_the_demo_conflict_of_interest_is_declared_by_its_advisor_with_a_note():
    _load_demo_command()

    conflicts = list(
        Review.objects.filter(status=Review.Status.CONFLICT).select_related("nomination")
    )
    assert len(conflicts) == 1
    (conflict,) = conflicts
    assert conflict.advisor.email == DECLARED_CONFLICT[0]
    assert conflict.conflict_note == DECLARED_CONFLICT[1]
    assert not conflict.scores.exists()
    assert not conflict.recommendation
    given = conflict.nomination.reviews.filter(status=Review.Status.SUBMITTED)
    assert given.count() == 3  # another advisor took it


@pytest.mark.django_db
def test_demo_selection_accepts_18_from_at_least_8_countries_and_is_published():
    _load_demo_command()
    accepted = _accepted()
    decisions = list(
        Decision.objects.filter(nomination__cohort__slug=COHORT_SLUG).select_related(
            "nomination__library"
        )
    )

    assert len(accepted) == PLACES == 18
    assert len({str(nomination.library.country) for nomination in accepted}) >= 8
    outcomes = [decision.outcome for decision in decisions]
    assert outcomes.count(Outcome.WAITLISTED) == WAITLIST_SIZE
    assert outcomes.count(Outcome.DECLINED) == len(decisions) - PLACES - WAITLIST_SIZE > 0
    stipends = [decision for decision in decisions if decision.stipend_awarded]
    assert 1 <= len(stipends) <= 3
    for decision in stipends:
        assert decision.outcome == Outcome.ACCEPTED
        assert decision.nomination.stipend_conditional
        assert decision.nomination.library.geography.global_south  # the call's stipend rule
    barred = [
        decision
        for decision in decisions
        if decision.nomination.stipend_conditional
        and not decision.nomination.library.geography.global_south
    ]
    for decision in barred:  # said in words, naming the rule
        assert not decision.stipend_awarded
        if decision.outcome != Outcome.ACCEPTED:
            assert "stipend rule (Global South only)" in decision.note, decision.note
    for decision in decisions:
        assert decision.nomination.status == decision.outcome
        assert decision.published_at == PUBLISHED_AT
        assert decision.note.startswith("Selection assistant: ")
        actions = list(decision.nomination.decision_events.values_list("action", flat=True))
        assert actions == [DecisionEvent.Action.DECIDED, DecisionEvent.Action.PUBLISHED]
    assert not Nomination.objects.filter(
        **IN_2024, status__in=[Status.SUBMITTED, Status.UNDER_REVIEW]
    ).exists()
    chosen = Selection.objects.get(**IN_2024)
    assert chosen.published_at == PUBLISHED_AT
    assert chosen.published_by.email == FACILITATOR_EMAIL
    assert chosen.assignment == Selection.Assignment.BALANCED
    # The candidates who never confirmed are pinned out, and out.
    for pin in Pin.objects.select_related("nomination"):
        assert pin.nomination.candidate_confirmed_at is None
        assert pin.nomination.status == Status.DECLINED


@pytest.mark.django_db
def test_demo_participants_are_members_with_their_library_and_the_demo_password():
    _load_demo_command()

    for nomination in _accepted():
        user = User.objects.get(email=nomination.candidate_email)
        assert user.display_name == nomination.candidate_name
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()
        assert Membership.objects.filter(
            user=user, cohort=nomination.cohort, role=Role.PARTICIPANT, library=nomination.library
        ).exists()
    assert Membership.objects.filter(**IN_2024, role=Role.PARTICIPANT).count() == PLACES
    others = (
        Nomination.objects.filter(**IN_2024)
        .exclude(status=Status.ACCEPTED)
        .values("candidate_email")
    )
    assert not User.objects.filter(email__in=others).exists()


@pytest.mark.django_db
def test_demo_printed_participant_signs_in_and_sees_the_cohort(client):
    lines = _load_demo_command().strip().splitlines()

    assert lines[-1].startswith("Sign in at ")
    assert FACILITATOR_EMAIL in lines[-1]
    # The 2024 participant's line, before the other cohorts' reports and the sign-in table.
    login = next(filter(None, map(PARTICIPANT_LINE.match, lines)), None)
    assert login is not None
    response = client.post(
        reverse("account_login"), {"login": login["email"], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email=login["email"])
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Membership.objects.filter(user=user, role=Role.PARTICIPANT).exists()
    assert client.get(reverse("circle:detail", args=["metlib-2024"])).status_code == 200


@pytest.mark.django_db
def test_load_demo_reports_the_selection():
    output = _load_demo_command()

    accepted = _accepted()
    countries = len({str(nomination.library.country) for nomination in accepted})
    continents = len({nomination.library.geography.continent for nomination in accepted})
    decisions = Decision.objects.filter(nomination__cohort__slug=COHORT_SLUG)
    declined = decisions.filter(outcome=Outcome.DECLINED).count()
    stipends = decisions.filter(stipend_awarded=True).count()
    assert (
        f"Reviews: {Review.objects.filter(status=Review.Status.SUBMITTED).count()} submitted"
        in output
    )
    line = next(line for line in output.splitlines() if line.startswith("Selection published:"))
    assert line == (
        f"Selection published: accepted 18 from {countries} countries on "
        f"{continents} continents, waitlisted {WAITLIST_SIZE}, declined {declined}; "
        f"travel stipends {stipends}"
    )


@pytest.mark.django_db
def test_demo_facilitator_sees_the_ranking_and_the_decisions(client):
    _load_demo_command()
    client.force_login(User.objects.get(email=FACILITATOR_EMAIL))
    accepted = _accepted()

    ranking = client.get(reverse("nominations:ranking", kwargs={"cohort_slug": "metlib-2024"}))
    decisions = client.get(reverse("nominations:decisions", kwargs={"cohort_slug": "metlib-2024"}))

    assert ranking.status_code == 200
    assert decisions.status_code == 200
    for page in (ranking.content.decode(), decisions.content.decode()):
        assert all(escape(nomination.candidate_name) in page for nomination in accepted)
    assert "Selection assistant: in:" in decisions.content.decode()


@pytest.mark.django_db
def test_after_publication_the_demo_says_why_each_is_in_out_or_waitlisted(client):
    _load_demo_command()
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    client.force_login(facilitator)
    notes = dict(
        Decision.objects.filter(nomination__cohort__slug=COHORT_SLUG).values_list("outcome", "note")
    )
    waitlisted = Decision.objects.filter(
        nomination__cohort__slug=COHORT_SLUG, outcome=Outcome.WAITLISTED
    ).values_list("note", flat=True)

    assert all(note.startswith("Selection assistant: ") for note in notes.values())
    assert sorted(note.split(";")[0] for note in waitlisted) == [
        f"Selection assistant: waitlisted, {place} of {WAITLIST_SIZE} by score"
        for place in range(1, WAITLIST_SIZE + 1)
    ]
    page = client.post(
        reverse("nominations:assistant_run", kwargs={"cohort_slug": COHORT_SLUG})
    ).content.decode()
    assert "nominations told their result" in page
    assert "the participation of 0 nominees" not in page
    assert escape(f"out: pinned out by {facilitator}: {PIN_REASON}") in page
    assert "out: the capacity of" in page
    assert "in: highest score overall" in page


@pytest.mark.django_db
def test_demo_selection_writes_no_mail():
    _load_demo_command()
    _load_demo_command()

    assert not Email.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_load_selection_again_on_its_own_changes_nothing():
    _load_demo_command()
    first, contents = _rows(), _contents()
    cohort = Cohort.objects.get(slug="metlib-2024")

    chosen = load_selection(
        cohort=cohort,
        advisors=cohort_advisors(cohort),
        facilitator=User.objects.get(email=FACILITATOR_EMAIL),
    )

    assert _rows() == first
    assert _contents() == contents
    assert len(chosen.accepted) == PLACES
