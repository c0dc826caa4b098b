"""A participant's year in a cohort, as they see it: their next event, their whole schedule,
their mentoring group, when they present, their attendance and their certificate.

Reads only the viewer's own things, in a fixed number of queries however long the year.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from certificates.models import Certificate
from cohorts.models import Cohort, MentoringGroup
from metlib.models import User
from sessions.models import Attendance, Event
from sessions.selectors import schedule_for


@dataclass(frozen=True)
class PastEvent:
    event: Event
    status: str  # "present", "excused", "absent" or "" when nothing is recorded
    status_label: str


@dataclass(frozen=True)
class Year:
    cohort: Cohort
    person: Any
    next_event: Event | None
    schedule: list[Event]
    groups: list[MentoringGroup]
    presenting: list[Event]
    attendance: list[PastEvent]
    present: int
    excused: int
    absent: int
    certificate: Certificate | None


def _certificate(cohort: Cohort, person: Any) -> Certificate | None:
    return (
        Certificate.objects.filter(cohort=cohort, person=person, revoked_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )


def participant_year(*, cohort: Cohort, person: Any, now: datetime | None = None) -> Year:
    """``person``'s year in ``cohort``: every event they take part in and their own records."""
    now = now or timezone.now()
    schedule = list(schedule_for(person=person).filter(cohort=cohort))
    live = [e for e in schedule if e.status != Event.Status.CANCELLED]
    groups = list(
        MentoringGroup.objects.filter(cohort=cohort, members=person)
        .select_related("mentor")
        .prefetch_related(
            Prefetch("members", queryset=User.objects.order_by("display_name", "email"))
        )
        .order_by("name")
    )
    marks = dict(
        Attendance.objects.filter(person=person, event__cohort=cohort).values_list(
            "event_id", "status"
        )
    )
    labels = dict(Attendance.Status.choices)
    attendance = [
        PastEvent(
            event=e,
            status=marks.get(e.pk, ""),
            status_label=str(labels.get(marks.get(e.pk, ""), "")),
        )
        for e in live
        if e.ends_at <= now
    ]
    statuses = [entry.status for entry in attendance]
    return Year(
        cohort=cohort,
        person=person,
        next_event=next((e for e in live if e.ends_at > now), None),
        schedule=schedule,
        groups=groups,
        presenting=[e for e in live if any(p.pk == person.pk for p in e.presenters.all())],
        attendance=attendance,
        present=statuses.count(Attendance.Status.PRESENT),
        excused=statuses.count(Attendance.Status.EXCUSED),
        absent=statuses.count(Attendance.Status.ABSENT),
        certificate=_certificate(cohort, person),
    )
