"""A cohort's year for certificate tests: past monthly sessions and who was present."""

import datetime as dt

from django.utils import timezone

from sessions.models import Attendance, Event
from tests.factories import EventFactory


def past_sessions(cohort, count, *, kind=Event.Kind.MONTHLY, group=None, start_days_ago=400):
    """``count`` sessions of ``kind`` that took place a month apart, oldest first."""
    now = timezone.now()
    events = []
    for number in range(count):
        starts_at = now - dt.timedelta(days=start_days_ago - 30 * number)
        events.append(
            EventFactory(
                cohort=cohort,
                kind=kind,
                mentoring_group=group,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
            )
        )
    return events


def mark(events, person, status, *, by):
    """Record ``status`` for ``person`` at each of ``events``."""
    Attendance.objects.bulk_create(
        [Attendance(event=e, person=person, status=status, recorded_by=by) for e in events]
    )


def ready_people(cohort, *, by, make_member, count, sessions=4):
    """``count`` participants present at every one of ``sessions`` past monthly sessions,
    each with a confirmed name: ready for a certificate."""
    from certificates.names import confirm_printed_name

    events = past_sessions(cohort, sessions)
    people = []
    for number in range(count):
        person = make_member(cohort, display_name=f"Participant {number:02} Østergård")
        mark(events, person, "present", by=by)
        confirm_printed_name(cohort=cohort, person=person, name=person.display_name)
        people.append(person)
    return people
