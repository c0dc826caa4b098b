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
from datetime import date, datetime, time, timedelta

from cohorts.models import Cohort, Membership, MentoringGroup, Role, Theme
from sessions.models import Event
from sessions.schedule import nth_weekday

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


def _event(cohort: Cohort, name: str, **fields: object) -> Event:
    event, _created = Event.objects.update_or_create(
        uid=demo_uid(cohort, name),
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
