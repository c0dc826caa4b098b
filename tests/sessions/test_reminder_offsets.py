"""Each cohort's reminder offsets: chosen by the facilitator (1 to 3, each 1 hour to 30 days),
used by the scan, still exactly once per event, person and offset."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Role
from metlib.models import Email
from sessions import reminders
from sessions.models import CalendarSettings
from tests.factories import CohortFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2031, 3, 11, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT)


@pytest.fixture
def event(cohort, participant):
    return EventFactory(cohort=cohort, starts_at=START, title="Open data")


def scan_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders.scan_reminders()


def keys() -> list[str]:
    return sorted(Email.objects.values_list("key", flat=True))


def test_cohort_without_settings_has_seven_days_and_24_hours(cohort):
    assert reminders.offsets_of(cohort) == (dt.timedelta(days=7), dt.timedelta(hours=24))


def test_cohort_offsets_used_by_the_scan_once_each(cohort, event, participant, facilitator):
    reminders.set_offsets(
        cohort=cohort, by=facilitator, offsets=[dt.timedelta(hours=2), dt.timedelta(days=3)]
    )
    assert scan_at(START - dt.timedelta(days=7)) == 0  # the default 7 days no longer applies
    assert scan_at(START - dt.timedelta(days=3)) == 2  # participant and facilitator
    assert scan_at(START - dt.timedelta(days=2)) == 0
    assert scan_at(START - dt.timedelta(hours=24)) == 0
    assert scan_at(START - dt.timedelta(hours=2)) == 2
    assert scan_at(START - dt.timedelta(hours=1)) == 0
    assert len(keys()) == 4
    assert sum(f":{3 * 24 * 3600}:" in key for key in keys()) == 2
    assert sum(f":{2 * 3600}:" in key for key in keys()) == 2


def test_other_cohorts_keep_their_own_offsets(cohort, event, facilitator):
    other = CohortFactory()
    person = UserFactory()
    MembershipFactory(user=person, cohort=other, role=Role.PARTICIPANT)
    EventFactory(cohort=other, starts_at=START)
    reminders.set_offsets(cohort=cohort, by=facilitator, offsets=[dt.timedelta(days=3)])
    assert scan_at(START - dt.timedelta(days=7)) == 1  # the other cohort's default
    assert Email.objects.get().to == person.email


def test_offsets_checked(cohort, facilitator):
    day = dt.timedelta(days=1)
    for wrong in ([], [day, 2 * day, 3 * day, 4 * day], [dt.timedelta(minutes=30)], [31 * day]):
        with pytest.raises(reminders.OffsetsProblem):
            reminders.set_offsets(cohort=cohort, by=facilitator, offsets=wrong)
    assert reminders.set_offsets(
        cohort=cohort, by=facilitator, offsets=[dt.timedelta(hours=1), 30 * day, 30 * day]
    ) == (30 * day, dt.timedelta(hours=1))


def page(cohort) -> str:
    return reverse("calendar:reminders", kwargs={"cohort_slug": cohort.slug})


def test_reminders_page_for_facilitators(client, cohort, participant, facilitator):
    url = page(cohort)
    assert client.get(url).status_code == 302
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<h1") == 1
    assert (
        'name="amount_1" value="7"' in text.replace('" min', '" min').replace('type="number" ', "")
        or 'value="7"' in text
    )

    saved = client.post(
        url,
        {"amount_1": "5", "unit_1": "days", "amount_2": "3", "unit_2": "hours", "unit_3": "days"},
    )
    assert saved.status_code == 302
    assert CalendarSettings.objects.get(cohort=cohort).reminder_offsets == [5 * 24 * 60, 180]
    assert reminders.offsets_of(cohort) == (dt.timedelta(days=5), dt.timedelta(hours=3))


def test_reminders_page_refuses_with_messages_and_keeps_values(client, cohort, facilitator):
    client.force_login(facilitator)
    url = page(cohort)
    too_far = client.post(url, {"amount_1": "31", "unit_1": "days", "unit_2": "days"})
    assert too_far.status_code == 400
    text = too_far.content.decode()
    assert "A reminder comes 1 hour to 30 days before the event." in text
    assert 'value="31"' in text
    none = client.post(url, {"unit_1": "days", "unit_2": "hours", "unit_3": "days"})
    assert none.status_code == 400
    assert "Choose one to three reminders." in none.content.decode()
    words = client.post(url, {"amount_1": "soon", "unit_1": "days"})
    assert words.status_code == 400
    assert 'value="soon"' in words.content.decode()
    assert not CalendarSettings.objects.exists()
