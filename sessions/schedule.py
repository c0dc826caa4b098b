"""A cohort's schedule from a rule, and single changes to it afterwards.

The facilitator gives a rule ("the second Tuesday of each month at 09:00 America/New_York,
April 2024 to March 2025, not in August"), previews the dates it gives and creates them;
then moves, cancels or adds single events. Local times are kept across clock changes: a
09:00 New York session stays 09:00 in New York, and its UTC instant moves (13:00 in summer,
14:00 in winter).

Every creation, move and cancellation queues calendar invitations (iCalendar REQUEST /
CANCEL, see :mod:`sessions.invitations`) in the same transaction; the outbox sends them
after commit.
"""

import calendar
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cohorts.models import Cohort, MentoringGroup

from .invitations import queue_invitations
from .models import Event

UTC = zoneinfo.ZoneInfo("UTC")
MAX_MONTHS = 36  # a cohort's year, with room; longer rules are almost surely a typo
VALID_NTH = (1, 2, 3, 4, 5, -1)


class RuleProblem(ValueError):
    """A rule or a change that cannot be carried out. ``field`` names the form field to
    show the message beside (``None``: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Rule:
    """The n-th weekday of each month (``nth`` 1–5, or -1 for the last; ``weekday`` 0 is
    Monday) at ``time`` in ``zone``, from ``first_month`` to ``last_month`` (any day of
    each), except the months numbered in ``skip_months`` (1–12)."""

    nth: int
    weekday: int
    time: time
    zone: str
    first_month: date
    last_month: date
    skip_months: frozenset[int] = frozenset()
    duration: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware, in the rule's zone
    ends_at: datetime

    @property
    def local_date(self) -> date:
        return self.starts_at.date()


@dataclass(frozen=True)
class SkippedMonth:
    month: date  # the first of the month
    reason: str


class Dates(list[Occurrence]):
    """The occurrences a rule gives, in order; ``skipped`` says which months gave none and
    why (asked to skip, no fifth Tuesday, a clock change takes the time away)."""

    def __init__(self, items: Iterable[Occurrence] = (), skipped: Sequence[SkippedMonth] = ()):
        super().__init__(items)
        self.skipped: list[SkippedMonth] = list(skipped)


class Created(list[Event]):
    """The events created; ``duplicates`` the occurrences refused because an event of the
    cohort already starts then; ``overlaps`` (warnings) pairs of a new event and an
    existing one it overlaps."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[Occurrence] = []
        self.overlaps: list[tuple[Event, Event]] = []


ORDINALS = {
    1: pgettext_lazy("the n-th weekday of a month", "first"),
    2: pgettext_lazy("the n-th weekday of a month", "second"),
    3: pgettext_lazy("the n-th weekday of a month", "third"),
    4: pgettext_lazy("the n-th weekday of a month", "fourth"),
    5: pgettext_lazy("the n-th weekday of a month", "fifth"),
    -1: pgettext_lazy("the n-th weekday of a month", "last"),
}


