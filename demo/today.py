"""The two cohorts of the demo that live relative to the day it is loaded.

Beside the finished 2024–25 cohort (:mod:`demo.people`), the demo loads a cohort in the
middle of its year and one whose call for nominations is open, so a first look always finds
something to do. Their dates are worked out here from "today" in the cohort's zone:

- **the running cohort** started on the first of the month four months before its next
  monthly session, which is 2 to 6 days away on a Tuesday, Wednesday or Thursday; its twelve
  monthly sessions follow the rule that gives that day ("the second Wednesday of each month at
  09:00 New York"), through :func:`sessions.schedule.dates_for`, the calendar's own rule code;
- **the open cohort**'s call opened three weeks ago and closes in five weeks; its year starts
  the month after the running one ends.

Each cohort is found again by its stable key (the creation token of its first demo
nomination) before its slug, so a load on a later day moves the same cohort to its new dates
and slug instead of adding another beside it.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cohorts.models import Cohort, Membership, Programme, Role, Theme
from metlib.models import User
from sessions.schedule import Dates, Rule, dates_for

from .data import read
from .people import COHORT_ZONE, FACILITATOR_EMAIL, load_account

MONTHLY_TIME = dt.time(9, 0)  # in New York, as the 2024 call's meetings
NEXT_SESSION_DAYS = range(2, 7)  # the next monthly session is this many days away
SESSION_WEEKDAYS = (1, 2, 3)  # Tuesday to Thursday
PAST_SESSIONS = 4  # monthly sessions the running cohort has had before the next one
MONTHS = 12
CALL_OPENED_DAYS_AGO = 21
DEADLINE_IN_DAYS = 35
ANNOUNCED_DAYS_AFTER_DEADLINE = 4

TEMPLATE = read("call-template")
MEMBERS = read("cohorts")


@dataclass(frozen=True)
class DemoYear:
    """One cohort's dates: its year, its call and (for the running one) its sessions' rule."""

    key: str  # "running" or "open"
    slug: str
    name: str
    programme_start: dt.date
    programme_end: dt.date
    nominations_open_at: dt.datetime
    nominations_deadline: dt.datetime
    announcement_date: dt.date
    rule: Rule | None = None

    @property
    def published_at(self) -> dt.datetime:
        """When the selection was published: the announcement day, 09:00 in the cohort's zone."""
        return dt.datetime.combine(self.announcement_date, dt.time(9, 0), tzinfo=COHORT_ZONE)


def today() -> dt.date:
    """Today in the demo cohorts' zone."""
    return timezone.now().astimezone(COHORT_ZONE).date()


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _name(start: dt.date, end: dt.date) -> str:
    years = str(start.year) if start.year == end.year else f"{start.year}–{end.year % 100:02}"
    return f"MetLib Learning Circle {years}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=COHORT_ZONE)


def next_session_day(on: dt.date) -> dt.date:
    """The running cohort's next monthly session: the first Tuesday to Thursday 2 to 6 days
    after ``on`` (five days in a row always hold one)."""
    return next(
        day
        for day in (on + dt.timedelta(days=ahead) for ahead in NEXT_SESSION_DAYS)
        if day.weekday() in SESSION_WEEKDAYS
    )


def running_year(on: dt.date) -> DemoYear:
    """The cohort in the middle of its year on ``on``."""
    session = next_session_day(on)
    nth = (session.day - 1) // 7 + 1
    start = _add_months(session, -PAST_SESSIONS)
    end = _add_months(start, MONTHS) - dt.timedelta(days=1)
    rule = Rule(
        nth=-1 if nth == 5 else nth,  # not every month has a fifth Tuesday; every one a last
        weekday=session.weekday(),
        time=MONTHLY_TIME,
        zone=COHORT_ZONE.key,
        first_month=start,
        last_month=end,
    )
    deadline = start - dt.timedelta(days=45)
    return DemoYear(
        key="running",
        slug=f"metlib-{start.year}",
        name=_name(start, end),
        programme_start=start,
        programme_end=end,
        nominations_open_at=_at(deadline - dt.timedelta(days=38), 9),
        nominations_deadline=_at(deadline, 23, 59),
        announcement_date=deadline + dt.timedelta(days=ANNOUNCED_DAYS_AFTER_DEADLINE),
        rule=rule,
    )


def open_year(on: dt.date) -> DemoYear:
    """The cohort whose call is open on ``on``: its year starts after the running one's."""
    start = running_year(on).programme_end + dt.timedelta(days=1)
    end = _add_months(start, MONTHS) - dt.timedelta(days=1)
    deadline = on + dt.timedelta(days=DEADLINE_IN_DAYS)
    return DemoYear(
        key="open",
        slug=f"metlib-{start.year}",
        name=_name(start, end),
        programme_start=start,
        programme_end=end,
        nominations_open_at=_at(on - dt.timedelta(days=CALL_OPENED_DAYS_AGO), 9),
        nominations_deadline=_at(deadline, 23, 59),
        announcement_date=deadline + dt.timedelta(days=ANNOUNCED_DAYS_AFTER_DEADLINE),
    )


def monthly_dates(year: DemoYear) -> Dates:
    """The running cohort's twelve monthly sessions, by the calendar's own rule code."""
    assert year.rule is not None
    return dates_for(year.rule)


def load_year(*, year: DemoYear, programme: Programme, anchor: uuid.UUID) -> Cohort:
    """Create or update the cohort of ``year``: found by ``anchor`` (the creation token of
    one of its demo nominations), else by its slug."""
    cohort = (
        Cohort.objects.filter(nominations__creation_token=anchor).first()
        or Cohort.objects.filter(slug=year.slug).first()
        or Cohort(slug=year.slug)
    )
    fields: dict[str, Any] = {
        "programme": programme,
        "slug": year.slug,
        "name": year.name,
        "time_zone": COHORT_ZONE.key,
        "nominations_open_at": year.nominations_open_at,
        "nominations_deadline": year.nominations_deadline,
        "announcement_date": year.announcement_date,
        "programme_start": year.programme_start,
        "programme_end": year.programme_end,
        "capacity_min": 10,
        "capacity_max": 15,
        "stipends_available": 3,
    }
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save()
    for position, name in enumerate(TEMPLATE["themes"], start=1):
        Theme.objects.update_or_create(cohort=cohort, name=name, defaults={"position": position})
    return cohort


def load_members(*, cohort: Cohort, key: str) -> dict[str, list[User]]:
    """The cohort's facilitator, advisors and mentors (demo/data/cohorts.toml), by role."""
    for person in MEMBERS["person"]:
        load_account(**person)
    wanted = {
        Role.FACILITATOR: [FACILITATOR_EMAIL],
        Role.ADVISOR: MEMBERS[key]["advisors"],
        Role.MENTOR: MEMBERS[key]["mentors"],
    }
    members: dict[str, list[User]] = {}
    for role, emails in wanted.items():
        members[role] = []
        for email in emails:
            user = User.objects.get(email=email)
            Membership.objects.get_or_create(user=user, cohort=cohort, role=role)
            members[role].append(user)
    # A person taken off the list in the data file leaves the cohort on the next load.
    Membership.objects.filter(cohort=cohort, role__in=list(wanted)).exclude(
        user__email__in=[email for emails in wanted.values() for email in emails],
    ).exclude(role=Role.PARTICIPANT).delete()
    return members
