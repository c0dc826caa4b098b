"""Attendance in a minute (issue 16): the facilitator's attendance pages at 180 participants
x 11 sessions, each at least 5 % of a bare view (the grid of 2,000 drop-downs it replaced ran
at 0.32 %).

The 180 x 11 year is a cohort of its own, made the first time one of these scenarios runs
(not in ``bench/seed.py``), with the seeded facilitator as its facilitator; nothing the other
scenarios read changes. Register the module in ``scenarios/__init__.py`` to run it.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

from ..context import Context, ScenarioFailed
from ..load import HttpRequest
from ..registry import Measurement, scenario
from .web import BARE_VIEW

COHORT_SLUG = "bench-attendance"
PARTICIPANTS = 180
SESSIONS = 11


@dataclass(frozen=True)
class AttendanceSeed:
    list_path: str  # the sessions with their counts
    sheet_path: str  # one past session's sheet, one line a participant


@cache
def attendance_year() -> AttendanceSeed:
    """180 participants and 11 monthly sessions, the first ten past with every mark recorded
    (a fifth excused or absent), the last one to come (made once per run, in bulk)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from cohorts.models import Membership, Role
    from sessions.models import Attendance, Event
    from tests import factories

    user_model = get_user_model()
    kwargs = {"cohort_slug": COHORT_SLUG}
    made = Event.objects.filter(cohort__slug=COHORT_SLUG).order_by("starts_at", "pk").first()
    if made is not None:  # `python -m bench.profile --reuse` after a bench run
        return AttendanceSeed(
            list_path=reverse("calendar:attendance", kwargs=kwargs),
            sheet_path=reverse("calendar:attendance_session", kwargs={**kwargs, "pk": made.pk}),
        )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    first = now - dt.timedelta(days=28 * (SESSIONS - 1))
    with transaction.atomic():
        cohort = factories.CohortFactory(slug=COHORT_SLUG, name="Bench Attendance Circle")
        facilitator = user_model.objects.get(email="facilitator@bench.example")
        Membership.objects.create(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
        people = user_model.objects.bulk_create(
            user_model(email=f"attendance{i}@bench.example", display_name=f"Participant {i}")
            for i in range(PARTICIPANTS)
        )
        Membership.objects.bulk_create(
            Membership(user=person, cohort=cohort, role=Role.PARTICIPANT) for person in people
        )
        events = Event.objects.bulk_create(
            Event(
                cohort=cohort,
                title=f"Monthly session {n + 1}",
                starts_at=first + dt.timedelta(days=28 * n) - dt.timedelta(hours=3),
                ends_at=first + dt.timedelta(days=28 * n) - dt.timedelta(hours=1),
            )
            for n in range(SESSIONS)
        )
        statuses = ("present", "present", "present", "present", "excused", "present", "absent")
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
        )
    return AttendanceSeed(
        list_path=reverse("calendar:attendance", kwargs=kwargs),
        sheet_path=reverse("calendar:attendance_session", kwargs={**kwargs, "pk": events[0].pk}),
    )


@scenario(f"attendance sessions, {PARTICIPANTS} x {SESSIONS}", baseline=BARE_VIEW, target=0.05)
def attendance_list(ctx: Context) -> Measurement:
    """The facilitator opens the attendance page: each session with its counts."""
    request = HttpRequest("GET", attendance_year().list_path, cookies=ctx.seed.facilitator_cookies)
    answer = ctx.check(request, contains="Monthly session 11")
    if answer.body.count("Monthly session") < SESSIONS:
        raise ScenarioFailed("the attendance page does not list every session")
    return ctx.http(request)


@scenario(
    f"attendance sheet of one session, {PARTICIPANTS} participants",
    baseline=BARE_VIEW,
    target=0.05,
)
def attendance_sheet(ctx: Context) -> Measurement:
    """The facilitator opens one session's sheet: one line a participant."""
    request = HttpRequest("GET", attendance_year().sheet_path, cookies=ctx.seed.facilitator_cookies)
    answer = ctx.check(request, contains="Participant 179")
    if answer.body.count('<select name="mark-') != PARTICIPANTS:
        raise ScenarioFailed("the sheet does not have one line a participant")
    return ctx.http(request)
