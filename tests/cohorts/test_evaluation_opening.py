"""The end of the year reaches people: opening the evaluation mails every participant once,
and it shows on their home and their year until they answer or it closes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cohorts import evaluation as service
from cohorts.models import Role
from metlib.models import Email

pytestmark = pytest.mark.django_db

MARCH_1 = dt.datetime(2031, 3, 1, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _march_2031():
    with time_machine.travel(MARCH_1, tick=False):
        yield


@pytest.fixture
def participants(cohort, make_member):
    return [make_member(cohort, Role.PARTICIPANT, email=f"p{i}@example.org") for i in range(3)]


def test_opening_mails_each_participant_once(cohort, facilitator, participants, make_member):
    make_member(cohort, Role.MENTOR, email="mentor@example.org")
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    mails = Email.objects.filter(key__startswith=f"evaluation:{evaluation.pk}:opened:")
    assert sorted(mails.values_list("to", flat=True)) == [p.email for p in participants]
    assert all(cohort.name in mail.subject for mail in mails)
    assert all("/evaluation/" in mail.body_text for mail in mails)
    service.close_evaluation(evaluation=evaluation, by=facilitator)
    service.open_evaluation(cohort=cohort, by=facilitator)  # reopened: nobody mailed again
    assert Email.objects.count() == 3


def test_the_participant_s_home_and_year_show_it_until_answered(
    client, cohort, facilitator, participants
):
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    person = participants[0]
    client.force_login(person)
    answer_url = reverse("cohorts:evaluation_answer", kwargs={"cohort_slug": cohort.slug})
    assert answer_url in client.get(reverse("home")).content.decode()
    year = client.get(reverse("circle:year", kwargs={"cohort_slug": cohort.slug}))
    assert answer_url in year.content.decode()
    service.answer_evaluation(
        evaluation=evaluation, person=person, recommend=9, valued_most="The people"
    )
    assert "Waiting for your answer" not in client.get(reverse("home")).content.decode()


def test_a_closed_evaluation_leaves_the_home_page(client, cohort, facilitator, participants):
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    service.close_evaluation(evaluation=evaluation, by=facilitator)
    client.force_login(participants[0])
    assert "Waiting for your answer" not in client.get(reverse("home")).content.decode()
