"""The cohort's home: the facilitator's dashboard with 500 nominations and 30 participants.

The seeded cohort already holds the 500 nominations; its year (30 participants, three
mentoring groups, twelve monthly sessions half of them past with attendance, mentoring
sessions, reminders and a failed mail) is added the first time the scenario runs, not in
``bench/seed.py``, so a run of the other scenarios pays nothing for it. Nothing the other
scenarios read changes: the nominations, the form and the pipeline stay as seeded.
"""

import datetime as dt
from functools import cache

from ..context import Context
from ..load import HttpRequest
from ..registry import Measurement, scenario
from .web import BARE_VIEW

PARTICIPANTS = 30
MONTHLY = 12
GROUPS = 3


@cache
def dashboard_year(cohort_slug: str) -> str:
    """Give the seeded cohort its year (once per run); return the dashboard's path."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from cohorts.models import Cohort, Library, Membership, MentoringGroup, Role
    from metlib.models import Email
    from sessions.models import Attendance, Event
    from sessions.reminders import reminder_key

    user_model = get_user_model()
    now = timezone.now()
    first = (now - dt.timedelta(days=28 * MONTHLY // 2)).replace(minute=0, second=0)
    path = reverse("circle:dashboard", kwargs={"cohort_slug": cohort_slug})
    if user_model.objects.filter(email="participant0@bench.example").exists():
        return path  # given already (``python -m bench.profile --reuse``)
    with transaction.atomic():
        cohort = Cohort.objects.get(slug=cohort_slug)
        facilitator = Membership.objects.filter(cohort=cohort, role=Role.FACILITATOR).first().user
        libraries = list(Library.objects.order_by("pk")[:PARTICIPANTS])
        people = user_model.objects.bulk_create(
            user_model(email=f"participant{i}@bench.example", display_name=f"Participant {i}")
            for i in range(PARTICIPANTS)
        )
        Membership.objects.bulk_create(
            Membership(user=p, cohort=cohort, role=Role.PARTICIPANT, library=libraries[i])
            for i, p in enumerate(people)
        )
        mentors = user_model.objects.bulk_create(
            user_model(email=f"mentor{i}@bench.example", display_name=f"Mentor {i}")
            for i in range(GROUPS)
        )
        Membership.objects.bulk_create(
            Membership(user=m, cohort=cohort, role=Role.MENTOR) for m in mentors
        )
        groups = [
            MentoringGroup.objects.create(cohort=cohort, name=f"Group {i + 1}", mentor=m)
            for i, m in enumerate(mentors)
        ]
        members = {}
        for i, group in enumerate(groups):
            members[group.pk] = people[i::GROUPS]
            group.members.set(members[group.pk])
        events = Event.objects.bulk_create(
            [
                Event(
                    cohort=cohort,
                    title=f"Monthly session {n + 1}",
                    starts_at=first + dt.timedelta(days=28 * n),
                    ends_at=first + dt.timedelta(days=28 * n, hours=2),
                )
                for n in range(MONTHLY)
            ]
            + [
                Event(
                    cohort=cohort,
                    kind=Event.Kind.MENTORING,
                    mentoring_group=group,
                    title=f"{group.name} mentoring {n + 1}",
                    starts_at=first + dt.timedelta(days=56 * n + 14),
                    ends_at=first + dt.timedelta(days=56 * n + 14, hours=1),
                )
                for group in groups
                for n in range(MONTHLY // 2)
            ]
        )
        statuses = ("present", "present", "present", "excused", "absent")
        Attendance.objects.bulk_create(
            Attendance(
                event=event,
                person=person,
                status=statuses[(i + n) % len(statuses)],
                recorded_by=facilitator,
            )
            for n, event in enumerate(events)
            if event.ends_at <= now
            for i, person in enumerate(people)
            if event.mentoring_group_id is None or person in members[event.mentoring_group_id]
        )
        upcoming = next(e for e in events if e.starts_at > now)
        Email.objects.bulk_create(
            Email(
                key=reminder_key(event=upcoming, person=p, offset=dt.timedelta(days=7)),
                to=p.email,
                subject=f"Reminder: {upcoming.title}",
                body_text="…",
                status="sent",
            )
            for p in people
        )
        Email.objects.create(
            key="bench:dashboard:failed",
            to=people[0].email,
            subject="A mail that failed",
            body_text="…",
            status="failed",
            attempts=5,
        )
    return path


# Counted afresh on every visit (issue 17: "at least 5 % of a bare view, measured uncached").
@scenario(
    "facilitator dashboard, 500 nominations, 30 participants", baseline=BARE_VIEW, target=0.05
)
def facilitator_dashboard(ctx: Context) -> Measurement:
    """The facilitator opens the cohort's dashboard."""
    request = HttpRequest(
        "GET", dashboard_year(ctx.seed.cohort_slug), cookies=ctx.seed.facilitator_cookies
    )
    ctx.check(request, contains="Attendance per participant")
    return ctx.http(request)
