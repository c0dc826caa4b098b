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

from ..fixtures import wait_until
from .test_schedule import second_tuesdays

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def all_sent() -> bool:
    return not Email.objects.exclude(status=Email.Status.SENT).exists()


def received_by(sink, address: str) -> list:
    return [message for message in sink.messages if message["To"] == address]


def calendars(message) -> list:
    """The message's text/calendar attachments: (part, raw bytes)."""
    parts = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    return [(part, part.get_payload(decode=True)) for part in parts]


def assert_delivered_as_stored(message, email: Email, *, method: str) -> list:
    """Every attachment arrived byte for byte as stored (CRLF intact); returns the VEVENTs."""
    attached = calendars(message)
    assert len(attached) == len(email.attachments)
    vevents = []
    for (part, raw), stored in zip(attached, email.attachments, strict=True):
        assert part.get_filename() == stored["filename"]
        assert part.get_param("method") == method
        assert stored["mimetype"] == f"text/calendar; method={method}"
        assert raw == stored["content"].encode()
        assert b"\r\n" in raw
        assert b"\n" not in raw.replace(b"\r\n", b"")
        cal = vobject.readOne(raw.decode())
        assert cal.method.value == method
        (vevent,) = cal.contents["vevent"]
        vevents.append(vevent)
    return vevents


def test_invitations_reach_everyone_once_through_the_worker(
    celery_worker_on_redis, smtp_sink, cohort, make_member, facilitator
):
    people = [make_member(cohort, Role.PARTICIPANT), make_member(cohort, Role.PARTICIPANT)]
    people.append(facilitator)
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

    wait_until(lambda: Email.objects.count() == len(people) and all_sent())
    assert sorted(message["To"] for message in smtp_sink.messages) == addresses
    for address in addresses:
        (message,) = received_by(smtp_sink, address)
        (email,) = Email.objects.filter(to=address)
        vevents = assert_delivered_as_stored(message, email, method="REQUEST")
        assert [vevent.uid.value for vevent in vevents] == uids
        assert [vevent.sequence.value for vevent in vevents] == ["0"] * 3
        assert [vevent.attendee.value for vevent in vevents] == [f"mailto:{address}"] * 3

    moved = year[1]
    starts = dt.datetime(2024, 5, 16, 9, tzinfo=NEW_YORK)
    schedule.move_event(
        event=moved, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=facilitator
    )

    wait_until(lambda: Email.objects.count() == 2 * len(people) and all_sent())
    assert Counter(message["To"] for message in smtp_sink.messages) == Counter(
        {address: 2 for address in addresses}
    )
    for address in addresses:
        _first, second = received_by(smtp_sink, address)
        assert second["Subject"] == f"Moved: {moved.title}"
        email = Email.objects.filter(to=address).latest("pk")
        (vevent,) = assert_delivered_as_stored(second, email, method="REQUEST")
        assert vevent.uid.value == event_uid(moved)
        assert vevent.sequence.value == "1"
        # Wall time and TZID, as in test_ics: vobject's reading of VTIMEZONE offsets is unreliable.
        assert vevent.dtstart.value.replace(tzinfo=None) == starts.replace(tzinfo=None)
        assert vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["America/New_York"]

    swept = sweep_outbox.delay()

    assert celery_worker_on_redis.result_of(swept) == 0
    assert celery_worker_on_redis.task_names.count("metlib.send_email") == 2 * len(people)
    assert celery_worker_on_redis.task_names[-1] == "metlib.sweep_outbox"
    assert len(smtp_sink.messages) == 2 * len(people)
    assert set(Email.objects.values_list("status", "attempts")) == {(Email.Status.SENT, 1)}
