"""Reminders before each event, queued by a periodic scan (Celery beat, task
``calendar.scan_reminders``).

For every event neither cancelled nor begun, each offset whose moment (start - offset) has
come gives one mail per person concerned. The outbox key holds the event, the person, the
offset and the start, so:

- a second scan, a retry, a beat restart or two scanners at once queue nothing new (the
  outbox's unique key);
- moving an event (a new start) re-arms its reminders;
- changing the cohort's offsets arms the new ones; the old ones already sent stay sent.

Each cohort chooses its offsets (``CalendarSettings``: 1 to 3 of them, each from 1 hour to
30 days); a cohort that never chose has 7 days and 24 hours.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.permissions import Perm, has_cohort_perm
from metlib.languages import language_of
from metlib.outbox import OutgoingEmail, queue_emails, queued_keys, templated_email

from .feeds import with_details
from .ics import event_link
from .invitations import _when, people_concerned
from .models import CalendarSettings, Event

DEFAULT_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(days=7), timedelta(hours=24))
MIN_OFFSET = timedelta(hours=1)
MAX_OFFSET = timedelta(days=30)
MAX_OFFSETS = 3
QUEUE_CHUNK = 250


class OffsetsProblem(ValueError):
    """Offsets that cannot be used; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_offsets(offsets: Iterable[timedelta]) -> tuple[timedelta, ...]:
    """The offsets, longest first and without repeats; OffsetsProblem unless there are 1 to
    3 of them, each from 1 hour to 30 days."""
    unique = tuple(sorted(set(offsets), reverse=True))
    if not 1 <= len(unique) <= MAX_OFFSETS:
        raise OffsetsProblem(_("Choose one to three reminders."))
    if any(not MIN_OFFSET <= offset <= MAX_OFFSET for offset in unique):
        raise OffsetsProblem(_("Each reminder must come 1 hour to 30 days before the event."))
    return unique


def offsets_of(cohort: Cohort) -> tuple[timedelta, ...]:
    """The cohort's reminder offsets, longest first."""
    chosen = CalendarSettings.objects.filter(cohort=cohort).first()
    return offsets_from(chosen.reminder_offsets if chosen else None)


def offsets_from(minutes: Iterable[int] | None) -> tuple[timedelta, ...]:
    """Offsets from the minutes a cohort's calendar settings store (None: it has none)."""
    return DEFAULT_REMINDER_OFFSETS if minutes is None else _offsets(minutes)


def _offsets(minutes: Iterable[int]) -> tuple[timedelta, ...]:
    return tuple(sorted((timedelta(minutes=m) for m in minutes), reverse=True))


@transaction.atomic
def set_offsets(*, cohort: Cohort, by: Any, offsets: Iterable[timedelta]) -> tuple[timedelta, ...]:
    """Save the cohort's reminder offsets (checked as :func:`check_offsets` says)."""
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied
    offsets = check_offsets(offsets)
    CalendarSettings.objects.update_or_create(
        cohort=cohort,
        defaults={"reminder_offsets": [int(o.total_seconds() // 60) for o in offsets]},
    )
    return offsets


@dataclass(frozen=True)
class DueReminder:
    event: Event
    offset: timedelta


def reminder_key(*, event: Event, person: Any, offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    return f"reminder:{event.uid}:{person.pk}:{seconds}:{int(event.starts_at.timestamp())}"


def due_reminders(
    *, now: datetime, offsets: Iterable[timedelta] | None = None
) -> list[DueReminder]:
    """(event, offset) pairs whose moment has come: the event starts after ``now``, is not
    cancelled, and ``starts_at - offset <= now``, for the offsets of the event's cohort (or
    ``offsets`` for every cohort). When several of an event's moments have passed (an event
    added at short notice, a scanner that was down), only the latest is due: nobody gets
    "in a week" and "tomorrow" for the same session at once."""
    if offsets is not None:
        fixed = tuple(sorted(offsets, reverse=True))
        if not fixed:
            return []
        chosen: dict[int, tuple[timedelta, ...]] = {}
        longest = fixed[0]
    else:
        fixed = DEFAULT_REMINDER_OFFSETS
        chosen = {
            cohort_id: _offsets(minutes)
            for cohort_id, minutes in CalendarSettings.objects.values_list(
                "cohort_id", "reminder_offsets"
            )
            if minutes
        }
        longest = max([fixed[0], *(own[0] for own in chosen.values())])
    events = with_details(
        Event.objects.exclude(status=Event.Status.CANCELLED).filter(
            starts_at__gt=now, starts_at__lte=now + longest
        )
    ).order_by("starts_at", "pk")
    due = []
    for event in events:
        own = chosen.get(event.cohort_id, fixed)
        passed = [offset for offset in own if event.starts_at - offset <= now]
        if passed:
            due.append(DueReminder(event=event, offset=min(passed)))
    return due


def _preparation(event: Event) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "minutes": item.minutes,
            "link": item.url or (f"{settings.SITE_URL}{item.download_path}" if item.file else ""),
        }
        for item in event.preparation.all()
    ]


def _event_context(event: Event, own_zone: str) -> dict[str, Any]:
    """What a reminder says about ``event`` to anyone in ``own_zone`` (in the active
    language): the same for many people, so a scan builds it once per event and zone."""
    cohort_zone = event.zone_name
    return {
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


def _context(person: Any, event: Event, *, shared: dict | None = None) -> dict[str, Any]:
    own_zone = getattr(person, "time_zone", "") or "UTC"
    shared = {} if shared is None else shared
    key = (event.pk, own_zone, translation.get_language())
    if key not in shared:
        shared[key] = _event_context(event, own_zone)
    return {"person": person, **shared[key]}


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
    done = queued_keys(wanted)
    pending = [(key, pair) for key, pair in wanted.items() if key not in done]
    shared: dict = {}
    for start in range(0, len(pending), QUEUE_CHUNK):
        # One statement and one commit per chunk, not one each; the sends are enqueued (a
        # task per SEND_BATCH mails) when it commits.
        queue_emails(
            [
                _reminder_email(key=key, person=person, event=reminder.event, shared=shared)
                for key, (person, reminder) in pending[start : start + QUEUE_CHUNK]
            ]
        )
    return len(pending)


def _reminder_email(*, key: str, person: Any, event: Event, shared: dict) -> OutgoingEmail:
    """One reminder, rendered in the person's language and zone. The scan has checked the
    keys in bulk already, so this skips ``queue_templated_email``'s own check (one query per
    mail); the unique key still keeps a single mail if a concurrent scan queues it first."""
    language = language_of(person)
    with translation.override(language or translation.get_language()):
        context = _context(person, event, shared=shared)
    return templated_email(
        key=key, to=person.email, template="calendar-reminder", context=context, language=language
    )
