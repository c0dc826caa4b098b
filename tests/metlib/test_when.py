import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

from metlib.templatetags.metlib import _when

MOMENT = dt.datetime(2025, 3, 30, 14, 0, tzinfo=dt.UTC)  # the day Europe moves its clocks
TEMPLATE = Template('{% load metlib %}{% when moment "America/New_York" %}')


def _shown(*, language: str, zone: str) -> str:
    with translation.override(language), timezone.override(zone):
        return TEMPLATE.render(Context({"moment": MOMENT}))


def test_when_shows_the_viewer_zone_and_the_events_zone():
    assert _shown(language="en", zone="Europe/Paris") == (
        '<time datetime="2025-03-30T14:00:00+00:00">March 30, 2025, 4 p.m. '
        '<span class="tz">your time (Europe/Paris)</span></time>'
        ' <span class="also">· March 30, 2025, 10 a.m. '
        '<span class="tz">America/New_York</span></span>'
    )


def test_when_remembers_each_language_and_zone_apart():
    _when.cache_clear()
    first = {
        (language, zone): _shown(language=language, zone=zone)
        for language in ("en", "fr")
        for zone in ("Europe/Paris", "Asia/Tokyo", "America/New_York")
    }
    assert len(set(first.values())) == 6
    assert "23:00" in first[("fr", "Asia/Tokyo")]
    assert "also" not in first[("en", "America/New_York")]  # the same zone: said once
    # Remembered now, and still each its own.
    assert {key: _shown(language=key[0], zone=key[1]) for key in first} == first
    assert _when.cache_info().hits >= 6


def test_when_of_nothing_is_empty():
    assert Template("{% load metlib %}[{% when nothing %}]").render(Context({})) == "[]"
