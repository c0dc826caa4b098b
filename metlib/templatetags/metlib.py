"""Template helpers the layout and every app use."""

import html
import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

register = template.Library()
UTC = zoneinfo.ZoneInfo("UTC")


@register.simple_tag
def when(moment: datetime | None, zone_name: str = "") -> str:
    """A moment in the viewer's zone, with the given zone beside it when the two differ.

    Renders a ``<time>`` element whose ``datetime`` is the UTC instant, for machines. The
    markup depends only on the moment, the zones and the language, and pages show the same
    moments over and over (an event's start on every schedule, a cohort's deadline), so the
    process formats each once (:func:`_when`).
    """
    if not moment:  # None, or a variable the page does not have
        return ""
    return _when(moment, zone_name, timezone.get_current_timezone_name(), get_language())


@receiver(setting_changed)
def _forget_formatted(**_kwargs: Any) -> None:
    """Formats, zones or languages may differ after a setting changes (tests)."""
    _when.cache_clear()
    _language_options.cache_clear()


@lru_cache(maxsize=4096)
def _when(moment: datetime, zone_name: str, viewer_name: str, language: str | None) -> str:
    """:func:`when`'s markup, built with f-strings and ``html.escape`` (what ``format_html``
    gave, without its lazy wrappers). ``viewer_name`` and ``language`` are the active zone's
    and language's: in the arguments so that each pair has its own remembered markup."""
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


@register.simple_tag
def language_options() -> str:
    """The ``<option>`` of each language offered, by its own name, the active one selected:
    the footer's language form on every page, remembered per active language."""
    return _language_options(get_language())


@lru_cache(maxsize=64)
def _language_options(current: str | None) -> str:
    return mark_safe(  # noqa: S308 - every text in it is escaped
        "".join(
            f'<option value="{html.escape(code)}"{" selected" if code == current else ""}>'
            f"{html.escape(get_language_info(code)['name_local'])}</option>"
            for code, _name in settings.LANGUAGES
        )
    )
