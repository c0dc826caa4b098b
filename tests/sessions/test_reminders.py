"""Reminders: queued by a periodic scan at 7 days and 24 hours before each event, once per
event, person and offset."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections

from cohorts.models import Role
from metlib.models import Email
from sessions import reminders, tasks
from sessions.models import Event, PreparationItem
from tests.factories import EventFactory
from tests.fixtures import wait_until

START = dt.datetime(2027, 3, 9, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(cohort, make_member, facilitator):
    return [
        make_member(cohort, Role.PARTICIPANT, time_zone="Europe/Helsinki"),
        make_member(cohort, Role.MENTOR),
        facilitator,
    ]


@pytest.fixture
def event(cohort, people):
    event = EventFactory(cohort=cohort, starts_at=START, title="Open data", place="Room 4")
    PreparationItem.objects.create(
        event=event, title="Read the charter", url="https://example.org/charter", minutes=20
    )
    return event


def scan_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return reminders.scan_reminders()


def reminder_keys() -> list[str]:
    return sorted(Email.objects.filter(key__startswith="reminder:").values_list("key", flat=True))


@pytest.mark.django_db
def test_seven_days_then_24_hours_once_each(event, people):
    assert scan_at(START - dt.timedelta(days=8)) == 0
    assert Email.objects.count() == 0

    assert scan_at(START - dt.timedelta(days=7)) == len(people)
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted(p.email for p in people)
    assert scan_at(START - dt.timedelta(days=6)) == 0
    assert scan_at(START - dt.timedelta(days=2)) == 0
    assert Email.objects.count() == len(people)

    assert scan_at(START - dt.timedelta(hours=24)) == len(people)
    assert scan_at(START - dt.timedelta(hours=1)) == 0
    assert Email.objects.count() == 2 * len(people)
    for person in people:
        assert Email.objects.filter(to=person.email).count() == 2

    helsinki = Email.objects.filter(to=people[0].email).first()
    assert "Open data" in helsinki.subject
    assert "March 9, 2027, 7 p.m." in helsinki.body_text  # 17:00 UTC, winter time in Helsinki
    assert "(Europe/Helsinki)" in helsinki.body_text
    assert "Room 4" in helsinki.body_text
    assert "https://video.example/metlib" in helsinki.body_text
    assert "Read the charter" in helsinki.body_text
    assert "https://example.org/charter" in helsinki.body_html


@pytest.mark.django_db
def test_none_for_cancelled_or_begun_events(event, people):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert scan_at(START - dt.timedelta(hours=2)) == 0
    Event.objects.filter(pk=event.pk).update(status=Event.Status.SCHEDULED)
    assert scan_at(START) == 0
    assert scan_at(START + dt.timedelta(minutes=5)) == 0
    assert Email.objects.count() == 0


@pytest.mark.django_db
def test_moving_an_event_rearms_its_reminders(event, people):
    assert scan_at(START - dt.timedelta(days=7)) == len(people)
    later = START + dt.timedelta(days=3)
    Event.objects.filter(pk=event.pk).update(
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
        status=Event.Status.MOVED,
        sequence=1,
    )
    assert scan_at(START - dt.timedelta(days=6)) == 0  # the new 7-day moment is not yet here
    assert scan_at(later - dt.timedelta(days=7)) == len(people)
    assert scan_at(later - dt.timedelta(days=6)) == 0
    assert Email.objects.count() == 2 * len(people)
    assert len(set(reminder_keys())) == 2 * len(people)


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_queue_each_reminder_once(event, people, monkeypatch):
    # Both scanners pass the "already queued?" checks before either writes.
    barrier = threading.Barrier(2, timeout=10)
    queue = reminders.queue_emails
    waited = threading.local()

    def queue_after_both_checked(mails):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return queue(mails)

    monkeypatch.setattr(reminders, "queue_emails", queue_after_both_checked)
    now = START - dt.timedelta(hours=23)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            reminders.scan_reminders(now=now)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # Only the latest due reminder (24 hours) goes out: one mail per person, never two.
    assert Email.objects.count() == len(people)
    assert len(set(reminder_keys())) == len(people)


def test_worker_runs_the_scan_twice_and_queues_each_reminder_once(
    celery_worker_on_redis, cohort, make_member, facilitator
):
    people = [facilitator, make_member(cohort, Role.PARTICIPANT)]
    EventFactory(cohort=cohort, starts_at=reminders.timezone.now() + dt.timedelta(hours=23))
    first = tasks.scan_reminders.delay()
    assert celery_worker_on_redis.result_of(first) == len(people)  # the 24-hour one only
    again = tasks.scan_reminders.delay()
    assert celery_worker_on_redis.result_of(again) == 0
    for person in people:
        assert Email.objects.filter(to=person.email).count() == 1
    # The scan's mails went to the broker as one batch, which the worker sent.
    wait_until(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists())
    assert celery_worker_on_redis.task_names.count("metlib.send_emails") == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)


def test_only_the_latest_reminder_goes_out_when_an_event_is_added_at_short_notice(db):
    now = dt.datetime(2031, 5, 1, 12, 0, tzinfo=dt.UTC)
    event = EventFactory(starts_at=now + dt.timedelta(hours=3))
    due = reminders.due_reminders(now=now)
    shortest = min(reminders.DEFAULT_REMINDER_OFFSETS)
    assert [(d.event.pk, d.offset) for d in due] == [(event.pk, shortest)]
