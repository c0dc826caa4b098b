"""Calendar invitations: one mail per person and change, one .ics (REQUEST / CANCEL) per
event, through the outbox."""

import datetime as dt
import zoneinfo

import pytest
import vobject
from django.core import mail

from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from sessions import schedule
from sessions.ics import event_uid
from sessions.invitations import people_concerned, queue_invitations
from sessions.models import Event
from tests.factories import EventFactory, UserFactory

from .test_schedule import second_tuesdays

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = pytest.mark.django_db


def mails_to(person) -> list[Email]:
    return list(Email.objects.filter(to=person.email).order_by("pk"))


def parsed(email: Email) -> list[vobject.base.Component]:
    cals = [vobject.readOne(a["content"]) for a in email.attachments]
    for attachment, cal in zip(email.attachments, cals, strict=True):
        assert attachment["mimetype"] == f"text/calendar; method={cal.method.value}"
    return cals


def single_event(cal) -> vobject.base.Component:
    (event,) = cal.contents["vevent"]
    return event


@pytest.fixture
def people(cohort, make_member, facilitator):
    return {
        "participant": make_member(cohort, Role.PARTICIPANT, time_zone="Europe/Helsinki"),
        "other": make_member(cohort, Role.PARTICIPANT),
        "facilitator": facilitator,
        "advisor": make_member(cohort, Role.ADVISOR),
        "mentor": make_member(cohort, Role.MENTOR),
    }


@pytest.fixture
def year(cohort, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return schedule.create_events(
            cohort=cohort,
            rule=second_tuesdays(),
            by=people["facilitator"],
            title_pattern="Session {n}",
        )


def test_a_whole_year_is_one_mail_per_person(year, people):
    assert len(year) == 11
    stranger = UserFactory()
    for person in people.values():
        (email,) = mails_to(person)
        assert email.subject == f"Invitation: 11 sessions of {year[0].cohort.name}"
        cals = parsed(email)
        assert len(cals) == 11
        for cal, event in zip(cals, year, strict=True):
            assert cal.method.value == "REQUEST"
            vevent = single_event(cal)
            assert vevent.uid.value == event_uid(event)
            assert vevent.sequence.value == "0"
            assert vevent.attendee.value == f"mailto:{person.email}"
            assert vevent.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
            assert vevent.organizer.value == "mailto:noreply@localhost"
    assert mails_to(stranger) == []
    assert Email.objects.count() == len(people)


def test_sent_after_commit_with_the_attachments(year, people):
    sent = [m for m in mail.outbox if m.to == [people["participant"].email]]
    assert len(sent) == 1
    attachments = sent[0].attachments
    assert len(attachments) == 11
    assert {attachment[2] for attachment in attachments} == {"text/calendar; method=REQUEST"}
    assert "BEGIN:VCALENDAR" in attachments[0][1]
    assert Email.objects.filter(status=Email.Status.SENT).count() == len(people)


def test_times_in_the_persons_zone_and_the_cohorts(year, people):
    body = mails_to(people["participant"])[0].body_text
    # 9 April 2024, 09:00 in New York is 16:00 in Helsinki.
    assert "April 9, 2024, 4 p.m. – 6 p.m. (Europe/Helsinki)" in body
    assert "April 9, 2024, 9 a.m. – 11 a.m. (America/New_York)" in body
    other = mails_to(people["other"])[0].body_text  # UTC: 13:00
    assert "April 9, 2024, 1 p.m." in other


def test_moving_one_sends_one_new_mail_with_sequence_1(
    year, people, django_capture_on_commit_callbacks
):
    event = year[3]
    starts = dt.datetime(2024, 7, 10, 9, tzinfo=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.move_event(
            event=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=None
        )
    for person in people.values():
        emails = mails_to(person)
        assert len(emails) == 2
        assert emails[1].subject == f"Moved: {event.title}"
        (cal,) = parsed(emails[1])
        assert cal.method.value == "REQUEST"
        assert single_event(cal).uid.value == event_uid(event)
        assert single_event(cal).sequence.value == "1"


def test_cancelling_sends_cancel(year, people, django_capture_on_commit_callbacks):
    event = year[0]
    with django_capture_on_commit_callbacks(execute=True):
        schedule.cancel_event(event=event, by=None)
    for person in people.values():
        email = mails_to(person)[-1]
        assert email.subject == f"Cancelled: {event.title}"
        (cal,) = parsed(email)
        assert cal.method.value == "CANCEL"
        vevent = single_event(cal)
        assert vevent.uid.value == event_uid(event)
        assert vevent.status.value == "CANCELLED"
        assert vevent.sequence.value == "1"
    before = Email.objects.count()
    schedule.cancel_event(event=event, by=None)  # already cancelled: nothing new
    assert Email.objects.count() == before


def test_queuing_the_same_state_twice_adds_nothing(year, people):
    before = Email.objects.count()
    queue_invitations(events=year, change="created")
    assert Email.objects.count() == before
    event = Event.objects.get(pk=year[0].pk)
    queue_invitations(events=[event], change="moved")  # a different change is a new mail
    assert Email.objects.count() == before + len(people)
    queue_invitations(events=[event], change="moved")
    assert Email.objects.count() == before + len(people)


def test_mentoring_session_reaches_only_its_group_and_the_cohort_wide_roles(
    cohort, make_member, people
):
    """The group, its mentor, and the facilitators and advisors whose feeds show the session."""
    in_group = people["participant"]
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=people["mentor"])
    group.members.add(in_group)
    other_mentor = make_member(cohort, Role.MENTOR)
    session = EventFactory(cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group)
    reached = {person.pk for person in people_concerned([session])}
    assert reached == {
        in_group.pk,
        people["mentor"].pk,
        people["facilitator"].pk,
        people["advisor"].pk,
    }
    queue_invitations(events=[session], change="created")
    assert {email.to for email in Email.objects.all()} == {
        in_group.email,
        people["mentor"].email,
        people["facilitator"].email,
        people["advisor"].email,
    }
    assert mails_to(other_mentor) == mails_to(people["other"]) == []


def test_adding_one_event_invites_the_cohort(cohort, people):
    starts = dt.datetime(2031, 3, 20, 9, tzinfo=NEW_YORK)
    event = schedule.add_event(
        cohort=cohort,
        title="Extra session",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        by=people["facilitator"],
    )
    email = mails_to(people["other"])[0]
    assert email.subject == "Invitation: Extra session"
    (cal,) = parsed(email)
    assert single_event(cal).uid.value == event_uid(event)
