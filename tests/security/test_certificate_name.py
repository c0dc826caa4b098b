"""A participant could print any name on a "genuine and valid" certificate: the printed-name
form plus "reissue" re-issued at once, without the facilitator, without limit, and the
verification page vouched for the new name. Once issued, a name now changes only with the
facilitator's approval; both are told, and every decision is in the history."""

import pytest
from django.core import mail
from django.urls import reverse

from certificates import issuing
from certificates.models import Certificate, NameChange
from tests.certificates.year import ready_people

pytestmark = pytest.mark.django_db

FORGED = "Dr. Somebody Else"


def url(name, cohort, **kwargs):
    return reverse(f"certificates:{name}", kwargs={"cohort_slug": cohort.slug, **kwargs})


@pytest.fixture
def issued(cohort, facilitator, make_member, django_capture_on_commit_callbacks):
    (person,) = ready_people(cohort, by=facilitator, make_member=make_member, count=1)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.start_batch(cohort=cohort, by=facilitator)
    mail.outbox.clear()
    return person, Certificate.objects.get(person=person, revoked_at__isnull=True)


def test_a_participant_cannot_reissue_under_a_name_of_their_own(
    client, cohort, issued, django_capture_on_commit_callbacks
):
    person, certificate = issued
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mine", cohort), {"name": FORGED})
        client.post(url("reissue_mine", cohort))
    valid = Certificate.objects.get(person=person, revoked_at__isnull=True)
    assert valid.pk == certificate.pk
    assert valid.name == certificate.name
    verification = client.get(reverse("certificates:verify", kwargs={"code": valid.code}))
    assert FORGED not in verification.content.decode()
    assert "awaits the facilitator" in client.get(url("mine", cohort)).content.decode()


def test_the_facilitator_is_told_and_approval_reissues_with_the_new_name(
    client, cohort, facilitator, issued, django_capture_on_commit_callbacks
):
    person, certificate = issued
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("mine", cohort), {"name": "Ana María Silva"})
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "Ana María Silva" in mail.outbox[0].body
    change = NameChange.objects.get()

    client.force_login(facilitator)
    assert "Ana María Silva" in client.get(url("eligibility", cohort)).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("name_change", cohort, pk=change.pk), {"action": "approve"})
    valid = Certificate.objects.get(person=person, revoked_at__isnull=True)
    assert valid.name == "Ana María Silva"
    assert valid.replaces_id == certificate.pk
    page = client.get(reverse("certificates:verify", kwargs={"code": valid.code}))
    assert "Ana María Silva" in page.content.decode()
    assert person.email in [m.to[0] for m in mail.outbox]
    assert any("approved" in m.body for m in mail.outbox)

    client.force_login(person)
    history = client.get(url("mine", cohort)).content.decode()
    assert "approved by the facilitator" in history


def test_a_refusal_needs_a_reason_and_the_participant_is_told(
    client, cohort, facilitator, issued, django_capture_on_commit_callbacks
):
    person, certificate = issued
    client.force_login(person)
    client.post(url("mine", cohort), {"name": FORGED})
    change = NameChange.objects.get()
    client.force_login(facilitator)
    client.post(url("name_change", cohort, pk=change.pk), {"action": "refuse", "reason": " "})
    change.refresh_from_db()
    assert change.status == NameChange.Status.PROPOSED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("name_change", cohort, pk=change.pk),
            {"action": "refuse", "reason": "Not the name on your registration."},
        )
    change.refresh_from_db()
    assert change.status == NameChange.Status.REFUSED
    assert Certificate.objects.get(person=person, revoked_at__isnull=True).pk == certificate.pk
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "Not the name on your registration." in message.body
    client.force_login(person)
    assert "Not the name on your registration." in client.get(url("mine", cohort)).content.decode()


def test_another_cohorts_facilitator_cannot_decide(client, cohort, issued, make_member):
    from cohorts.models import Role
    from tests.factories import CohortFactory

    person, _certificate = issued
    client.force_login(person)
    client.post(url("mine", cohort), {"name": FORGED})
    change = NameChange.objects.get()
    other = CohortFactory()
    client.force_login(make_member(other, Role.FACILITATOR))
    response = client.post(url("name_change", other, pk=change.pk), {"action": "approve"})
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.status == NameChange.Status.PROPOSED
