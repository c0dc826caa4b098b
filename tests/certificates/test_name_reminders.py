"""'Remind them': participants whose printed name is not confirmed are mailed, each at most once
a day (the day in the cohort's zone); the facilitator is told how many and when next."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certificates import names
from cohorts.models import Role
from metlib.models import Email

pytestmark = pytest.mark.django_db

# 20:00 in New York, the cohort's zone: its next midnight is four hours away.
EVENING = dt.datetime(2026, 3, 10, 0, 0, tzinfo=dt.UTC)


def page(cohort):
    return reverse("certificates:eligibility", kwargs={"cohort_slug": cohort.slug})


@pytest.fixture
def people(cohort, make_member):
    """Two participants who have not confirmed their name, one who has."""
    waiting = [
        make_member(cohort, Role.PARTICIPANT, display_name="Ana Ortiz"),
        make_member(cohort, Role.PARTICIPANT, display_name="Bo Lindgren"),
    ]
    done = make_member(cohort, Role.PARTICIPANT, display_name="Chi Okafor")
    names.confirm_printed_name(cohort=cohort, person=done, name="Chi Okafor")
    return waiting, done


@time_machine.travel(EVENING, tick=False)
def test_remind_them_mails_the_unconfirmed_once_a_day(client, cohort, facilitator, people):
    waiting, done = people
    client.force_login(facilitator)
    html = client.get(page(cohort)).content.decode()
    assert "Remind them" in html

    response = client.post(page(cohort), {"action": "remind-names"}, follow=True)

    said = response.content.decode()
    assert "2 participants are reminded to confirm their printed name." in said
    assert "March 10, 2026, midnight (America/New_York)" in said
    mails = Email.objects.filter(key__startswith="printed-name-reminder:")
    assert sorted(mails.values_list("to", flat=True)) == sorted(p.email for p in waiting)
    mail = mails.get(to=waiting[0].email)
    assert "“Ana Ortiz”" in mail.body_text
    assert reverse("certificates:mine", kwargs={"cohort_slug": cohort.slug}) in mail.body_text
    assert not Email.objects.filter(to=done.email).exists()

    response = client.post(page(cohort), {"action": "remind-names"}, follow=True)
    assert "Nobody is mailed" in response.content.decode()
    assert mails.count() == 2


def test_the_next_day_in_the_cohort_s_zone_reminds_again(cohort, facilitator, people):
    with time_machine.travel(EVENING, tick=False):
        first = names.remind_unconfirmed_names(cohort=cohort, by=facilitator)
    with time_machine.travel(EVENING + dt.timedelta(hours=3, minutes=59), tick=False):
        same_day = names.remind_unconfirmed_names(cohort=cohort, by=facilitator)
    with time_machine.travel(EVENING + dt.timedelta(hours=4), tick=False):
        next_day = names.remind_unconfirmed_names(cohort=cohort, by=facilitator)
    assert (first.sent, same_day.sent, same_day.already, next_day.sent) == (2, 0, 2, 2)
    assert first.next_at == dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)


def test_only_those_who_issue_certificates_remind(client, cohort, make_member, people):
    advisor = make_member(cohort, Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        names.remind_unconfirmed_names(cohort=cohort, by=advisor)
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    assert client.post(page(cohort), {"action": "remind-names"}).status_code == 403
    assert not Email.objects.filter(key__startswith="printed-name-reminder:").exists()


def test_reminding_more_people_takes_no_more_queries(
    cohort, facilitator, make_member, people, django_assert_num_queries
):
    """Who is unconfirmed, the mails queued already, the names saved but unconfirmed, one
    INSERT in its savepoint (the facilitator's roles are remembered after the first time):
    the same at 3 people and at 13."""
    day = dt.timedelta(days=1)
    with time_machine.travel(EVENING, tick=False):
        names.remind_unconfirmed_names(cohort=cohort, by=facilitator)
    saved = make_member(cohort, Role.PARTICIPANT, display_name="Dee Saved")
    names.PrintedName.objects.create(cohort=cohort, person=saved, name="Dee A. Saved")
    with time_machine.travel(EVENING + day, tick=False), django_assert_num_queries(6):
        assert names.remind_unconfirmed_names(cohort=cohort, by=facilitator).sent == 3
    for number in range(10):
        make_member(cohort, Role.PARTICIPANT, display_name=f"Late {number}")
    with time_machine.travel(EVENING + 2 * day, tick=False), django_assert_num_queries(6):
        assert names.remind_unconfirmed_names(cohort=cohort, by=facilitator).sent == 13
    to_saved = Email.objects.filter(to=saved.email)
    assert to_saved.count() == 2
    assert all("“Dee A. Saved”" in mail.body_text for mail in to_saved)
