"""Changes with a safety net: moving and cancelling ask for confirmation on a page that says
who is told, take a message for them, can be undone, and mail each person once."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Role
from metlib.models import Email
from sessions import schedule
from sessions.models import CalendarDelivery, Event
from tests.factories import EventFactory

UTC = zoneinfo.ZoneInfo("UTC")
NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def participant(cohort, make_member):
    person = make_member(cohort, Role.PARTICIPANT, time_zone="Europe/Helsinki")
    CalendarDelivery.objects.create(person=person, choice=CalendarDelivery.Choice.INVITATIONS)
    return person


@pytest.fixture
def event(cohort):
    return EventFactory(
        cohort=cohort,
        title="Session 9",
        starts_at=dt.datetime(2025, 3, 11, 13, 0, tzinfo=UTC),
        ends_at=dt.datetime(2025, 3, 11, 15, 0, tzinfo=UTC),
    )


def url(name, event):
    return reverse(f"calendar:{name}", kwargs={"cohort_slug": event.cohort.slug, "pk": event.pk})


def calendar_of(email: Email) -> icalendar.Event:
    (attachment,) = email.attachments
    assert attachment["content"] == email.calendar
    (vevent,) = icalendar.Calendar.from_ical(email.calendar).walk("VEVENT")
    return vevent


def test_moving_only_the_start_keeps_the_length_after_a_confirmation(
    client, facilitator, participant, event, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    # Only the start changes: the end shown in the form is left as it was.
    typed = {"starts_at": "2025-03-18T10:00", "ends_at": "2025-03-11T11:00"}
    page = client.post(url("move", event), typed)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Who is told: 2 people" in html
    assert participant.display_name in html or participant.email in html
    assert 'value="2025-03-18T10:00"' in html  # carried to the confirmation
    event.refresh_from_db()
    assert event.sequence == 0
    assert not Email.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url("move", event), {**typed, "confirm": "1", "note": "Room 2 now."})
    assert done.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == dt.datetime(2025, 3, 18, 14, 0, tzinfo=UTC)
    assert event.ends_at == dt.datetime(2025, 3, 18, 16, 0, tzinfo=UTC)  # two hours still
    (mail,) = Email.objects.filter(to=participant.email)
    assert "Room 2 now." in mail.body_text
    assert "Room 2 now." in mail.body_html
    # The old and new times, in the reader's zone.
    assert "Was: March 11, 2025, 3 p.m." in mail.body_text
    assert "March 18, 2025, 4 p.m." in mail.body_text
    assert calendar_of(mail)["SEQUENCE"] == 1
    assert Email.objects.count() == 2  # the participant and the facilitator, once each


def test_the_times_typed_come_back_when_asked_to_change_them(client, facilitator, event):
    client.force_login(facilitator)
    typed = {
        "starts_at": "2025-03-18T10:00",
        "ends_at": "2025-03-18T12:30",
        "note": "Bring the slides",
        "edit": "1",
    }
    html = client.post(url("move", event), typed).content.decode()
    assert 'value="Bring the slides"' in html  # the message waits for the confirmation
    assert 'value="2025-03-18T12:30"' in html
    assert "Continue" in html


def test_cancel_asks_then_tells_with_the_message_and_can_be_undone(
    client, facilitator, participant, event, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    page = client.get(url("cancel", event))
    assert page.status_code == 200
    assert "Who is told: 2 people" in page.content.decode()
    event.refresh_from_db()
    assert not event.is_cancelled

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("cancel", event), {"note": "The presenter is ill."})
    event.refresh_from_db()
    assert (event.status, event.sequence) == (Event.Status.CANCELLED, 1)
    (cancelled,) = Email.objects.filter(to=participant.email)
    assert "The presenter is ill." in cancelled.body_text
    assert calendar_of(cancelled)["STATUS"] == "CANCELLED"
    overview = client.get(reverse("calendar:overview", kwargs={"cohort_slug": event.cohort.slug}))
    assert url("restore", event) in overview.content.decode()

    assert client.get(url("restore", event)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("restore", event), {}).status_code == 302
        client.post(url("restore", event), {})  # twice: nothing more
    event.refresh_from_db()
    assert (event.status, event.sequence) == (Event.Status.SCHEDULED, 2)
    restored = Email.objects.filter(to=participant.email).latest("pk")
    assert restored.pk != cancelled.pk
    assert "no longer cancelled" in restored.body_text
    vevent = calendar_of(restored)
    assert (vevent["STATUS"], vevent["SEQUENCE"]) == ("CONFIRMED", 2)
    assert Email.objects.filter(to=participant.email).count() == 2


def test_a_past_event_changes_without_mail_unless_asked(
    client, facilitator, participant, cohort, django_capture_on_commit_callbacks
):
    past = EventFactory(cohort=cohort, starts_at=NOW - dt.timedelta(days=7))
    client.force_login(facilitator)
    page = client.get(url("cancel", past)).content.decode()
    assert "already begun" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("cancel", past), {})
    past.refresh_from_db()
    assert past.is_cancelled
    assert not Email.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("restore", past), {"notify": "yes"})
    assert Email.objects.filter(to=participant.email).count() == 1


def test_restore_is_refused_when_another_event_now_starts_then(client, facilitator, event):
    schedule.cancel_event(event=event, by=facilitator)
    EventFactory(cohort=event.cohort, starts_at=event.starts_at)
    client.force_login(facilitator)
    response = client.post(url("restore", event), {}, follow=True)
    assert "already starts at this time" in response.content.decode()
    event.refresh_from_db()
    assert event.is_cancelled


@pytest.mark.parametrize(
    "data",
    [
        {"starts_at": "not a date", "ends_at": "", "confirm": "1"},
        {"starts_at": "2025-03-09T02:30", "ends_at": "2025-03-09T04:00", "confirm": "1"},
        {"starts_at": "2025-03-18T10:00", "ends_at": "2025-03-18T12:00", "notify": "x" * 50},
        {"note": "x" * 5000, "confirm": "1", "starts_at": "2025-03-18T10:00"},
    ],
)
def test_no_input_gives_an_error_page(client, facilitator, event, data):
    client.force_login(facilitator)
    assert client.post(url("move", event), data).status_code == 200
    assert client.post(url("cancel", event), data).status_code in (200, 302)
    event.refresh_from_db()
    assert event.sequence <= 1
