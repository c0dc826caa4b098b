"""Nobody sees another library's nomination; the candidate sees it only through their link."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Role
from nominations.models import Nomination

from ..factories import MembershipFactory, NominationFactory, UserFactory
from .nominating import cohort_with_call, complete_post, confirm_path_from_mail


@pytest.fixture(autouse=True)
def _while_call_is_open():
    with time_machine.travel(dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def cohort(db):
    return cohort_with_call()


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@library.example")


@pytest.fixture
def nomination(cohort, owner):
    return NominationFactory(
        cohort=cohort, nominator=owner, candidate_name="Secret Candidate", motivation="Private."
    )


def pages_of(nomination):
    return {
        "detail": reverse("nominations:detail", args=[nomination.pk]),
        "edit": reverse("nominations:edit", args=[nomination.pk]),
    }


def assert_untouched(nomination):
    status, motivation = nomination.status, nomination.motivation
    nomination.refresh_from_db()
    assert (nomination.status, nomination.motivation) == (status, motivation)


def test_owner_sees_own_nomination(client, owner, nomination):
    client.force_login(owner)
    for url in pages_of(nomination).values():
        response = client.get(url)
        assert response.status_code == 200
        assert "Secret Candidate" in response.content.decode()


def test_other_nominator_gets_404_when_opening_someone_elses(client, cohort, nomination):
    client.force_login(UserFactory())
    for url in pages_of(nomination).values():
        assert client.get(url).status_code == 404
    data = complete_post(cohort, nomination.library, motivation="Hijacked.")
    assert client.post(pages_of(nomination)["edit"], data).status_code == 404
    assert client.post(reverse("nominations:withdraw", args=[nomination.pk])).status_code == 404
    assert_untouched(nomination)
    assert "Secret Candidate" not in client.get(reverse("nominations:mine")).content.decode()


def test_other_nominator_cannot_take_over_when_reusing_creation_token(client, cohort, nomination):
    """The creation token is not a key to someone else's nomination."""
    intruder = UserFactory()
    client.force_login(intruder)
    data = complete_post(
        cohort,
        nomination.library,
        creation_token=str(nomination.creation_token),
        motivation="Hijacked.",
        submit=None,
        save="1",
    )
    response = client.post(reverse("nominations:nominate", args=[cohort.slug]), data)
    assert response.status_code == 302
    assert_untouched(nomination)
    theirs = Nomination.objects.get(nominator=intruder)
    assert theirs.pk != nomination.pk
    assert theirs.motivation == "Hijacked."


def test_own_creation_token_from_another_cohort_starts_new_nomination(client, nomination, owner):
    other_cohort = cohort_with_call()
    client.force_login(owner)
    data = complete_post(
        other_cohort,
        nomination.library,
        creation_token=str(nomination.creation_token),
        motivation="For the other cohort.",
        submit=None,
        save="1",
    )
    client.post(reverse("nominations:nominate", args=[other_cohort.slug]), data)
    assert_untouched(nomination)
    assert Nomination.objects.get(cohort=other_cohort).motivation == "For the other cohort."


@pytest.mark.parametrize("name", ["detail", "edit", "mine", "withdraw", "nominate"])
def test_anonymous_is_sent_to_login(client, cohort, nomination, name):
    urls = {
        **pages_of(nomination),
        "mine": reverse("nominations:mine"),
        "withdraw": reverse("nominations:withdraw", args=[nomination.pk]),
        "nominate": reverse("nominations:nominate", args=[cohort.slug]),
    }
    method = client.post if name == "withdraw" else client.get
    response = method(urls[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert_untouched(nomination)


def test_facilitator_of_another_cohort_cannot_read(client, nomination):
    stranger = UserFactory()
    MembershipFactory(user=stranger, cohort=cohort_with_call(), role=Role.FACILITATOR)
    client.force_login(stranger)
    for url in pages_of(nomination).values():
        assert client.get(url).status_code == 404
    assert client.post(reverse("nominations:withdraw", args=[nomination.pk])).status_code == 404
    assert "Secret Candidate" not in client.get(reverse("nominations:mine")).content.decode()
    assert_untouched(nomination)


def test_candidate_sees_nomination_only_through_token_link(
    client, cohort, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    draft = NominationFactory(cohort=cohort, nominator=owner, candidate_name="Secret Candidate")
    data = complete_post(cohort, draft.library, candidate_name="Secret Candidate")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("nominations:edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.SUBMITTED
    client.logout()
    for url in pages_of(draft).values():
        assert client.get(url).status_code == 302  # to the login page
    page = client.get(confirm_path_from_mail()).content.decode()
    assert "Secret Candidate" in page
    assert reverse("nominations:edit", args=[draft.pk]) not in page


def test_candidate_token_does_not_open_nominator_pages(client, cohort, owner):
    """The link is single-purpose: it confirms, it does not sign anyone in."""
    client.force_login(owner)
    draft = NominationFactory(cohort=cohort, nominator=owner)
    client.post(reverse("nominations:edit", args=[draft.pk]), complete_post(cohort, draft.library))
    client.logout()
    client.get(confirm_path_from_mail())
    client.post(confirm_path_from_mail(), {"agree": "on"})
    assert client.get(reverse("nominations:mine")).status_code == 302
    assert client.get(reverse("nominations:detail", args=[draft.pk])).status_code == 302
