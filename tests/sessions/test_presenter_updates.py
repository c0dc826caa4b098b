"""Changing a session's presenters raises its SEQUENCE (its calendar entry lists them) and
sends an updated invitation to each presenter added or removed, once per change."""

import datetime as dt

import pytest
import vobject
from django.utils import timezone

from cohorts.models import Role
from metlib.models import Email
from sessions import presenters
from sessions.models import CalendarDelivery
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cohort, make_member):
    people = [make_member(cohort, Role.PARTICIPANT) for _ in range(4)]
    for person in people:
        CalendarDelivery.objects.create(person=person, choice=CalendarDelivery.Choice.BOTH)
    return people


@pytest.fixture
def session(cohort):
    return EventFactory(cohort=cohort, starts_at=dt.datetime(2031, 5, 13, 13, tzinfo=dt.UTC))


def mails() -> dict[str, list[Email]]:
    by_person: dict[str, list[Email]] = {}
    for email in Email.objects.order_by("pk"):
        by_person.setdefault(email.to, []).append(email)
    return by_person


def sequence_in(email: Email) -> str:
    cal = vobject.readOne(email.calendar)
    assert cal.method.value == "REQUEST"
    return cal.vevent.sequence.value


def test_presenters_added_get_one_update_each(session, people, facilitator):
    a, b = people[:2]
    assert presenters.set_presenters(event=session, by=facilitator, people=[a, b])
    session.refresh_from_db()
    assert session.sequence == 1
    sent = mails()
    assert set(sent) == {a.email, b.email}
    for person in (a, b):
        (email,) = sent[person.email]
        assert email.subject == f"Updated: {session.title}"
        assert sequence_in(email) == "1"
        assert str(a) in email.calendar.replace("\r\n ", "")


def test_presenters_removed_and_added_hear_of_it_others_do_not(session, people, facilitator):
    a, b, c = people[:3]
    presenters.set_presenters(event=session, by=facilitator, people=[a, b])
    Email.objects.all().delete()
    presenters.set_presenters(event=session, by=facilitator, people=[b, c])
    session.refresh_from_db()
    assert session.sequence == 2
    sent = mails()
    assert set(sent) == {a.email, c.email}  # b stays a presenter; the fourth was never one
    assert [sequence_in(email) for email in sent[a.email]] == ["2"]


def test_setting_the_same_presenters_sends_nothing(session, people, facilitator):
    presenters.set_presenters(event=session, by=facilitator, people=people[:2])
    before = Email.objects.count()
    assert not presenters.set_presenters(event=session, by=facilitator, people=people[:2])
    session.refresh_from_db()
    assert session.sequence == 1
    assert Email.objects.count() == before


def test_using_the_suggestion_mails_each_presenter_once_per_session(cohort, people, facilitator):
    now = timezone.now()
    sessions = [
        EventFactory(cohort=cohort, starts_at=now + dt.timedelta(days=10 + 30 * i))
        for i in range(2)
    ]
    changed = presenters.apply_suggestion(cohort=cohort, by=facilitator, per_session=2)
    assert changed == 2
    sent = mails()
    # Four participants, two sessions of two: everyone presents once, hears once.
    assert sorted(sent) == sorted(person.email for person in people)
    assert all(len(emails) == 1 for emails in sent.values())
    for event in sessions:
        event.refresh_from_db()
        assert event.sequence == 1
