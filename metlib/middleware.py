"""Activates each person's own time zone and language for the request."""

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .languages import is_offered

TIME_ZONE_COOKIE = "tz"


def browser_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The zone the visitor's browser reported (static/js/timezone.js writes it URL-encoded,
    "America%2FLos_Angeles"), or None."""
    return _zone_or_none(unquote(request.COOKIES.get(TIME_ZONE_COOKIE, "")))


def _zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class UserPreferencesMiddleware:
    """A signed-in person's profile decides; a visitor's browser zone (a cookie) otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        previous_language = translation.get_language()
        if user.is_authenticated:
            zone = _zone_or_none(user.time_zone)
            # A language no longer offered (its catalogue incomplete) leaves the browser's.
            if is_offered(user.language):
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            zone = browser_zone(request)
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        finally:
            # The thread serves other people next: leave it as it was found.
            timezone.deactivate()
            translation.activate(previous_language)


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: a Content-Security-Policy without inline script
    or style, and a Permissions-Policy that turns off what no page here uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}" for directive, sources in settings.CSP.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")
)
