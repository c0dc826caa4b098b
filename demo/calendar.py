"""The demo cohort's calendar: the 2024 call's timeline as events, and its mentoring groups.

The dates are the "Initial Timeline of the Learning Circle" of the 2024 MetLib call: ten
monthly meetings (no meeting in the August break), the MetLib Conference 6–10 October 2024
in Barcelona with the learning circle's one-day workshop, and group mentoring in May,
September and February. Every row is keyed on a natural key (events on a deterministic
``uid``, mentoring groups on their name) and written with ``update_or_create``, so loading
it twice leaves exactly the rows that loading it once did.
"""

import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cohorts.models import Cohort, Membership, MentoringGroup, Role, Theme
from sessions.models import Attendance, Event
from sessions.presenters import participants_of, suggest_presenters
from sessions.schedule import Occurrence, nth_weekday, title_for

from .people import THEMES

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
UTC = zoneinfo.ZoneInfo("UTC")

# A link on a reserved example domain: it looks like a video room and reaches nobody.
DEMO_VIDEO_URL = "https://video.example/metlib-2024"

# The monthly meetings of the call's timeline (day/month), one theme each in the call's order.
MONTHLY_DATES = (
    date(2024, 4, 9),
    date(2024, 5, 14),
    date(2024, 6, 11),
    date(2024, 7, 9),
    date(2024, 9, 10),
    date(2024, 11, 12),
    date(2024, 12, 10),
    date(2025, 1, 14),
    date(2025, 2, 11),
    date(2025, 3, 4),
)
MONTHLY_TIME = time(9, 0)  # in New York; 13:00 UTC in summer, 14:00 UTC in winter
MONTHLY_LENGTH = timedelta(hours=2)

CONFERENCE_PLACE = "Barcelona, Spain"

# Group mentoring: one session per group in each of these months (year, month), on the
# second Thursday at 15:00 UTC for an hour.
MENTORING_MONTHS = ((2024, 5), (2024, 9), (2025, 2))
MENTORING_TIME = time(15, 0)
MENTORING_LENGTH = timedelta(hours=1)
THURSDAY = 3
GROUP_NAMES = ("Mentoring group A", "Mentoring group B", "Mentoring group C")


def demo_uid(cohort: Cohort, name: str) -> uuid.UUID:
    """The same calendar id for the same demo event every time the demo is loaded."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"metlib-demo:{cohort.slug}:{name}")


def demo_uid_for(key: str, name: str) -> uuid.UUID:
    """The same calendar id for the same event of a cohort that moves with the day."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"metlib-demo:{key}:{name}")


def _event(cohort: Cohort, name: str, *, key: str = "", **fields: object) -> Event:
    """Create or update one demo event; ``key`` (a cohort's stable demo key, see
    :mod:`demo.today`) names it in place of the cohort's slug, which moves with the day."""
    event, _created = Event.objects.update_or_create(
        uid=demo_uid_for(key, name) if key else demo_uid(cohort, name),
        defaults={"cohort": cohort, "status": Event.Status.SCHEDULED, **fields},
    )
    return event


def load_mentoring_groups(*, cohort: Cohort) -> list[MentoringGroup]:
    """Three groups, one per demo mentor, with the cohort's participants dealt round-robin
    in order of their user id (so the same person lands in the same group every time)."""
    mentors = [
        m.user
        for m in Membership.objects.filter(cohort=cohort, role=Role.MENTOR)
        .select_related("user")
        .order_by("user_id")
    ][: len(GROUP_NAMES)]
    participants = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    groups = []
    for index, (name, mentor) in enumerate(zip(GROUP_NAMES, mentors, strict=False)):
        group, _created = MentoringGroup.objects.update_or_create(
            cohort=cohort, name=name, defaults={"mentor": mentor}
        )
        group.members.set(participants[index :: len(mentors)])
        groups.append(group)
    return groups


