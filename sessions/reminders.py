"""Reminders before each event, queued by a periodic scan (Celery beat, task
``calendar.scan_reminders``).

For every event neither cancelled nor begun, each offset whose moment (start - offset) has
come gives one mail per person concerned. The outbox key holds the event, the person, the
offset and the start, so:

- a second scan, a retry, a beat restart or two scanners at once queue nothing new (the
  outbox's unique key);
- moving an event (a new start) re-arms its reminders.

The offsets are the same for every cohort for now: per-cohort offsets would need a field on
the cohort (a migration).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from metlib.models import Email
from metlib.outbox import queue_templated_email

from .feeds import with_details
from .ics import event_link
from .invitations import _when, people_concerned
from .models import Event

DEFAULT_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(days=7), timedelta(hours=24))


@dataclass(frozen=True)
class DueReminder:
    event: Event
    offset: timedelta


def reminder_key(*, event: Event, person: Any, offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    return f"reminder:{event.uid}:{person.pk}:{seconds}:{int(event.starts_at.timestamp())}"


def due_reminders(
    *, now: datetime, offsets: Iterable[timedelta] = DEFAULT_REMINDER_OFFSETS
) -> list[DueReminder]:
    """(event, offset) pairs whose moment has come: the event starts after ``now``, is not
    cancelled, and ``starts_at - offset <= now``. When several of an event's moments have
    passed (an event added at short notice, a scanner that was down), only the latest is due:
    nobody gets "in a week" and "tomorrow" for the same session at once."""
    offsets = sorted(offsets, reverse=True)
    if not offsets:
        return []
    events = with_details(
        Event.objects.exclude(status=Event.Status.CANCELLED).filter(
            starts_at__gt=now, starts_at__lte=now + offsets[0]
        )
    ).order_by("starts_at", "pk")
    due = []
    for event in events:
        passed = [offset for offset in offsets if event.starts_at - offset <= now]
        if passed:
            due.append(DueReminder(event=event, offset=min(passed)))
    return due


def _preparation(event: Event) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "minutes": item.minutes,
            "link": item.url or (f"{settings.SITE_URL}{item.file.url}" if item.file else ""),
        }
        for item in event.preparation.all()
    ]


def _context(person: Any, event: Event) -> dict[str, Any]:
    own_zone = getattr(person, "time_zone", "") or "UTC"
    cohort_zone = event.cohort.time_zone
    return {
        "person": person,
        "event": event,
        "title": event.title,
        "when": _when(event, own_zone),
        "when_cohort": "" if cohort_zone == own_zone else _when(event, cohort_zone),
        "place": event.place,
        "video_url": event.video_url,
        "link": event_link(event),
        "preparation": _preparation(event),
        "cohort": event.cohort,
    }


def scan_reminders(*, now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet queued; return how many were queued."""
    now = now or timezone.now()
    due = due_reminders(now=now)
    if not due:
        return 0
    concerned = people_concerned(dict.fromkeys(reminder.event for reminder in due))
    wanted = {
        reminder_key(event=reminder.event, person=person, offset=reminder.offset): (
            person,
            reminder,
        )
        for person, events in concerned.items()
        for reminder in due
        if reminder.event in events
    }
    # Already queued by an earlier scan: skipped without rendering. A concurrent scan may
    # still race us to a key; the outbox's unique key then keeps a single mail.
    done = set(Email.objects.filter(key__in=wanted).values_list("key", flat=True))
    queued = 0
    for key, (person, reminder) in wanted.items():
        if key in done:
            continue
        language = getattr(person, "language", None) or None
        with translation.override(language or translation.get_language()):
            context = _context(person, reminder.event)
        queue_templated_email(
            key=key,
            to=person.email,
            template="calendar-reminder",
            context=context,
            language=language,
        )
        queued += 1
    return queued
