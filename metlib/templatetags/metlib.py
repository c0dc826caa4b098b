"""Template helpers the layout and every app use."""

import zoneinfo
from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def when(moment: datetime | None, zone_name: str = "") -> str:
    """A moment in the viewer's zone, with the given zone beside it when the two differ.

    Renders a ``<time>`` element whose ``datetime`` is the UTC instant, for machines.
    """
    if moment is None:
        return ""
    viewer_zone = timezone.get_current_timezone()
    local = timezone.localtime(moment, viewer_zone)
    shown = format_html(
        '<time datetime="{}">{} <span class="tz">{}</span></time>',
        moment.astimezone(zoneinfo.ZoneInfo("UTC")).isoformat(),
        date_filter(local, "DATETIME_FORMAT"),
        _("your time (%(zone)s)") % {"zone": timezone.get_current_timezone_name()},
    )
    if zone_name and zone_name != timezone.get_current_timezone_name():
        other = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
        if other.utcoffset() != local.utcoffset():
            return format_html(
                '{} <span class="also">· {} <span class="tz">{}</span></span>',
                shown,
                date_filter(other, "DATETIME_FORMAT"),
                zone_name,
            )
    return shown
