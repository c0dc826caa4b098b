"""A calendar feed's answer kept in the cache, so that a calendar app's poll costs no query.

Calendar apps ask for every subscribed feed again and again, and nearly always nothing has
changed. What a feed answers depends only on rows that change rarely: the events of the
person's cohorts and what is shown with them (presenters, guest speakers, preparation), the
person's memberships and mentoring groups, their feed's secret and their name. A saved change
to any of them moves the :data:`FEEDS` generation (:mod:`metlib.generations`); an answer kept
under an older one is not used again, so the next poll reads the database (where the ETag is
computed as before: if the person's own feed did not change, the calendar app still gets 304).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare

from metlib.generations import Generation

FEEDS = Generation("calendar:feeds:generation")


@dataclass(frozen=True)
class FeedAnswer:
    etag: str  # unquoted
    last_modified: int | None  # a Unix time, whole seconds
    body: bytes | None  # None when only the version is known
    language: str = ""  # the language the feed is written in (its Content-Language)


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
    generation, found = FEEDS.read([state_key, body_key])
    state = found.get(state_key)
    if state is None or state[0] != generation or len(state) != 5:
        return Lookup(generation=generation, answer=None)
    _generation, digest, etag, last_modified, written_in = state
    if not constant_time_compare(_secret_digest(secret), digest):
        return Lookup(generation=generation, answer=None, refused=True)
    body = found.get(body_key)
    kept = body[1] if body is not None and body[0] == etag else None
    return Lookup(generation=generation, answer=FeedAnswer(etag, last_modified, kept, written_in))


def remember(
    *, person_id: int, secret: str, language: str, generation: str, answer: FeedAnswer
) -> None:
    """Keep ``answer`` for the next poll, under the generation read before it was built."""
    entries: dict[str, tuple] = {
        _state_key(person_id): (
            generation,
            _secret_digest(secret),
            answer.etag,
            answer.last_modified,
            answer.language,
        )
    }
    if answer.body is not None:
        entries[_body_key(person_id, language)] = (answer.etag, answer.body)
    FEEDS.keep(entries, token=generation)


def follow_changes() -> None:
    """Move :data:`FEEDS` on every change a feed shows (called once, from the app's ready())."""
    from django.apps import apps

    from cohorts.models import Cohort, Membership, MentoringGroup

    from .models import CalendarFeed, Event, GuestSpeaker, PreparationItem

    FEEDS.follow(
        (Cohort, Membership, MentoringGroup, Event, GuestSpeaker, PreparationItem, CalendarFeed),
        many_to_many=(Event.presenters.through, MentoringGroup.members.through),
    )
    # A sign-in saves last_login only: nothing a calendar shows.
    FEEDS.follow(
        (apps.get_model(settings.AUTH_USER_MODEL),), ignore_fields=frozenset({"last_login"})
    )