def load_calendar(*, cohort: Cohort) -> list[Event]:
    """Create or update the demo cohort's events and mentoring groups; safe to run again.

    The rows are written directly rather than through :func:`sessions.schedule.create_events`
    on purpose: that function queues calendar invitations (Email rows) for every member, and
    a demo must not queue mail to its invented people each time it is loaded. The events get
    deterministic ``uid``\\ s, so a re-load updates the same rows instead of adding new ones.
    Run it after the selection is loaded: the mentoring groups take the cohort's participants.
    """
    themes = {theme.name: theme for theme in Theme.objects.filter(cohort=cohort)}
    events = []
    for number, (day, theme_name) in enumerate(zip(MONTHLY_DATES, THEMES, strict=True), start=1):
        starts_at = datetime.combine(day, MONTHLY_TIME, tzinfo=NEW_YORK)
        events.append(
            _event(
                cohort,
                f"monthly-{number}",
                kind=Event.Kind.MONTHLY,
                title=f"Monthly session: {theme_name}",
                theme=themes.get(theme_name),
                starts_at=starts_at,
                ends_at=starts_at + MONTHLY_LENGTH,
                video_url=DEMO_VIDEO_URL,
                place="",
                mentoring_group=None,
            )
        )

    events.append(
        _event(
            cohort,
            "conference",
            kind=Event.Kind.CONFERENCE,
            title="MetLib Conference 2024",
            theme=None,
            starts_at=datetime(2024, 10, 6, 9, 0, tzinfo=MADRID),
            ends_at=datetime(2024, 10, 10, 17, 0, tzinfo=MADRID),
            video_url="",
            place=CONFERENCE_PLACE,
            time_zone=MADRID.key,
            mentoring_group=None,
        )
    )
    events.append(
        _event(
            cohort,
            "conference-workshop",
            kind=Event.Kind.WORKSHOP,
            title="Learning circle workshop at the MetLib Conference",
            theme=None,
            starts_at=datetime(2024, 10, 7, 10, 0, tzinfo=MADRID),
            ends_at=datetime(2024, 10, 7, 16, 0, tzinfo=MADRID),
            video_url="",
            place=CONFERENCE_PLACE,
            time_zone=MADRID.key,
            mentoring_group=None,
        )
    )

    for group_number, group in enumerate(load_mentoring_groups(cohort=cohort), start=1):
        for year, month in MENTORING_MONTHS:
            day = nth_weekday(year, month, nth=2, weekday=THURSDAY)
            assert day is not None  # every month has a second Thursday
            starts_at = datetime.combine(day, MENTORING_TIME, tzinfo=UTC)
            events.append(
                _event(
                    cohort,
                    f"mentoring-{group_number}-{year}-{month:02}",
                    kind=Event.Kind.MENTORING,
                    title=f"Group mentoring: {group.name}",
                    theme=None,
                    mentoring_group=group,
                    starts_at=starts_at,
                    ends_at=starts_at + MENTORING_LENGTH,
                    video_url=DEMO_VIDEO_URL,
                    place="",
                )
            )
    return events


# --- The running cohort's calendar (demo.today) ------------------------------------------------

# Group mentoring in these months of the year (0: the first), on the second Monday, so never on
# the day of a monthly session (Tuesday to Thursday).
RUNNING_MENTORING_MONTHS = (1, 4, 7, 10)
MONDAY = 0
PRESENTERS_PER_SESSION = 2


@dataclass(frozen=True)
class RunningCalendar:
    """What :func:`load_running_calendar` loaded, for the command to report."""

    events: list[Event]
    groups: list[MentoringGroup]
    next_session: Event
    presented: int  # monthly sessions with presenters, up to the next one
    marks: int  # attendance marks of the past events


def _month(first: date, months: int) -> tuple[int, int]:
    index = first.year * 12 + first.month - 1 + months
    return index // 12, index % 12 + 1


def load_running_events(*, cohort: Cohort, key: str, dates: Sequence[Occurrence]) -> list[Event]:
    """The monthly sessions the rule gives and each mentoring group's sessions."""
    themes = list(Theme.objects.filter(cohort=cohort).order_by("position"))
    events = [
        _event(
            cohort,
            f"monthly-{number}",
            key=key,
            kind=Event.Kind.MONTHLY,
            title=title_for("Monthly session {n}, {month}", number=number, occurrence=occurrence),
            theme=themes[number - 1] if number <= len(themes) else None,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            video_url=DEMO_VIDEO_URL,
            place="",
            mentoring_group=None,
        )
        for number, occurrence in enumerate(dates, start=1)
    ]
    for group_number, group in enumerate(load_mentoring_groups(cohort=cohort), start=1):
        for months in RUNNING_MENTORING_MONTHS:
            year, month = _month(cohort.programme_start, months)
            day = nth_weekday(year, month, nth=2, weekday=MONDAY)
            assert day is not None  # every month has a second Monday
            starts_at = datetime.combine(day, MENTORING_TIME, tzinfo=UTC)
            events.append(
                _event(
                    cohort,
                    f"mentoring-{group_number}-{months}",
                    key=key,
                    kind=Event.Kind.MENTORING,
                    title=f"Group mentoring: {group.name}",
                    theme=None,
                    mentoring_group=group,
                    starts_at=starts_at,
                    ends_at=starts_at + MENTORING_LENGTH,
                    video_url=DEMO_VIDEO_URL,
                    place="",
                )
            )
    return events


