"""Events that last several days (the five-day conference): the same hours on each day.

An event is "by days" when, in its own zone, it ends on a later day at a later time of day
than it starts (09:00 on Monday to 17:00 on Friday: five days of 09:00–17:00). An overnight
event (20:00 to 02:00) is not. Calendar files write it as one VEVENT of the first day's
hours repeated daily (RRULE FREQ=DAILY;COUNT=n): every calendar app then shows each day with
its hours, in the reader's zone, and the event keeps one UID, so a move, a cancellation or an
invitation still concerns one event. All-day entries would lose the hours, and their dates
are floating: a reader far from Barcelona would see the wrong days.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event


@dataclass(frozen=True)
class Days:
    first_start: datetime  # the first day's start and end, in the zone asked
    first_end: datetime
    last_day: date  # the day the last day starts, in the zone asked
    count: int


def days_between(
    starts_at: datetime, ends_at: datetime, *, own: ZoneInfo, shown: ZoneInfo | None = None
) -> Days | None:
    """``starts_at`` to ``ends_at`` as days in the zone ``own`` (None for a single stretch of
    time); the dates and hours given are those of ``shown`` (default: ``own``)."""
    starts = timezone.localtime(starts_at, own)
    ends = timezone.localtime(ends_at, own)
    count = (ends.date() - starts.date()).days + 1
    if count < 2 or ends.time() <= starts.time():
        return None
    first_end = datetime.combine(starts.date(), ends.time(), tzinfo=own)
    shown = shown or own
    return Days(
        first_start=timezone.localtime(starts_at, shown),
        first_end=timezone.localtime(first_end, shown),
        # The day the last day starts on, as read in ``shown``.
        last_day=timezone.localtime(
            datetime.combine(ends.date(), starts.time(), tzinfo=own), shown
        ).date(),
        count=count,
    )


def days_of(event: Event, zone: ZoneInfo | None = None) -> Days | None:
    """The event as days in its own zone (see :func:`days_between`)."""
    return days_between(event.starts_at, event.ends_at, own=event.zone, shown=zone)


def when_text(starts_at: datetime, ends_at: datetime, *, own: ZoneInfo, shown: ZoneInfo) -> str:
    """Start and end as read in ``shown``: "March 5, 2024, 9 a.m. – 11 a.m.", or for an
    event by days "October 6, 2024 to October 10, 2024, 9 a.m. – 5 p.m. each day"."""
    days = days_between(starts_at, ends_at, own=own, shown=shown)
    if days is not None:
        return _("%(first)s to %(last)s, %(starts)s – %(ends)s each day") % {
            "first": date_filter(days.first_start, "DATE_FORMAT"),
            "last": date_filter(days.last_day, "DATE_FORMAT"),
            "starts": date_filter(days.first_start, "TIME_FORMAT"),
            "ends": date_filter(days.first_end, "TIME_FORMAT"),
        }
    starts = timezone.localtime(starts_at, shown)
    ends = timezone.localtime(ends_at, shown)
    end_format = "TIME_FORMAT" if starts.date() == ends.date() else "DATETIME_FORMAT"
    return f"{date_filter(starts, 'DATETIME_FORMAT')} – {date_filter(ends, end_format)}"
