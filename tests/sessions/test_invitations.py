"""Calendar mails: a readable mail per person and change with the subscription's address,
and for those who chose invitations by mail one iMIP message per event (REQUEST / CANCEL as
the body's text/calendar alternative, and as an .ics file), through the outbox."""

import datetime as dt
import zoneinfo
from email import message_from_bytes
from email import policy as mail_policy

import icalendar
import pytest
import vobject
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from sessions import schedule
from sessions.ics import event_uid
from sessions.invitations import people_concerned, queue_invitations
from sessions.models import CalendarDelivery, CalendarFeed, Event
from tests.factories import EventFactory, UserFactory

from .test_schedule import second_tuesdays

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = pytest.mark.django_db


def mails_to(person) -> list[Email]:
    return list(Email.objects.filter(to=person.email).order_by("pk"))


def invitations_to(person) -> list[Email]:
    return [email for email in mails_to(person) if email.calendar]


def parsed(email: Email) -> vobject.base.Component:
    """The invitation's calendar, checked against its method and its .ics attachment."""
    cal = vobject.readOne(email.calendar)
    assert email.calendar_method == cal.method.value
    (attachment,) = email.attachments
    assert attachment["mimetype"] == "application/ics"
    assert attachment["content"] == email.calendar
    return cal


def single_event(cal) -> vobject.base.Component:
    (event,) = cal.contents["vevent"]
    return event


def choose(person, choice: str) -> None:
    CalendarDelivery.objects.update_or_create(person=person, defaults={"choice": choice})


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
def invited(people):
    """Those who chose invitations by mail (one alone, one with the feed)."""
    choose(people["participant"], CalendarDelivery.Choice.INVITATIONS)
    choose(people["advisor"], CalendarDelivery.Choice.BOTH)
    return [people["participant"], people["advisor"]]


