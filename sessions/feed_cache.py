"""A calendar feed's answer kept in the cache, so that a calendar app's poll costs no query.

Calendar apps ask for every subscribed feed again and again, and nearly always nothing has
changed. What a feed answers depends only on rows that change rarely: the events of the
person's cohorts and what is shown with them (presenters, guest speakers, preparation), the
person's memberships and mentoring groups, their feed's secret and their name. Any saved change
to such a row moves one *generation* token; an answer kept under an older generation is never
used again, so the next poll rebuilds it from the database (where the ETag is computed as
before: if the person's own feed did not change, the calendar app still gets its 304).

The token moves twice for a change made in a transaction: at once, and again when the
transaction commits. A feed rebuilt in between (from data that does not show the change yet)
is kept under the middle token and so thrown away by the second move.

Changes made with ``QuerySet.update()`` or ``bulk_create()`` send no signal: code that writes
those rows in bulk calls :func:`feeds_changed` itself.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

GENERATION_KEY = "calendar:feeds:generation"
# Kept this long at most. The generation is what makes an answer stale; the time only bounds
# how long a change could be missed if the cache was unreachable when it was made.
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FeedAnswer:
    etag: str  # unquoted
    last_modified: int | None  # a Unix time, whole seconds
    body: bytes | None  # None when only the version is known


@dataclass(frozen=True)
class Lookup:
    generation: str  # the generation read: an answer built now is kept under it
    answer: FeedAnswer | None  # None when the cache does not know
    refused: bool = False  # the cache knows this person, and the secret is wrong


def _state_key(person_id: int) -> str:
    return f"calendar:feed-state:{person_id}"


def _body_key(person_id: int, language: str) -> str:
    return f"calendar:feed-body:{person_id}:{language}"


def _secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lookup(*, person_id: int, secret: str, language: str) -> Lookup:
    """What the cache knows of this feed, in one round trip."""
    state_key, body_key = _state_key(person_id), _body_key(person_id, language)
    found = cache.get_many([GENERATION_KEY, state_key, body_key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return Lookup(generation=cache.get(GENERATION_KEY, ""), answer=None)
    state = found.get(state_key)
    if state is None or state[0] != generation:
        return Lookup(generation=generation, answer=None)
    _generation, digest, etag, last_modified = state
    if not constant_time_compare(_secret_digest(secret), digest):
        return Lookup(generation=generation, answer=None, refused=True)
    body = found.get(body_key)
    kept = body[1] if body is not None and body[0] == etag else None
    return Lookup(generation=generation, answer=FeedAnswer(etag, last_modified, kept))


def remember(
    *, person_id: int, secret: str, language: str, generation: str, answer: FeedAnswer
) -> None:
    """Keep ``answer`` for the next poll, under the generation read before it was built."""
    if not generation:
        return
    entries: dict[str, tuple] = {
        _state_key(person_id): (
            generation,
            _secret_digest(secret),
            answer.etag,
            answer.last_modified,
        )
    }
    if answer.body is not None:
        entries[_body_key(person_id, language)] = (answer.etag, answer.body)
    cache.set_many(entries, KEEP_SECONDS)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache outage must not undo the change that caused this
        logger.exception("calendar feeds: the cache could not be told of a change")


def feeds_changed() -> None:
    """Every kept feed answer is stale from now on (and again once the transaction commits)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _on_save(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    feeds_changed()


def _on_user_save(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A sign-in saves last_login only: nothing a calendar shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    feeds_changed()


def _on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        feeds_changed()


def connect() -> None:
    """Listen for changes to every row a feed shows (called once, from the app's ready())."""
    from django.apps import apps

    from cohorts.models import Cohort, Membership, MentoringGroup

    from .models import CalendarFeed, Event, GuestSpeaker, PreparationItem

    rows = (Cohort, Membership, MentoringGroup, Event, GuestSpeaker, PreparationItem, CalendarFeed)
    for model in rows:
        uid = f"calendar-feeds:{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_save, sender=model, dispatch_uid=uid)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_on_user_save, sender=user_model, dispatch_uid="calendar-feeds:user")
    post_delete.connect(_on_save, sender=user_model, dispatch_uid="calendar-feeds:user")
    for through in (Event.presenters.through, MentoringGroup.members.through):
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"calendar-feeds:{through}")