def load_presenters(*, cohort: Cohort, now: datetime) -> tuple[Event, int]:
    """Presenters for every monthly session up to the next one: the past ones in turn, in the
    presenters page's order, the next one as :func:`sessions.presenters.suggest_presenters`
    suggests; none yet for the later ones. Written directly: assigning through
    :func:`sessions.presenters.set_presenters` mails an updated invitation to each presenter.
    Returns the next session and how many sessions have presenters."""
    sessions = list(
        Event.objects.filter(cohort=cohort, kind=Event.Kind.MONTHLY).order_by("starts_at", "pk")
    )
    past = [event for event in sessions if event.starts_at <= now]
    upcoming, later = sessions[len(past)], sessions[len(past) + 1 :]
    people = participants_of(cohort)
    # set() changes only what differs, so a second load keeps the same rows.
    for turn, event in enumerate(past):
        first = turn * PRESENTERS_PER_SESSION
        event.presenters.set(
            [people[(first + i) % len(people)] for i in range(PRESENTERS_PER_SESSION)]
        )
    for event in later:
        event.presenters.set([])
    # The suggestion keeps the next session's presenters when a load made it before.
    suggestion = suggest_presenters(cohort=cohort, per_session=PRESENTERS_PER_SESSION)
    upcoming.presenters.set(suggestion[upcoming.pk])
    return upcoming, len(past) + 1


def _running_status(position: int, number: int) -> str:
    """A fixed pattern: most present, now and then one absent or excused."""
    if (position * 5 + number * 3) % 17 == 0:
        return Attendance.Status.ABSENT
    if (position * 7 + number) % 13 == 4:
        return Attendance.Status.EXCUSED
    return Attendance.Status.PRESENT


def load_attendance_so_far(*, cohort: Cohort, facilitator: Any, now: datetime) -> int:
    """Attendance marked for every event that is over; none for the rest (a load on an
    earlier day may have marked some that are now ahead)."""
    events = list(Event.objects.filter(cohort=cohort).order_by("starts_at", "pk"))
    Attendance.objects.filter(event__in=[e for e in events if e.ends_at > now]).delete()
    people = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    members = {
        group.pk: set(group.members.values_list("pk", flat=True))
        for group in MentoringGroup.objects.filter(cohort=cohort)
    }
    marks = [
        Attendance(
            event=event,
            person_id=person_id,
            status=_running_status(position, number),
            recorded_by=facilitator,
        )
        for number, event in enumerate(e for e in events if e.ends_at <= now)
        for position, person_id in enumerate(people)
        if event.mentoring_group_id is None or person_id in members[event.mentoring_group_id]
    ]
    Attendance.objects.bulk_create(
        marks,
        update_conflicts=True,
        unique_fields=["event", "person"],
        update_fields=["status", "recorded_by"],
    )
    return len(marks)


def load_running_calendar(
    *, cohort: Cohort, key: str, dates: Sequence[Occurrence], facilitator: Any
) -> RunningCalendar:
    """The running cohort's year so far: its events, mentoring groups, presenters up to the
    next session and attendance of the past ones. No invitation or reminder is queued; the
    reminders of the next session are due, for the reminder scan to find. Safe to run again.
    Run it after the cohort's selection: the groups and presenters take its participants."""
    now = timezone.now()
    events = load_running_events(cohort=cohort, key=key, dates=dates)
    upcoming, presented = load_presenters(cohort=cohort, now=now)
    return RunningCalendar(
        events=events,
        groups=list(MentoringGroup.objects.filter(cohort=cohort).order_by("name")),
        next_session=upcoming,
        presented=presented,
        marks=load_attendance_so_far(cohort=cohort, facilitator=facilitator, now=now),
    )
