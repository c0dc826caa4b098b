"""Eligibility that changed after issue: the facilitator's page lists each certificate whose
printed figures or eligibility are no longer true, and the facilitator keeps, revokes or
re-issues it; nothing changes silently."""

import pytest
from django.urls import reverse

from certificates import drift, eligibility, issuing
from certificates.models import Certificate
from tests.certificates.year import mark, past_sessions, ready_people

pytestmark = pytest.mark.django_db


def page_url(cohort) -> str:
    return reverse("certificates:eligibility", kwargs={"cohort_slug": cohort.slug})


def changed_section(client, cohort) -> str:
    html = client.get(page_url(cohort)).content.decode()
    if 'id="changed"' not in html:
        return ""
    return html.split('id="changed"', 1)[1].split("<h2>", 1)[0]


@pytest.fixture
def issued(cohort, facilitator, make_member):
    """Two participants present at the 4 sessions held, both with a certificate saying so."""
    people = ready_people(cohort, by=facilitator, make_member=make_member, count=2, sessions=4)
    for person in people:
        issuing.certificate_for(cohort=cohort, person=person, batch=None, by=facilitator)
    return people


def two_more_sessions(cohort, facilitator, *, absent, present):
    events = past_sessions(cohort, 2, start_days_ago=200)
    mark(events, absent, "absent", by=facilitator)
    mark(events, present, "present", by=facilitator)


def test_nothing_is_listed_while_eligibility_matches_the_certificates(
    client, cohort, facilitator, issued
):
    client.force_login(facilitator)

    assert changed_section(client, cohort) == ""


def test_calendar_and_attendance_changes_are_listed_with_both_figures(
    client, cohort, facilitator, issued
):
    ana, ben = issued
    two_more_sessions(cohort, facilitator, absent=ana, present=ben)
    client.force_login(facilitator)

    section = changed_section(client, cohort)

    assert section.count('<tr id="changed-') == 2
    assert section.count("4 of 4 monthly sessions") == 2  # what both certificates print
    assert "4 of 6 monthly sessions (needs 5)" in section
    assert "No longer eligible" in section
    assert "6 of 6 monthly sessions (needs 5)" in section
    assert "Still eligible" in section
    # Nothing changed on its own.
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 2


def test_keep_quiets_this_change_but_not_the_next(client, cohort, facilitator, issued):
    ana, ben = issued
    two_more_sessions(cohort, facilitator, absent=ana, present=ben)
    kept = Certificate.objects.get(person=ben)
    client.force_login(facilitator)

    response = client.post(page_url(cohort), {"action": "keep", "certificate": kept.pk})

    assert response.status_code == 302
    section = changed_section(client, cohort)
    assert f'id="changed-{kept.pk}"' not in section
    assert section.count('<tr id="changed-') == 1
    # A later change is raised again.
    mark(past_sessions(cohort, 1, start_days_ago=100), ben, "absent", by=facilitator)
    assert f'id="changed-{kept.pk}"' in changed_section(client, cohort)


def test_revoke_and_reissue_from_the_list_settle_it(client, cohort, facilitator, issued):
    ana, ben = issued
    two_more_sessions(cohort, facilitator, absent=ana, present=ben)
    client.force_login(facilitator)
    url = lambda name, person: reverse(  # noqa: E731
        f"certificates:{name}",
        kwargs={
            "cohort_slug": cohort.slug,
            "pk": Certificate.objects.get(person=person, revoked_at__isnull=True).pk,
        },
    )

    client.post(url("revoke", ana), {"reason": "Below the threshold after the last sessions"})
    client.post(url("reissue", ben), {"reason": "Two more sessions attended"})

    assert changed_section(client, cohort) == ""
    new = Certificate.objects.get(person=ben, revoked_at__isnull=True)
    assert (new.monthly_attended, new.monthly_total) == (6, 6)
    assert not Certificate.objects.filter(person=ana, revoked_at__isnull=True).exists()


def test_overridden_certificate_drifts_only_when_the_decision_changes(
    cohort, facilitator, make_member
):
    person = make_member(cohort)
    past_sessions(cohort, 4)
    eligibility.set_override(
        cohort=cohort, person=person, eligible=True, reason="Caught up", by=facilitator
    )
    certificate = issuing.certificate_for(cohort=cohort, person=person, batch=None, by=facilitator)
    assert certificate.by_override
    past_sessions(cohort, 2, start_days_ago=200)  # more sessions missed: the decision stands

    assert drift.drifted(eligibility.eligibility_for_cohort(cohort=cohort)) == []

    eligibility.clear_override(cohort=cohort, person=person)
    (changed,) = drift.drifted(eligibility.eligibility_for_cohort(cohort=cohort))
    assert changed.certificate == certificate
    assert not changed.still_eligible
    assert changed.printed == "the facilitator's decision"
