"""VTIMEZONE components (RFC 5545 §3.6.5) written as yearly rules.

Calendar apps and parsers read ``RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`` far more reliably
than long RDATE lists (vobject, for one, keeps only the first RDATE of each observance and
then places May in New York at -05:00). So the clock changes of a zone are read from the
zoneinfo database for the years a calendar covers, and each kind of change (to daylight
time, back to standard time) becomes one observance with a yearly rule when every year
follows the same one. A zone without changes gets one STANDARD observance. A zone whose
changes follow no yearly rule in those years (Morocco's Ramadan, a zone that changed its
rules then) gets one observance per change, each with its own DTSTART and no RDATE: neither
vobject's reading nor icalendar's ``from_tzid`` (which drops some of Morocco's changes) is
relied on for those.

The serialised block is cached per (zone, first year, last year) in this process.
"""

import calendar
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import icalendar

FLOATING_EPOCH = datetime(1970, 1, 1)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One clock change: the UTC instant, the offsets before and after, and the name and
    kind (daylight or standard) of the time after it."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local_onset(self) -> datetime:
        """The wall-clock time at which it happens, read before the change (as DTSTART
        of an observance must be)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def transitions(zone: zoneinfo.ZoneInfo, *, first_year: int, last_year: int) -> list[Transition]:
    """Every change of UTC offset or zone name from 1 January of ``first_year`` to the end
    of ``last_year``, found day by day and then to the second by bisection."""
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)

    def state(moment: datetime) -> tuple[timedelta, str, bool]:
        local = moment.astimezone(zone)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    found: list[Transition] = []
    step = timedelta(hours=12)
    moment, current = start, state(start)
    while moment < end:
        following = min(moment + step, end)
        after = state(following)
        if after != current:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, current[0], after[0], after[1], after[2]))
        moment, current = following, after
    return found


def _byday_forms(day: date) -> tuple[str, str]:
    """The same day as "n-th weekday" and as "n-th last weekday" of its month."""
    code = WEEKDAY_CODES[day.weekday()]
    length = calendar.monthrange(day.year, day.month)[1]
    return f"{(day.day - 1) // 7 + 1}{code}", f"-{(length - day.day) // 7 + 1}{code}"


def yearly_rule(changes: Sequence[Transition]) -> dict | None:
    """An RRULE (as icalendar takes it) giving every one of ``changes`` — one a year, in
    consecutive years, at the same local time with the same offsets — or None."""
    first = changes[0]
    onsets = [change.local_onset for change in changes]
    years = [onset.year for onset in onsets]
    if years != list(range(years[0], years[0] + len(years))):
        return None
    same = all(
        (change.offset_from, change.offset_to, change.name, onset.month, onset.time())
        == (first.offset_from, first.offset_to, first.name, onsets[0].month, onsets[0].time())
        for change, onset in zip(changes, onsets, strict=True)
    )
    if not same:
        return None
    forward, backward = zip(*(_byday_forms(onset.date()) for onset in onsets), strict=True)
    for forms in (forward, backward):
        if len(set(forms)) == 1:
            return {"freq": "yearly", "bymonth": onsets[0].month, "byday": forms[0]}
    if len({onset.day for onset in onsets}) == 1:
        return {"freq": "yearly", "bymonth": onsets[0].month, "bymonthday": onsets[0].day}
    return None


def _first_instance(rule: dict, *, at: datetime) -> datetime:
    """The rule's day in 1970 at the wall-clock time of ``at``. Rules start in 1970, as the
    zones of most calendar apps do: some readers (vobject) take a zone that keeps UTC's
    offset from 2000 to 2020 for UTC itself."""
    month = rule["bymonth"]
    if "bymonthday" in rule:
        day = rule["bymonthday"]
    else:
        nth, weekday = int(rule["byday"][:-2]), WEEKDAY_CODES.index(rule["byday"][-2:])
        length = calendar.monthrange(FLOATING_EPOCH.year, month)[1]
        if nth > 0:
            first = date(FLOATING_EPOCH.year, month, 1)
            day = 1 + (weekday - first.weekday()) % 7 + (nth - 1) * 7
        else:
            last = date(FLOATING_EPOCH.year, month, length)
            day = length - (last.weekday() - weekday) % 7 + (nth + 1) * 7
    return datetime.combine(date(FLOATING_EPOCH.year, month, day), at.time())


def _observance(
    *, daylight: bool, start: datetime, offset_from: timedelta, offset_to: timedelta, name: str
) -> icalendar.cal.Component:
    component = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    component.add("dtstart", start)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    if name:
        component.add("tzname", name)
    return component


def _ruled(component: icalendar.Timezone, changes: Sequence[Transition]) -> bool:
    """Add one observance with a yearly rule per kind of change; False (and nothing added)
    when the changes follow no such rules."""
    observances = []
    for daylight in (False, True):
        kind = [change for change in changes if change.daylight is daylight]
        rule = yearly_rule(kind) if kind else None
        if rule is None:
            return False
        observance = _observance(
            daylight=daylight,
            start=_first_instance(rule, at=kind[0].local_onset),
            offset_from=kind[0].offset_from,
            offset_to=kind[0].offset_to,
            name=kind[0].name,
        )
        observance.add("rrule", rule)
        observances.append(observance)
    for observance in observances:
        component.add_component(observance)
    return True


def _listed(component: icalendar.Timezone, changes: Sequence[Transition]) -> None:
    """Add one observance per change, each only its own DTSTART."""
    for change in changes:
        component.add_component(
            _observance(
                daylight=change.daylight,
                start=change.local_onset,
                offset_from=change.offset_from,
                offset_to=change.offset_to,
                name=change.name,
            )
        )


def zone_vtimezone(zone_name: str, *, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of ``zone_name`` for moments from the start of ``first_year`` to the
    end of ``last_year``: yearly rules when its changes follow them, else listed changes."""
    zone = zoneinfo.ZoneInfo(zone_name)
    changes = transitions(zone, first_year=first_year, last_year=last_year)
    component = icalendar.Timezone()
    component.add("tzid", zone_name)
    if changes and _ruled(component, changes):
        return component
    opening = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
    offset = opening.utcoffset()
    component.add_component(
        _observance(
            daylight=bool(opening.dst()) and bool(changes),
            start=FLOATING_EPOCH if not changes else opening.replace(tzinfo=None),
            offset_from=offset,
            offset_to=offset,
            name=opening.tzname() or "",
        )
    )
    _listed(component, changes)
    return component


@lru_cache(maxsize=256)
def vtimezone_ical(zone_name: str, first_year: int, last_year: int) -> bytes:
    """The serialised VTIMEZONE of ``zone_name``, right for every moment from the start of
    ``first_year`` to the end of ``last_year`` (and, with a yearly rule, beyond). The rules
    start a year earlier, so the first events already follow an observance."""
    component = zone_vtimezone(zone_name, first_year=first_year - 1, last_year=last_year)
    return component.to_ical()