def _months(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def nth_weekday(year: int, month: int, *, nth: int, weekday: int) -> date | None:
    """The ``nth`` ``weekday`` of the month (-1: the last), or ``None`` when there is none."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if nth <= len(days) else None


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        if name not in zoneinfo.available_timezones():
            raise zoneinfo.ZoneInfoNotFoundError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise RuleProblem(
            _("“%(zone)s” is not a time zone we know. Choose one from the list, e.g. %(example)s.")
            % {"zone": name, "example": "America/New_York"},
            field="zone",
        ) from error


def local_moment(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """``at`` on ``day`` in ``zone``, aware; ``None`` when a clock change skips that time.

    A time a clock change repeats is read as the first of the two (``fold=0``).
    """
    moment = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    back = moment.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def _check(rule: Rule) -> zoneinfo.ZoneInfo:
    if rule.nth not in VALID_NTH:
        raise RuleProblem(
            _("Choose the first to the fifth, or the last, weekday of the month."), field="nth"
        )
    if rule.weekday not in range(7):
        raise RuleProblem(_("Choose a day of the week."), field="weekday")
    zone = zone_of(rule.zone)
    if (rule.last_month.year, rule.last_month.month) < (
        rule.first_month.year,
        rule.first_month.month,
    ):
        raise RuleProblem(_("The last month comes before the first one."), field="last_month")
    if len(_months(rule.first_month, rule.last_month)) > MAX_MONTHS:
        raise RuleProblem(
            _("A schedule may cover at most %(count)d months.") % {"count": MAX_MONTHS},
            field="last_month",
        )
    if not rule.skip_months <= frozenset(range(1, 13)):
        raise RuleProblem(_("Months to skip are numbered 1 to 12."), field="skip_months")
    if rule.duration <= timedelta(0):
        raise RuleProblem(_("A session must last longer than nothing."), field="duration")
    return zone


def dates_for(rule: Rule) -> Dates:
    """Every occurrence ``rule`` gives, with the months that give none and why.

    Raises :class:`RuleProblem` for a rule that cannot give a schedule at all.
    """
    zone = _check(rule)
    months = _months(rule.first_month, rule.last_month)
    if all(month.month in rule.skip_months for month in months):
        raise RuleProblem(
            _("Every month from the first to the last is skipped: no dates are left."),
            field="skip_months",
        )
    weekday_name = WEEKDAYS[rule.weekday]
    found: list[Occurrence] = []
    skipped: list[SkippedMonth] = []
    for month in months:
        if month.month in rule.skip_months:
            skipped.append(SkippedMonth(month, _("skipped, as asked")))
            continue
        day = nth_weekday(month.year, month.month, nth=rule.nth, weekday=rule.weekday)
        if day is None:
            skipped.append(
                SkippedMonth(
                    month,
                    _("this month has no %(nth)s %(weekday)s")
                    % {"nth": ORDINALS[rule.nth], "weekday": weekday_name},
                )
            )
            continue
        starts = local_moment(day, rule.time, zone)
        if starts is None:
            skipped.append(
                SkippedMonth(
                    month,
                    _("%(time)s does not exist on %(day)s in %(zone)s: the clocks change")
                    % {"time": rule.time.strftime("%H:%M"), "day": day.isoformat(), "zone": zone},
                )
            )
            continue
        ends = (starts.astimezone(UTC) + rule.duration).astimezone(zone)
        found.append(Occurrence(starts, ends))
    if not found:
        raise RuleProblem(
            _("This rule gives no dates at all: no month from the first to the last has one.")
        )
    return Dates(found, skipped)


def title_for(pattern: str, *, number: int, occurrence: Occurrence) -> str:
    """The title of the ``number``-th event: ``{n}`` is its number, ``{month}`` its month
    ("April 2024", in the active language)."""
    try:
        return pattern.format(n=number, month=date_filter(occurrence.local_date, "F Y")).strip()
    except (KeyError, IndexError, ValueError) as error:
        raise RuleProblem(
            _("A title may hold {n} (the number) and {month} (the month), nothing else in braces."),
            field="title_pattern",
        ) from error


def _live_events(cohort: Cohort, *, since: datetime, until: datetime) -> list[Event]:
    return list(
        Event.objects.filter(cohort=cohort, starts_at__lt=until, ends_at__gt=since).exclude(
            status=Event.Status.CANCELLED
        )
    )


def overlapping(
    *, cohort: Cohort, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> list[Event]:
    """The cohort's events (not cancelled) that overlap the given time."""
    return [
        event
        for event in _live_events(cohort, since=starts_at, until=ends_at)
        if event.pk != exclude_pk
    ]


@dataclass
class Preview:
    """What creating the rule's dates would do: each occurrence with the existing events it
    duplicates (refused) or overlaps (a warning)."""

    dates: Dates
    duplicates: dict[int, Event] = field(default_factory=dict)  # index → existing event
    overlaps: dict[int, list[Event]] = field(default_factory=dict)


def preview(
    *, cohort: Cohort, rule: Rule, mentoring_group: MentoringGroup | None = None
) -> Preview:
    """What creating ``rule``'s dates would do. Only an event of the same audience (the
    same mentoring group, or none) at the same start is a duplicate; two groups may meet
    at once."""
    dates = dates_for(rule)
    result = Preview(dates)
    existing = _live_events(cohort, since=dates[0].starts_at, until=dates[-1].ends_at)
    for index, occurrence in enumerate(dates):
        for event in existing:
            same_audience = event.mentoring_group_id == (mentoring_group and mentoring_group.pk)
            if event.starts_at == occurrence.starts_at and same_audience:
                result.duplicates[index] = event
            elif event.starts_at < occurrence.ends_at and event.ends_at > occurrence.starts_at:
                result.overlaps.setdefault(index, []).append(event)
    return result


@transaction.atomic
def create_events(
    *,
    cohort: Cohort,
    rule: Rule,
    by: Any,
    title_pattern: str,
    kind: str = Event.Kind.MONTHLY,
    mentoring_group: MentoringGroup | None = None,
) -> Created:
    """Create the rule's events for ``cohort``. An occurrence at the very start of an
    existing event of the cohort is refused (so running the same rule twice creates nothing
    new); overlaps with existing events are created and reported as warnings. With
    ``mentoring_group``, the events are that group's mentoring sessions."""
    group = _group_of(cohort, mentoring_group)
    if group is not None:
        kind = Event.Kind.MENTORING
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one creator at a time
    plan = preview(cohort=cohort, rule=rule, mentoring_group=group)
    created = Created()
    titles = [
        title_for(title_pattern, number=index + 1, occurrence=occurrence)
        for index, occurrence in enumerate(plan.dates)
    ]
    for index, occurrence in enumerate(plan.dates):
        if index in plan.duplicates:
            created.duplicates.append(occurrence)
            continue
        event = Event.objects.create(
            cohort=cohort,
            kind=kind,
            mentoring_group=group,
            title=titles[index],
            starts_at=occurrence.starts_at.astimezone(UTC),
            ends_at=occurrence.ends_at.astimezone(UTC),
        )
        created.append(event)
        created.overlaps.extend((event, other) for other in plan.overlaps.get(index, []))
    if created:
        queue_invitations(events=created, change="created")
    return created


def _group_of(cohort: Cohort, group: MentoringGroup | None) -> MentoringGroup | None:
    if group is not None and group.cohort_id != cohort.pk:
        raise RuleProblem(
            _("Choose one of this cohort's mentoring groups."), field="mentoring_group"
        )
    return group


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("starts_at and ends_at must be aware")
    if ends_at <= starts_at:
        raise RuleProblem(_("The end must come after the start."), field="ends_at")


def _refuse_duplicate(
    *, cohort: Cohort, starts_at: datetime, exclude_pk: int | None, group_id: int | None = None
) -> None:
    twin = (
        Event.objects.filter(cohort=cohort, starts_at=starts_at, mentoring_group_id=group_id)
        .exclude(status=Event.Status.CANCELLED)
        .exclude(pk=exclude_pk)
        .first()
    )
    if twin is not None:
        raise RuleProblem(
            _("“%(title)s” already starts at this time.") % {"title": twin.title},
            field="starts_at",
        )


def is_past(event: Event) -> bool:
    """Whether the event has begun: changing it warns, and mails nobody unless asked."""
    return event.starts_at <= timezone.now()


@transaction.atomic
def move_event(
    *,
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    note: str = "",
    notify: bool = True,
) -> Event:
    """Move one event: status "moved", its revision (SEQUENCE) raised by one. With
    ``notify``, everyone concerned is mailed the old and new times and ``note``."""
    _check_times(starts_at, ends_at)
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise RuleProblem(_("A cancelled event cannot be moved; add a new one instead."))
    _refuse_duplicate(
        cohort=locked.cohort,
        starts_at=starts_at,
        exclude_pk=locked.pk,
        group_id=locked.mentoring_group_id,
    )
    before = (locked.starts_at, locked.ends_at)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.status = Event.Status.MOVED
    locked.sequence += 1
    locked.save(update_fields=["starts_at", "ends_at", "status", "sequence", "updated_at"])
    if notify:
        queue_invitations(events=[locked], change="moved", note=note, previous={locked.pk: before})
    event.refresh_from_db()
    return locked


@transaction.atomic
def cancel_event(*, event: Event, by: Any, note: str = "", notify: bool = True) -> Event:
    """Cancel one event: kept, with status "cancelled" and its revision raised by one; with
    ``notify``, everyone concerned gets a CANCEL and ``note``. Cancelling a cancelled event
    changes nothing."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if not locked.is_cancelled:
        locked.status = Event.Status.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        if notify:
            queue_invitations(events=[locked], change="cancelled", note=note)
    event.refresh_from_db()
    return locked


@transaction.atomic
def restore_event(*, event: Event, by: Any, note: str = "", notify: bool = True) -> Event:
    """Undo a cancellation: the event is scheduled again with its revision raised by one,
    so calendars take a new REQUEST over the CANCEL. Refused when another event of the
    cohort now starts at its time; restoring a live event changes nothing."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        _refuse_duplicate(
            cohort=locked.cohort,
            starts_at=locked.starts_at,
            exclude_pk=locked.pk,
            group_id=locked.mentoring_group_id,
        )
        locked.status = Event.Status.SCHEDULED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence", "updated_at"])
        if notify:
            queue_invitations(events=[locked], change="restored", note=note)
    event.refresh_from_db()
    return locked


@transaction.atomic
def add_event(
    *,
    cohort: Cohort,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    kind: str = Event.Kind.MONTHLY,
    time_zone: str = "",
    mentoring_group: MentoringGroup | None = None,
) -> Event:
    """Add a single event; refused when another event of the cohort starts at that time.
    ``time_zone`` is the event's own (blank: the cohort's); with ``mentoring_group`` it is
    that group's session, for the group and its mentor only."""
    _check_times(starts_at, ends_at)
    if not title.strip():
        raise RuleProblem(_("Give the event a title."), field="title")
    _refuse_duplicate(
        cohort=cohort,
        starts_at=starts_at,
        exclude_pk=None,
        group_id=mentoring_group.pk if mentoring_group is not None else None,
    )
    event = Event.objects.create(
        cohort=cohort,
        kind=Event.Kind.MENTORING if mentoring_group is not None else kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        mentoring_group=_group_of(cohort, mentoring_group),
    )
    queue_invitations(events=[event], change="created")
    return event
