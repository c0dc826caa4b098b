"""The deadline is an aware datetime in the cohort's zone, enforced on the server."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cohorts.models import Role
from nominations import submission
from nominations.models import Nomination

from ..factories import LibraryFactory, MembershipFactory, NominationFactory, UserFactory
from .nominating import DEADLINE_2024, OPENING_2024, as_draft, cohort_with_call, complete_post

SECOND = dt.timedelta(seconds=1)
ZONES = ["America/New_York", "Pacific/Auckland", "Asia/Kolkata"]
KEPT_AS_DRAFT = "The deadline has passed. Your nomination is kept as a draft"


def local_deadline(zone: str) -> dt.datetime:
    return dt.datetime(2024, 2, 15, 23, 59, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.fixture
def nominator(db):
    return UserFactory(email="director@library.example")


def draft_in(cohort, nominator, **fields):
    return NominationFactory(cohort=cohort, nominator=nominator, **fields)


@pytest.mark.parametrize("zone", ZONES)
def test_submit_is_accepted_when_one_second_before_deadline(client, nominator, zone):
    cohort = cohort_with_call(zone=zone)
    draft = draft_in(cohort, nominator)
    client.force_login(nominator)
    moment = local_deadline(zone) - SECOND
    with time_machine.travel(moment, tick=False):
        response = client.post(
            reverse("nominations:edit", args=[draft.pk]), complete_post(cohort, draft.library)
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.SUBMITTED
    assert draft.submitted_at == moment


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("after", [dt.timedelta(0), SECOND, dt.timedelta(days=3)])
def test_submit_stays_draft_when_at_or_after_deadline(client, nominator, zone, after):
    cohort = cohort_with_call(zone=zone)
    draft = draft_in(cohort, nominator, motivation="Old words.")
    client.force_login(nominator)
    data = complete_post(cohort, draft.library, motivation="New words typed at 23:59.")
    with time_machine.travel(local_deadline(zone) + after, tick=False):
        response = client.post(reverse("nominations:edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert KEPT_AS_DRAFT in page
    assert "New words typed at 23:59." in page
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.DRAFT
    assert draft.submitted_at is None
    assert draft.motivation == "New words typed at 23:59."


def test_new_nomination_posted_after_deadline_is_kept_as_draft(client, nominator):
    """The form was opened before the deadline and sent after it: nothing typed is lost."""
    cohort = cohort_with_call()
    library = LibraryFactory()
    client.force_login(nominator)
    with time_machine.travel(DEADLINE_2024 - dt.timedelta(hours=1), tick=False):
        assert client.get(reverse("nominations:nominate", args=[cohort.slug])).status_code == 200
    with time_machine.travel(DEADLINE_2024 + dt.timedelta(minutes=2), tick=False):
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]), complete_post(cohort, library)
        )
    assert response.status_code == 200
    assert KEPT_AS_DRAFT in response.content.decode()
    draft = Nomination.objects.get()
    assert draft.status == Nomination.Status.DRAFT
    assert draft.candidate_name == "Çağla Öztürk"
    assert draft.library == library


def test_save_draft_says_deadline_passed_when_saved_after_it(client, nominator):
    cohort = cohort_with_call()
    draft = draft_in(cohort, nominator)
    client.force_login(nominator)
    data = as_draft(complete_post(cohort, draft.library, motivation="Saved late."))
    with time_machine.travel(DEADLINE_2024 + SECOND, tick=False):
        response = client.post(reverse("nominations:edit", args=[draft.pk]), data, follow=True)
    page = response.content.decode()
    assert KEPT_AS_DRAFT in page
    assert "until the deadline" not in page
    draft.refresh_from_db()
    assert draft.motivation == "Saved late."
    assert draft.status == Nomination.Status.DRAFT


@pytest.mark.parametrize(
    ("early", "late"),
    [("Pacific/Auckland", "America/New_York"), ("Asia/Kolkata", "America/New_York")],
)
def test_same_instant_is_after_one_deadline_and_before_another(client, nominator, early, late):
    """23:59 in Auckland or Kolkata comes hours before 23:59 in New York."""
    closed = draft_in(cohort_with_call(zone=early), nominator)
    still_open = draft_in(cohort_with_call(zone=late), nominator)
    client.force_login(nominator)
    with time_machine.travel(local_deadline(early) + SECOND, tick=False):
        for draft in (closed, still_open):
            client.post(
                reverse("nominations:edit", args=[draft.pk]),
                complete_post(draft.cohort, draft.library),
            )
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.status == Nomination.Status.DRAFT
    assert still_open.status == Nomination.Status.SUBMITTED


def test_deadline_is_shown_in_cohorts_zone_when_viewer_elsewhere(client, nominator):
    cohort = cohort_with_call(zone="Pacific/Auckland")
    nominator.time_zone = "Europe/Helsinki"
    nominator.save(update_fields=["time_zone"])
    client.force_login(nominator)
    with time_machine.travel(dt.datetime(2024, 2, 1, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("nominations:nominate", args=[cohort.slug])).content.decode()
    assert "Pacific/Auckland" in page
    assert "11:59" in page  # 23:59 in Auckland
    assert "12:59" in page  # the same instant in Helsinki


def test_nominate_page_redirects_to_call_when_before_opening(client, nominator):
    cohort = cohort_with_call()
    client.force_login(nominator)
    with time_machine.travel(OPENING_2024 - SECOND, tick=False):
        response = client.get(reverse("nominations:nominate", args=[cohort.slug]), follow=True)
        assert response.redirect_chain == [(reverse("nominations:call", args=[cohort.slug]), 302)]
        page = response.content.decode()
        assert "This call is not open yet." in page
        assert "Nominate a candidate</a>" not in page
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]),
            complete_post(cohort, LibraryFactory()),
        )
        assert response.status_code == 302
    assert not Nomination.objects.exists()
    with time_machine.travel(OPENING_2024, tick=False):
        assert client.get(reverse("nominations:nominate", args=[cohort.slug])).status_code == 200


def test_nominate_page_redirects_to_call_when_deadline_passed(client, nominator):
    cohort = cohort_with_call()
    client.force_login(nominator)
    with time_machine.travel(DEADLINE_2024, tick=False):
        response = client.get(reverse("nominations:nominate", args=[cohort.slug]), follow=True)
    assert response.redirect_chain == [(reverse("nominations:call", args=[cohort.slug]), 302)]
    assert "The deadline for this call has passed." in response.content.decode()


def test_submitted_nomination_cannot_be_edited_when_deadline_passed(client, nominator):
    cohort = cohort_with_call()
    nomination = draft_in(
        cohort, nominator, status=Nomination.Status.SUBMITTED, motivation="As submitted."
    )
    client.force_login(nominator)
    url = reverse("nominations:edit", args=[nomination.pk])
    with time_machine.travel(DEADLINE_2024 - SECOND, tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(DEADLINE_2024, tick=False):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [
            (reverse("nominations:detail", args=[nomination.pk]), 302)
        ]
        page = response.content.decode()
        assert "can no longer be changed" in page
        assert url not in page  # no edit link on the detail page
        data = complete_post(cohort, nomination.library, motivation="Changed too late.")
        assert client.post(url, data).status_code == 302
    nomination.refresh_from_db()
    assert nomination.motivation == "As submitted."
    assert nomination.status == Nomination.Status.SUBMITTED


def test_late_admission_lets_that_one_nomination_submit_when_deadline_passed(client, nominator):
    cohort = cohort_with_call()
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    admitted = draft_in(cohort, nominator)
    other = draft_in(cohort, nominator)
    client.force_login(nominator)
    let_in_at = DEADLINE_2024 + dt.timedelta(hours=10)
    with time_machine.travel(let_in_at, tick=False):
        submission.admit_late(nomination=admitted, by=facilitator, note="Mail server was down.")
    with time_machine.travel(let_in_at + dt.timedelta(hours=1), tick=False):
        page = client.get(reverse("nominations:detail", args=[admitted.pk])).content.decode()
        assert "let this nomination in after the deadline" in page
        for draft in (admitted, other):
            client.post(
                reverse("nominations:edit", args=[draft.pk]),
                complete_post(cohort, draft.library),
            )
    admitted.refresh_from_db()
    other.refresh_from_db()
    assert admitted.status == Nomination.Status.SUBMITTED
    assert admitted.late_admitted_by == facilitator
    assert admitted.late_admitted_at == let_in_at
    assert admitted.late_admission_note == "Mail server was down."
    assert other.status == Nomination.Status.DRAFT
    assert other.late_admitted_at is None


@pytest.mark.parametrize("who", ["nominator", "other_facilitator", "advisor"])
def test_late_admission_refused_when_not_facilitator_of_cohort(nominator, who):
    cohort = cohort_with_call()
    draft = draft_in(cohort, nominator)
    if who == "nominator":
        by = nominator
    else:
        by = UserFactory()
        role = Role.ADVISOR if who == "advisor" else Role.FACILITATOR
        MembershipFactory(
            user=by, cohort=cohort if who == "advisor" else cohort_with_call(), role=role
        )
    with pytest.raises(PermissionDenied):
        submission.admit_late(nomination=draft, by=by)
    draft.refresh_from_db()
    assert draft.late_admitted_at is None
    assert draft.late_admitted_by is None


def test_late_admission_refused_when_already_submitted(nominator):
    cohort = cohort_with_call()
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    nomination = draft_in(cohort, nominator, status=Nomination.Status.SUBMITTED)
    with pytest.raises(submission.SubmissionRefused):
        submission.admit_late(nomination=nomination, by=facilitator)
