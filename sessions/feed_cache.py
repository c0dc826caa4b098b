"""Calendar feeds kept in the cache, used only when the database proves them current.

Calendar apps ask for every subscribed feed again and again and trust what they hold for
days, so a feed's answer must be right or absent. Its validator (the ETag) is a digest of the
body it is sent with, and of the language that body is written in: the two cannot disagree.

What is kept is addressed by what it was built from, never retired by a signal:

- the *events block* (the calendar with every event, its zones, presenters, guests and
  preparation, and a placeholder for the owner's name) under a digest of the rows it shows
  (:func:`sessions.feeds.feed_state` reads it from PostgreSQL with the owner, in the poll's
  one query), the language, the zone, the site's address and the running release. Everyone
  who sees the same events in the same language shares one block, so after a change to a
  cohort's event the first poll builds it and every other member's first poll only puts
  their name in;
- each person's *answer* (:class:`Answer`): the body ready to send and its ETag, with the
  events digest and the block key and name it was built from, the owner's language, a
  digest of the feed's secret, and the data version read with that digest. A poll whose
  address matches the kept secret reads the data version alone (PostgreSQL moves it, in the
  writing transaction, on any write to a table feeds show: the secret, the owner's name,
  language and activity included); the same number sends the kept answer, in one round trip
  to the cache and one small query. A poll that reads another number reads the owner and
  the digest, and answers 304 without building anything when the digest did not change for
  this person.

A change anywhere (a save, the admin, ``QuerySet.update()``, a change made while the cache was
down) changes the digest the next poll reads, so nothing kept before is asked for again; a
change to one cohort leaves every other cohort's feeds as they are. When the digest cannot be
read (not PostgreSQL) or the cache cannot be reached, every poll builds the feed from the
database, and its ETag, a digest of the body, still gives 304 when nothing changed.
"""

import functools
import hashlib
from typing import NamedTuple

from django.conf import settings

from metlib.generations import keep_many, read_many
from metlib.release import release


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def block_key(*, events_digest: str, language: str, zone: str) -> str:
    return "calendar:feed-block:" + _digest(
        events_digest, language, zone, settings.SITE_URL, release()
    )


def answer_key(*, person_id: int) -> str:
    """Where a person's answer is kept (see :class:`Answer`). The key carries what the
    answer depends on beyond the database: the site's address, the running release, the
    languages offered and the site's language and zone, so that a poll that finds it needs
    nothing else than the data version to know it is current."""
    return f"calendar:feed-answer:{_settings_digest()}:{person_id}"


def _settings_digest() -> str:
    languages = tuple(code for code, _name in settings.LANGUAGES)
    return _digest_of(settings.SITE_URL, settings.LANGUAGE_CODE, languages, settings.TIME_ZONE)


@functools.lru_cache(maxsize=8)
def _digest_of(*made_of: object) -> str:
    return _digest(*made_of, release())[:16]


class Answer(NamedTuple):
    """A person's answer as kept: everything a poll needs once the data version proves it
    current, the body ready to send."""

    version: int | None  # the data version read with the events digest
    events_digest: str
    made_of: tuple[str, str]  # (block key, the owner's name): what else the body is built of
    etag: str  # unquoted
    secret_digest: str  # of the feed's secret then (a new secret moves the data version)
    language: str
    body: bytes


def secret_digest(secret: str) -> str:
    """What is kept of a feed's secret: its digest, enough to check a poll's address."""
    return hashlib.sha256(secret.encode()).hexdigest()


def enabled(events_digest: str) -> bool:
    """Whether anything may be kept: only in a cache all processes share, and only with the
    database's digest to prove it current."""
    return bool(events_digest) and settings.CACHE_SHARED


def lookup(keys: list[str]) -> dict[str, object]:
    """What the cache holds under ``keys`` (blocks: bytes; a person's ETag: its text,
    unquoted), in one round trip."""
    return read_many(keys)


def keep(entries: dict[str, object]) -> None:
    keep_many(entries)
