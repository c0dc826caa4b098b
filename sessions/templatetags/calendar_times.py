"""When an event takes place, as the calendar pages show it: in the viewer's zone, then in
the event's own zone and its cohort's where they read differently; by days for an event of
several days (see :mod:`sessions.days`)."""

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from ..days import when_text

register = template.Library()


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@register.simple_tag
def event_when(event) -> str:
    viewer = timezone.get_current_timezone()
    viewer_name = timezone.get_current_timezone_name()
    own = event.zone
    shown = when_text(event.starts_at, event.ends_at, own=own, shown=viewer)
    others = []
    for name in dict.fromkeys((event.zone_name, event.cohort.time_zone)):
        zone = _zone(name)
        if zone is None or name == viewer_name:
            continue
        text = when_text(event.starts_at, event.ends_at, own=own, shown=zone)
        if text != shown and text not in (other for other, _name in others):
            others.append((text, name))
    return format_html(
        '<time datetime="{}">{}</time> <span class="tz">{}</span>{}',
        event.starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
        shown,
        _("your time (%(zone)s)") % {"zone": viewer_name},
        format_html_join("", ' <span class="also">· {} <span class="tz">{}</span></span>', others),
    )