@pytest.fixture
def year(cohort, people, invited, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return schedule.create_events(
            cohort=cohort,
            rule=second_tuesdays(),
            by=people["facilitator"],
            title_pattern="Session {n}",
        )


def test_a_whole_year_is_one_summary_mail_with_the_feed_link(year, people, invited):
    assert len(year) == 11
    stranger = UserFactory()
    for person in people.values():
        summary = mails_to(person)[0]
        how = " in your calendar subscription"
        if person in invited:
            how = ", their invitations follow"
        assert summary.subject == f"Your schedule for {year[0].cohort.name}: 11 sessions{how}"
        assert "Invitation" not in summary.subject
        assert summary.calendar == ""
        assert summary.attachments == []
        assert "Session 1" in summary.body_text
        assert "Session 11" in summary.body_text
        if person in invited:
            assert "Each session also comes in its own mail" in summary.body_text
        else:
            feed = CalendarFeed.objects.get(person=person)
            assert f"/calendar/feed/{person.pk}/{feed.secret}.ics" in summary.body_text
            assert f"/calendar/feed/{person.pk}/{feed.secret}.ics" in summary.body_html
            assert "http://127.0.0.1:8000/calendar/subscribe/" in summary.body_text
            assert len(mails_to(person)) == 1
    assert mails_to(stranger) == []
    assert Email.objects.count() == len(people) + 11 * len(invited)


def test_who_chose_invitations_gets_one_per_event(year, people, invited):
    for person in invited:
        emails = invitations_to(person)
        assert len(emails) == 11
        for email, event in zip(emails, year, strict=True):
            assert email.subject == f"Invitation: {event.title}"
            assert event.title in email.body_text
            cal = parsed(email)
            assert cal.method.value == "REQUEST"
            vevent = single_event(cal)
            assert vevent.uid.value == event_uid(event)
            assert vevent.sequence.value == "0"
            assert vevent.attendee.value == f"mailto:{person.email}"
            assert vevent.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
            assert vevent.organizer.value == "mailto:noreply@localhost"
    for person in (people["other"], people["facilitator"], people["mentor"]):
        assert invitations_to(person) == []


def test_an_invitation_is_the_message_s_calendar_alternative(year, people):
    """What Gmail, Outlook and Apple Mail act on (RFC 6047): exactly one text/calendar part,
    with its method, inside the body's multipart/alternative, beside text and HTML; the same
    calendar attached as a file that is not text/calendar."""
    address = people["participant"].email
    sent = [m for m in mail.outbox if m.to == [address] and m.subject == "Invitation: Session 1"]
    assert len(sent) == 1
    message = message_from_bytes(sent[0].message().as_bytes(), policy=mail_policy.default)
    assert message.get_content_type() == "multipart/mixed"
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    (part,) = calendars
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_disposition() is None  # in the body, not an attachment
    body, attachment = message.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert part in body.get_payload()
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Dear ")
    (attached,) = message.iter_attachments()
    assert attached is attachment
    assert attached.get_content_type() == "application/ics"
    assert attached.get_filename().endswith(".ics")
    # The text part's lines end as the mail's do; the attached file keeps CRLF byte for byte.
    raw = part.get_payload(decode=True).decode()
    assert attached.get_payload(decode=True).decode() == raw.replace("\n", "\r\n")
    by_icalendar = icalendar.Calendar.from_ical(raw)
    assert by_icalendar["METHOD"] == "REQUEST"
    (vevent,) = by_icalendar.walk("VEVENT")
    assert str(vevent["UID"]) == event_uid(Event.objects.get(title="Session 1"))
    assert vobject.readOne(raw).vevent.attendee.value == f"mailto:{address}"


def test_sent_after_commit(year, people, invited):
    assert Email.objects.filter(status=Email.Status.SENT).count() == len(people) + 11 * len(invited)
    sent = [m for m in mail.outbox if m.to == [people["other"].email]]
    assert len(sent) == 1
    assert sent[0].attachments == []
    assert [mimetype for _content, mimetype in sent[0].alternatives] == ["text/html"]


def test_times_in_the_persons_zone_and_the_cohorts(year, people):
    body = mails_to(people["participant"])[0].body_text
    # 9 April 2024, 09:00 in New York is 16:00 in Helsinki.
    assert "April 9, 2024, 4 p.m. – 6 p.m. (Europe/Helsinki)" in body
    assert "April 9, 2024, 9 a.m. – 11 a.m. (America/New_York)" in body
    other = mails_to(people["other"])[0].body_text  # UTC: 13:00
    assert "April 9, 2024, 1 p.m." in other


def test_moving_one_sends_one_new_mail_with_sequence_1(
    year, people, invited, django_capture_on_commit_callbacks
):
    event = year[3]
    before = {person.pk: len(mails_to(person)) for person in people.values()}
    starts = dt.datetime(2024, 7, 10, 9, tzinfo=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.move_event(
            event=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=None
        )
    for person in people.values():
        emails = mails_to(person)
        assert len(emails) == before[person.pk] + 1
        assert emails[-1].subject == f"Moved: {event.title}"
        assert "Was: " in emails[-1].body_text
        if person in invited:
            cal = parsed(emails[-1])
            assert cal.method.value == "REQUEST"
            assert single_event(cal).uid.value == event_uid(event)
            assert single_event(cal).sequence.value == "1"
        else:
            assert emails[-1].calendar == ""
            assert emails[-1].attachments == []
            assert "/calendar/feed/" in emails[-1].body_text


def test_cancelling_sends_cancel(year, people, invited, django_capture_on_commit_callbacks):
    event = year[0]
    with django_capture_on_commit_callbacks(execute=True):
        schedule.cancel_event(event=event, by=None)
    for person in people.values():
        email = mails_to(person)[-1]
        assert email.subject == f"Cancelled: {event.title}"
        if person not in invited:
            assert email.calendar == ""
            continue
        cal = parsed(email)
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


def test_adding_one_event_tells_the_cohort_once_each(cohort, people, invited):
    starts = dt.datetime(2031, 3, 20, 9, tzinfo=NEW_YORK)
    event = schedule.add_event(
        cohort=cohort,
        title="Extra session",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        by=people["facilitator"],
    )
    for person in people.values():
        (email,) = mails_to(person)
        if person in invited:
            assert email.subject == "Invitation: Extra session"
            assert single_event(parsed(email)).uid.value == event_uid(event)
        else:
            assert email.subject == "New session: Extra session"  # no invitation in it
            assert email.calendar == ""
            assert "/calendar/feed/" in email.body_text


def test_the_subscribe_page_keeps_the_choice_and_warns_of_duplicates(client, people):
    person = people["other"]
    client.force_login(person)
    page = client.get(reverse("feeds:subscribe")).content.decode()
    assert "Choosing both puts every session in your calendar twice" in page
    assert 'value="feed" checked' in page
    response = client.post(reverse("feeds:delivery"), {"choice": "both"})
    assert response.status_code == 302
    assert CalendarDelivery.objects.get(person=person).choice == "both"
    page = client.get(reverse("feeds:subscribe")).content.decode()
    assert 'value="both" checked' in page
    assert "Your choice is saved" in page
    for wrong in ({"choice": "pigeon"}, {}, {"choice": ""}):
        response = client.post(reverse("feeds:delivery"), wrong, follow=True)
        assert response.status_code == 200
        assert "Choose one of the three ways." in response.content.decode()
    assert CalendarDelivery.objects.get(person=person).choice == "both"


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "Votre agenda pour {cohort}\u00a0: 11 séances dans votre abonnement au calendrier"),
        ("ru", "Ваше расписание потока {cohort}: 11 встреч в вашей подписке на календарь"),
    ],
)
def test_the_year_s_summary_subject_is_in_the_reader_s_language_and_plural(
    cohort, people, language, subject, django_capture_on_commit_callbacks
):
    person = people["other"]  # the subscription only
    person.language = language
    person.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        schedule.create_events(
            cohort=cohort,
            rule=second_tuesdays(),
            by=people["facilitator"],
            title_pattern="Session {n}",
        )
    (summary,) = mails_to(person)
    assert summary.subject == subject.format(cohort=cohort.name)


def _participants_with_invitations(cohort, make_member, count: int) -> None:
    for _ in range(count):
        choose(make_member(cohort, Role.PARTICIPANT), CalendarDelivery.Choice.BOTH)


def test_a_year_for_more_people_writes_its_mails_in_the_same_number_of_queries(
    cohort, make_member, facilitator
):
    """Every mail of a generated year (a summary and eleven invitations each) is written in
    one statement after one look for those queued already, and the subscriptions the mails
    link to are made in one for those who had none (a cohort's first year): the queries do
    not grow with the number of people or of mails."""

    def queries_for_a_year(year: int) -> tuple[int, int]:
        rule = second_tuesdays(first_month=dt.date(year, 4, 1), last_month=dt.date(year + 1, 3, 1))
        with CaptureQueriesContext(connection) as captured:
            events = schedule.create_events(
                cohort=cohort, rule=rule, by=facilitator, title_pattern="Session {n}"
            )
        return len(events), len(captured.captured_queries)

    _participants_with_invitations(cohort, make_member, 2)
    events, few = queries_for_a_year(2030)
    before = Email.objects.count()
    _participants_with_invitations(cohort, make_member, 10)

    assert queries_for_a_year(2032) == (events, few)
    # The facilitator's summary; each of the twelve invited: a summary and an invitation per event.
    assert Email.objects.count() - before == 1 + 12 * (1 + events)
    assert CalendarFeed.objects.count() == 13
