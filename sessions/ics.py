"""iCalendar (RFC 5545) output for events: one calendar per download or feed.

Times go out with a TZID in the cohort's zone and a matching VTIMEZONE written as yearly
rules (see :mod:`sessions.ics_zones`), cached per zone and span of years.
"""

import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr
from functools import lru_cache

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from metlib.validators import one_line

from .days import days_of
from .ics_zones import vtimezone_ical
from .models import Event

PRODID = "-//MetLib Circle//Calendar//EN"


def event_uid(event: Event) -> str:
    """The UID never changes for an event: its UUID alone. No host name in it (RFC 7986,
    5.3), so moving the site to a new domain never duplicates a subscribed event."""
    return str(event.uid)


CALENDAR_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _known(name: str) -> bool:
    try:
        _zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return name != "UTC"


def vtimezone(zone_name: str, *, first_year: int, last_year: int) -> bytes:
    """The serialised VTIMEZONE of ``zone_name`` for events in those years (cached)."""
    return vtimezone_ical(zone_name, first_year, last_year)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def event_link(event: Event) -> str:
    return _absolute(reverse("circle:detail", kwargs={"cohort_slug": event.cohort.slug}))


def describe(event: Event) -> str:
    """The DESCRIPTION text: the event's own text, video link, people and preparation."""
    lines: list[str] = []
    if event.is_cancelled:
        lines += [_("This event is cancelled."), ""]
    if event.description:
        lines += [event.description.strip(), ""]
    if event.video_url:
        lines.append(_("Video link: %(url)s") % {"url": event.video_url})
    if event.place:
        lines.append(_("Place: %(place)s") % {"place": event.place})
    presenters = [str(person) for person in event.presenters.all()]
    if presenters:
        lines.append(_("Presenters: %(names)s") % {"names": ", ".join(presenters)})
    guests = [
        f"{guest.name} ({guest.affiliation})" if guest.affiliation else guest.name
        for guest in event.guest_speakers.all()
    ]
    if guests:
        lines.append(_("Guest speakers: %(names)s") % {"names": ", ".join(guests)})
    items = list(event.preparation.all())
    if items:
        lines += ["", _("Preparation:")]
        for item in items:
            text = f"- {item.title}"
            if item.minutes:
                text += " " + _("(about %(minutes)s min)") % {"minutes": item.minutes}
            link = item.url or (_absolute(item.download_path) if item.file else "")
            if link:
                text += f": {link}"
            lines.append(text)
    lines += ["", _("Details: %(url)s") % {"url": event_link(event)}]
    return _multi_line("\n".join(lines).strip())


def _multi_line(text: str) -> str:
    """``text`` with line breaks as LF only (a lone CR is written raw otherwise) and no other
    control characters, whatever was stored before fields refused them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(one_line(line) for line in text.split("\n"))


def organizer() -> icalendar.vCalAddress:
    """The ORGANIZER of every invitation: the site's sending address."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    value = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        value.params["CN"] = one_line(name)
    return value


def attendee_of(person) -> icalendar.vCalAddress:
    """An ATTENDEE line for ``person``, who has not answered yet."""
    value = icalendar.vCalAddress(f"mailto:{person.email}")
    name = getattr(person, "display_name", "")
    if name:
        value.params["CN"] = one_line(name)
    value.params["ROLE"] = "REQ-PARTICIPANT"
    value.params["PARTSTAT"] = "NEEDS-ACTION"
    value.params["RSVP"] = "FALSE"
    return value


def vevent(event: Event, *, stamp, attendee=None) -> icalendar.Event:
    """One VEVENT; with ``attendee`` (a person) it carries ORGANIZER and ATTENDEE, as an
    iTIP invitation must."""
    zone = _zone(event.zone_name)
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    days = days_of(event)
    if days is None:
        component.add("dtstart", event.starts_at.astimezone(zone))
        component.add("dtend", event.ends_at.astimezone(zone))
    else:  # the same hours each day (see sessions.days)
        component.add("dtstart", days.first_start)
        component.add("dtend", days.first_end)
        component.add("rrule", {"FREQ": "DAILY", "COUNT": days.count})
    component.add("sequence", event.sequence)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    title = event.title
    if event.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
    component.add("summary", one_line(title))
    location = event.place or event.video_url
    if location:
        component.add("location", one_line(location))
    component.add("url", event_link(event))
    component.add("description", describe(event))
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    if event.is_cancelled:
        component.add("transp", "TRANSPARENT")
    if attendee is not None:
        component.add("organizer", organizer())
        component.add("attendee", attendee_of(attendee))
    return component


def calendar_for(
    *,
    events: Iterable[Event],
    zone_name: str,
    method: str | None = None,
    name: str = "",
    attendee=None,
    stamp: datetime | None = None,
) -> bytes:
    """Serialise ``events`` as one VCALENDAR.

    ``zone_name`` is the calendar's default zone (X-WR-TIMEZONE); every event is written in
    its own cohort's zone, and one VTIMEZONE goes in per zone used. ``attendee`` (a person,
    for invitations) adds ORGANIZER and ATTENDEE to each event. ``stamp`` is the DTSTAMP
    (now when not given).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", one_line(name or _("MetLib Circle")))
    cal.add("x-wr-timezone", zone_name)
    stamp = stamp or timezone.now()
    years: dict[str, set[int]] = {zone_name: set()}
    components = []
    for event in events:
        zone = event.zone_name
        years.setdefault(zone, set()).update(
            (
                event.starts_at.astimezone(_zone(zone)).year,
                event.ends_at.astimezone(_zone(zone)).year,
            )
        )
        components.append(vevent(event, stamp=stamp, attendee=attendee))
    every_year = set().union(*years.values()) or {stamp.year}
    # The blocks are cached bytes: spliced in, not parsed and serialised again.
    blocks = [
        vtimezone(zone, first_year=min(span or every_year), last_year=max(span or every_year))
        for zone, span in sorted(years.items())
        if _known(zone)
    ]
    head = cal.to_ical().removesuffix(CALENDAR_END)
    return b"".join([head, *blocks, *(c.to_ical() for c in components), CALENDAR_END])
