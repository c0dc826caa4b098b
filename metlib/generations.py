"""Generation tokens: one cache key that says "everything kept before now is stale".

A page or answer that depends on many rows is kept in the cache with the token that was
current when it was built; it is used only while the token is unchanged. Any saved change to
one of those rows moves the token: at once, and again when the transaction commits. Something
rebuilt in between (from data that does not show the change yet) is kept under the middle token
and so retired by the second move.

Changes made with ``QuerySet.update()`` or ``bulk_create()`` send no signal: code that writes
such rows in bulk calls :meth:`Generation.move` itself.

This is the one way the site keeps rendered answers: something kept records the token it was
built under and is used only while that token is still the current one. The blank nomination
form (``nominations.form_page``) and the facilitator's dashboard (``circle.dashboard_views``,
one generation per cohort, moved by its actions, and kept only briefly because its counts
change with every nomination) read their token from the cache (a :class:`Generation`). The
calendar feeds (``sessions.feed_cache``), which calendar apps trust for days, take theirs
from the database itself: a data version its triggers move on every write to what feeds
show, read with each poll, and a digest of every row the feed shows, read when the version
moved, so that no write (a bulk update, the admin, a change made while the cache was
unreachable) can leave a kept feed looking current.

The cache is a help, never a need: when it cannot be reached, :func:`read_many` finds
nothing and :func:`keep_many` keeps nothing (both log it), and every page is built from
PostgreSQL, slower but right.
"""

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property

from .release import release

logger = logging.getLogger(__name__)

# How long anything is kept at most. The token is what makes it stale; the time only bounds how
# long a change could be missed if the cache was unreachable when it was made.
KEEP_SECONDS = 24 * 60 * 60


def read_many(keys: list[str]) -> dict[str, Any]:
    """What the cache holds under ``keys``, in one round trip; nothing when it cannot be
    reached."""
    try:
        return cache.get_many(keys)
    except Exception:  # an outage makes pages slower, never broken
        logger.warning("the cache could not be read: answering from the database", exc_info=True)
        return {}


def keep_many(entries: dict[str, Any], seconds: int = KEEP_SECONDS) -> None:
    """Keep ``entries`` for at most ``seconds``; nothing when the cache cannot be reached."""
    try:
        cache.set_many(entries, seconds)
    except Exception:
        logger.warning("the cache could not keep %d entries", len(entries), exc_info=True)


class Generation:
    """One generation token. Its cache key carries the running release
    (:func:`metlib.release.release`): new code starts a new generation."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Generation({self.name!r})"

    @cached_property
    def key(self) -> str:
        return f"{self.name}:{release()}"

    @property
    def enabled(self) -> bool:
        """Whether anything may be kept: only in a cache all processes share."""
        return settings.CACHE_SHARED

    def current(self, found: dict[str, Any] | None = None) -> str:
        """The token now (from ``found``, a ``cache.get_many`` answer that asked for it, to
        save a round trip). A cache that lost the key starts a new generation. Empty when
        nothing may be kept."""
        if not self.enabled:
            return ""
        try:
            token = found.get(self.key) if found is not None else cache.get(self.key)
            if token is None:
                cache.add(self.key, uuid.uuid4().hex, None)
                token = cache.get(self.key, "")
        except Exception:  # unreachable: nothing kept is used, nothing built is kept
            logger.warning("%s: the cache could not be read", self.name, exc_info=True)
            return ""
        return token

    def read(self, keys: list[str]) -> tuple[str, dict[str, Any]]:
        """(the token now, what the cache holds under ``keys``) in one round trip; ("", {})
        when nothing may be kept."""
        if not self.enabled:
            return "", {}
        found = read_many([self.key, *keys])
        if self.key not in found:  # a lost token, or a cache that cannot be reached
            return self.current(), {}
        return self.current(found), found

    def keep(self, entries: dict[str, Any], *, token: str, seconds: int = KEEP_SECONDS) -> None:
        """Keep ``entries`` (each of which records ``token``) for at most ``seconds``; nothing
        without a token."""
        if token:
            keep_many(entries, seconds)

    def _new(self) -> None:
        if not self.enabled:
            return
        try:
            cache.set(self.key, uuid.uuid4().hex, None)
        except Exception:  # a cache outage must not undo the change that caused this
            logger.exception("%s: the cache could not be told of a change", self.name)

    def move(self) -> None:
        """Everything kept so far is stale from now on (and again once the transaction
        commits)."""
        self._new()
        transaction.on_commit(self._new)

    def follow(
        self,
        models_: Iterable[type[models.Model]],
        *,
        many_to_many: Iterable[type[models.Model]] = (),
        ignore_fields: frozenset[str] = frozenset(),
    ) -> None:
        """Move on every save or delete of these models, and every change of these
        many-to-many tables; a save that wrote only ``ignore_fields`` does not count."""

        def saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
            if update_fields is not None and set(update_fields) <= ignore_fields:
                return
            self.move()

        def deleted(sender: Any, **kwargs: Any) -> None:
            self.move()

        def linked(sender: Any, action: str, **kwargs: Any) -> None:
            if action.startswith("post_"):
                self.move()

        for model in models_:
            uid = f"{self.name}:{model._meta.label}"
            post_save.connect(saved, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)
        for through in many_to_many:
            uid = f"{self.name}:{through._meta.label}"
            m2m_changed.connect(linked, sender=through, weak=False, dispatch_uid=uid)
