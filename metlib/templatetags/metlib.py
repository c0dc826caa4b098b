"""Template helpers the layout and every app use."""

import html
import zoneinfo
from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()
UTC = zoneinfo.ZoneInfo("UTC")


@register.simple_tag(takes_context=True)
def when(context: template.Context, moment: datetime | None, zone_name: str = "") -> str:
    """A moment in the viewer's zone, with the given zone beside it when the two differ.

    Renders a ``<time>`` element whose ``datetime`` is the UTC instant, for machines. A page
    often shows one moment several times (an event in the next events and as its group's next
    session): each distinct moment is formatted once per request.
    """
    if moment is None:
        return ""
    viewer_name = timezone.get_current_timezone_name()
    request = context.get("request")
    if request is None:
        return _when(moment, zone_name, viewer_name)
    formatted: dict[tuple[Any, ...], str] = request.__dict__.setdefault("_metlib_when", {})
    key = (moment, zone_name, viewer_name, get_language())
    if key not in formatted:
        formatted[key] = _when(moment, zone_name, viewer_name)
    return formatted[key]


def _when(moment: datetime, zone_name: str, viewer_name: str) -> str:
    """:func:`when`'s markup, built with f-strings and ``html.escape`` (what ``format_html``
    gave, without its lazy wrappers)."""
    viewer_zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, viewer_zone)
    shown = (
        f'<time datetime="{moment.astimezone(UTC).isoformat()}">'
        f"{html.escape(date_filter(local, 'DATETIME_FORMAT'))} "
        f'<span class="tz">{html.escape(_("your time (%(zone)s)") % {"zone": viewer_name})}'
        "</span></time>"
    )
    if zone_name and zone_name != viewer_name:
        other = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
        if other.utcoffset() != local.utcoffset():
            shown += (
                f' <span class="also">· {html.escape(date_filter(other, "DATETIME_FORMAT"))} '
                f'<span class="tz">{html.escape(zone_name)}</span></span>'
            )
    return mark_safe(shown)  # noqa: S308 - every text in it is escaped
