"""Invitations end to end: a real Celery worker on Redis sends the outbox to a real SMTP
server, and what arrives is what the outbox stored."""

import datetime as dt
import zoneinfo
from collections import Counter
from datetime import date

import pytest
import vobject
from django.db import transaction

from cohorts.models import Role
from metlib.models import Email
from metlib.tasks import sweep_outbox
from sessions import schedule
from sessions.ics import event_uid
from sessions.models import CalendarDelivery

from ..fixtures import wait_until
from .test_schedule import second_tuesdays

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def all_sent() -> bool:
    return not Email.objects.exclude(status=Email.Status.SENT).exists()


def received_by(sink, address: str) -> list:
    return [message for message in sink.messages if message["To"] == address]


def invitations(messages: list) -> list:
    return [m for m in messages if any(p.get_content_type() == "text/calendar" for p in m.walk())]


def assert_delivered_as_stored(message, email: Email, *, method: str):
    """The invitation arrived as stored: one text/calendar part with its method inside the
    body's alternatives, CRLF intact, and the same calendar attached as an .ics file.
    Returns the VEVENT."""
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    body = message.get_payload()[0]
    assert body.get_content_type() == "multipart/alternative"
    assert body.get_payload()[-1] is part
    raw = part.get_payload(decode=True)
    assert email.calendar_method == method
    assert raw == email.calendar.encode()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    (attached,) = message.iter_attachments()
    assert attached.get_content_type() == "application/ics"
    assert attached.get_filename() == email.attachments[0]["filename"]
    assert attached.get_payload(decode=True) == raw
    cal = vobject.readOne(raw.decode())
    assert cal.method.value == method
    (vevent,) = cal.contents["vevent"]
    return vevent


def test_invitations_reach_everyone_once_through_the_worker(
    celery_worker_on_redis, smtp_sink, cohort, make_member, facilitator
):
    people = [make_member(cohort, Role.PARTICIPANT), make_member(cohort, Role.PARTICIPANT)]
    people.append(facilitator)
    for person in people:
        CalendarDelivery.objects.create(person=person, choice=CalendarDelivery.Choice.BOTH)
    addresses = sorted(person.email for person in people)

    with transaction.atomic():
        year = schedule.create_events(
            cohort=cohort,
            rule=second_tuesdays(first_month=date(2024, 4, 1), last_month=date(2024, 6, 1)),
            by=facilitator,
            title_pattern="Session {n}",
        )
    assert len(year) == 3
    uids = [event_uid(event) for event in year]

    # Each person: the year's summary, then one invitation per event.
    wait_until(lambda: Email.objects.count() == 4 * len(people) and all_sent())
    assert Counter(message["To"] for message in smtp_sink.messages) == Counter(
        {address: 4 for address in addresses}
    )
    for address in addresses:
        received = received_by(smtp_sink, address)
        assert len(invitations(received)) == 3
        stored = Email.objects.filter(to=address).exclude(calendar="").order_by("pk")
        vevents = [
            assert_delivered_as_stored(message, email, method="REQUEST")
            for message, email in zip(
                sorted(invitations(received), key=lambda m: m["Subject"]),
                sorted(stored, key=lambda e: e.subject),
                strict=True,
            )
        ]
        assert sorted(vevent.uid.value for vevent in vevents) == sorted(uids)
        assert [vevent.sequence.value for vevent in vevents] == ["0"] * 3
        assert [vevent.attendee.value for vevent in vevents] == [f"mailto:{address}"] * 3

    moved = year[1]
    starts = dt.datetime(2024, 5, 16, 9, tzinfo=NEW_YORK)
    schedule.move_event(
        event=moved, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=facilitator
    )

    wait_until(lambda: Email.objects.count() == 5 * len(people) and all_sent())
    assert Counter(message["To"] for message in smtp_sink.messages) == Counter(
        {address: 5 for address in addresses}
    )
    for address in addresses:
        second = next(
            m for m in received_by(smtp_sink, address) if m["Subject"].startswith("Moved")
        )
        assert second["Subject"] == f"Moved: {moved.title}"
        email = Email.objects.filter(to=address).latest("pk")
        vevent = assert_delivered_as_stored(second, email, method="REQUEST")
        assert vevent.uid.value == event_uid(moved)
        assert vevent.sequence.value == "1"
        # Wall time and TZID, as in test_ics: vobject's reading of VTIMEZONE offsets is unreliable.
        assert vevent.dtstart.value.replace(tzinfo=None) == starts.replace(tzinfo=None)
        assert vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["America/New_York"]

    swept = sweep_outbox.delay()

    assert celery_worker_on_redis.result_of(swept) == 0
    # The year's twelve mails went to the broker as one batch, the move's three as another.
    assert Counter(celery_worker_on_redis.task_names) == {
        "metlib.send_emails": 2,
        "metlib.sweep_outbox": 1,
    }
    assert celery_worker_on_redis.task_names[-1] == "metlib.sweep_outbox"
    assert len(smtp_sink.messages) == 5 * len(people)
    assert set(Email.objects.values_list("status", "attempts")) == {(Email.Status.SENT, 1)}
