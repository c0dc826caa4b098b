"""Calendar downloads: the secret subscription feed, one event's .ics, the subscribe page."""

import hashlib
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_http_methods, require_safe

from metlib.validators import one_line

from . import feed_cache
from .feeds import (
    NO_EVENTS,
    data_version,
    events_for_person,
    feed_language,
    feed_of,
    feed_state,
    rotate_feed,
    with_details,
)
from .ics import CALENDAR_END, calendar_for

ICS_TYPE = "text/calendar; charset=utf-8"


def _not_found() -> HttpResponse:
    """The same empty answer for an unknown person, a wrong secret or a rotated one."""
    return HttpResponseNotFound(b"", content_type="text/plain; charset=utf-8")


NAME_PLACEHOLDER = "X-METLIB-CALNAME-PLACEHOLDER"


def _name_line(name: str) -> bytes:
    """The calendar's X-WR-CALNAME line for ``name``, folded and escaped as in the body."""
    cal = icalendar.Calendar()
    cal.add("x-wr-calname", one_line(name))
    return cal.to_ical().removeprefix(b"BEGIN:VCALENDAR\r\n").removesuffix(CALENDAR_END)


PLACEHOLDER_LINE = _name_line(NAME_PLACEHOLDER)


def _events_block(person, language: str) -> bytes:
    """The calendar of ``person``'s events with a placeholder for their name, built from
    the database in a fixed number of queries."""
    events = list(with_details(events_for_person(person=person)))
    zone = events[0].cohort.time_zone if events else (person.time_zone or settings.TIME_ZONE)
    # DTSTAMP from the data, not the clock: the same rows give the same bytes, hence the same
    # ETag, even when nothing could be kept.
    stamp = max((event.updated_at for event in events), default=None)
    with override(language):
        return calendar_for(
            events=events, zone_name=zone, method="PUBLISH", name=NAME_PLACEHOLDER, stamp=stamp
        )


def _block_zone(person, events_digest: str) -> str:
    """What the block's zone depends on beyond the events digest: nothing when there are
    events (the first one's cohort's zone is in the digest), the person's zone otherwise."""
    return "" if events_digest != NO_EVENTS else (person.time_zone or settings.TIME_ZONE)


def _body(block: bytes, person, language: str) -> bytes:
    with override(language):
        name = _("MetLib Circle — %(name)s") % {"name": person}
    return block.replace(PLACEHOLDER_LINE, _name_line(name), 1)


def _etag(body: bytes, language: str) -> str:
    """The validator: a digest of the body and of the language it is written in."""
    return hashlib.sha256(language.encode() + b"\0" + body).hexdigest()[:32]


def _kept_response(
    request: HttpRequest, *, kept: feed_cache.Answer, secret: str
) -> HttpResponse | None:
    """The kept answer, when the poll's address has the secret it was kept with and the data
    version is still the one it was kept with (nothing a feed shows, the secret, the owner's
    name, language or activity included, was written since); else None."""
    if kept.version is None or not constant_time_compare(
        feed_cache.secret_digest(secret), kept.secret_digest
    ):
        return None  # a wrong or new secret: the database decides
    if data_version() != kept.version:
        return None
    return _send(request, body=kept.body, etag=kept.etag, language=kept.language)


def _send(request: HttpRequest, *, body: bytes, etag: str, language: str) -> HttpResponse:
    """The feed's answer: 304 when the poll holds ``etag``, else ``body``."""
    quoted = quote_etag(etag)
    response = get_conditional_response(request, etag=quoted)
    if response is None:
        response = HttpResponse(body, content_type=ICS_TYPE)
        response["Content-Disposition"] = 'inline; filename="metlib-circle.ics"'
    response["ETag"] = quoted
    # The owner's language, not the calendar app's: the body is written in it.
    response["Content-Language"] = language
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def feed(request: HttpRequest, person_id: int, secret: str) -> HttpResponse:
    """A person's calendar (GET and HEAD). The answer kept for this person
    (:mod:`.feed_cache`) is sent when the data version proves it current (one small query);
    else one query reads the owner, the data version and, when the version moved since the
    answer was kept, the digest of every row the calendar shows; what the cache keeps under
    that digest answers the poll, else the calendar is built from the database. No
    Last-Modified: a date cannot follow a change that touched no timestamp (a bulk update),
    a digest can."""
    # What is kept for this person first (by the id in the address; nothing is answered
    # before the secret is checked).
    can_keep = settings.CACHE_SHARED and connection.vendor == "postgresql"
    kept = None
    if can_keep:
        answer_key = feed_cache.answer_key(person_id=person_id)
        kept = feed_cache.lookup([answer_key]).get(answer_key)
        if not isinstance(kept, feed_cache.Answer):
            kept = None
        if kept is not None and (response := _kept_response(request, kept=kept, secret=secret)):
            return response
    state = feed_state(
        person_id=person_id, secret=secret, kept_version=kept.version if kept else None
    )
    if state is None:
        return _not_found()
    person = state.person
    language = feed_language(person=person)
    name = str(person)
    digest, version = state.events_digest, state.version
    if not digest and kept is not None and version is not None and kept.version == version:
        digest = kept.events_digest  # nothing a feed shows was written since it was kept
    keeping = can_keep and feed_cache.enabled(digest)
    body = None
    if keeping:
        block_key = feed_cache.block_key(
            events_digest=digest, language=language, zone=_block_zone(person, digest)
        )
        made_of = (block_key, name)
        if kept is not None and (kept.events_digest, kept.made_of) == (digest, made_of):
            body, etag = kept.body, kept.etag  # the same block and name: the same bytes
    fresh: dict[str, object] = {}
    if body is None:
        block = feed_cache.lookup([block_key]).get(block_key) if keeping else None
        if block is None:
            block = _events_block(person, language)
            if keeping:
                fresh[block_key] = block
        body = _body(block, person, language)
        etag = _etag(body, language)
    if keeping:
        answer = feed_cache.Answer(
            version=version,
            events_digest=digest,
            made_of=made_of,
            etag=etag,
            secret_digest=feed_cache.secret_digest(secret),
            language=language,
            body=body,
        )
        if answer != kept:
            fresh[answer_key] = answer
    if fresh:
        feed_cache.keep(fresh)
    return _send(request, body=body, etag=etag, language=language)


@require_safe
@login_required
def event_ics(request: HttpRequest, uid) -> HttpResponse:
    event = with_details(events_for_person(person=request.user)).filter(uid=uid).first()
    if event is None:
        raise Http404
    body = calendar_for(
        events=[event], zone_name=event.zone_name, method="PUBLISH", name=event.title
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
