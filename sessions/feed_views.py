"""Calendar downloads: the secret subscription feed, one event's .ics, the subscribe page."""

from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import feed_cache
from .feed_cache import FeedAnswer
from .feeds import (
    events_for_person,
    feed_language,
    feed_of,
    feed_version,
    person_for_feed,
    rotate_feed,
    with_details,
)
from .ics import calendar_for

ICS_TYPE = "text/calendar; charset=utf-8"


def _not_found() -> HttpResponse:
    """The same empty answer for an unknown person, a wrong secret or a rotated one."""
    return HttpResponseNotFound(b"", content_type="text/plain; charset=utf-8")


def _feed_body(person, language: str) -> bytes:
    events = list(with_details(events_for_person(person=person)))
    zone = events[0].cohort.time_zone if events else (person.time_zone or settings.TIME_ZONE)
    with override(language):
        return calendar_for(
            events=events,
            zone_name=zone,
            method="PUBLISH",
            name=_("MetLib Circle — %(name)s") % {"name": person},
        )


def _version_of(person) -> FeedAnswer:
    etag, last_modified = feed_version(person=person)
    stamp = int(last_modified.timestamp()) if last_modified else None
    return FeedAnswer(
        etag=etag, last_modified=stamp, body=None, language=feed_language(person=person)
    )


@require_GET
def feed(request: HttpRequest, person_id: int, secret: str) -> HttpResponse:
    """A person's calendar. While nothing behind it has changed, the answer comes from the
    cache (:mod:`sessions.feed_cache`); otherwise the version is read from the database, and
    the calendar is built only when the app does not hold that version already (no 304)."""
    language = get_language()
    known = feed_cache.lookup(person_id=person_id, secret=secret, language=language)
    if known.refused:
        return _not_found()
    answer, person = known.answer, None
    if answer is None:
        person = person_for_feed(person_id=person_id, secret=secret)
        if person is None:
            return _not_found()
        answer = _version_of(person)
    etag = quote_etag(answer.etag)
    response = get_conditional_response(request, etag=etag, last_modified=answer.last_modified)
    if response is None:
        if answer.body is None:
            person = person or person_for_feed(person_id=person_id, secret=secret)
            if person is None:
                return _not_found()
            answer = replace(answer, body=_feed_body(person, answer.language))
        response = HttpResponse(answer.body, content_type=ICS_TYPE)
        response["Content-Disposition"] = 'inline; filename="metlib-circle.ics"'
    if answer is not known.answer:
        feed_cache.remember(
            person_id=person_id,
            secret=secret,
            language=language,
            generation=known.generation,
            answer=answer,
        )
    response["ETag"] = etag
    # The owner's language, not the calendar app's: the body is written in it.
    response["Content-Language"] = answer.language
    if answer.last_modified is not None:
        response["Last-Modified"] = http_date(answer.last_modified)
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@login_required
def event_ics(request: HttpRequest, uid) -> HttpResponse:
    event = with_details(events_for_person(person=request.user)).filter(uid=uid).first()
    if event is None:
        raise Http404
    body = calendar_for(
        events=[event], zone_name=event.cohort.time_zone, method="PUBLISH", name=event.title
    )
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="event-{event.uid}.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


def feed_urls(feed_obj) -> tuple[str, str]:
    """(https URL, webcal URL) of a feed."""
    path = reverse(
        "feeds:feed", kwargs={"person_id": feed_obj.person_id, "secret": feed_obj.secret}
    )
    https_url = f"{settings.SITE_URL}{path}"
    parts = urlsplit(https_url)
    webcal_url = f"webcal://{parts.netloc}{parts.path}"
    return https_url, webcal_url


@require_http_methods(["GET", "POST"])
@login_required
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        rotate_feed(person=request.user)
        messages.success(
            request,
            _("Your calendar address has changed. Subscriptions with the old one stop working."),
        )
        return redirect("feeds:subscribe")
    https_url, webcal_url = feed_urls(feed_of(person=request.user))
    return render(
        request,
        "calendar/feed_subscribe.html",
        {"https_url": https_url, "webcal_url": webcal_url},
    )
