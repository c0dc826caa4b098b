"""Who sees which events in their calendar, and each person's secret feed."""

import functools
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from metlib.languages import language_of

from .models import CalendarFeed, Event, GuestSpeaker, PreparationItem, new_feed_secret

logger = logging.getLogger(__name__)

COHORT_WIDE_ROLES = (Role.FACILITATOR, Role.ADVISOR)


def events_for_person(*, person: Any) -> QuerySet[Event]:
    """Events of the cohorts ``person`` belongs to. Mentoring sessions only reach their
    group's members and mentor, and the cohort's facilitators and advisors."""
    member_of = Membership.objects.filter(user=person).values("cohort_id")
    cohort_wide = Membership.objects.filter(user=person, role__in=COHORT_WIDE_ROLES).values(
        "cohort_id"
    )
    own_groups = MentoringGroup.objects.filter(Q(members=person) | Q(mentor=person)).values("pk")
    return Event.objects.filter(cohort_id__in=member_of).filter(
        Q(mentoring_group__isnull=True)
        | Q(mentoring_group_id__in=own_groups)
        | Q(cohort_id__in=cohort_wide)
    )


def with_details(events: QuerySet[Event]) -> QuerySet[Event]:
    """Everything the .ics output reads, in a fixed number of queries."""
    return events.select_related("cohort").prefetch_related(
        "presenters", "preparation", "guest_speakers"
    )


def feed_of(*, person: Any) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


def rotate_feed(*, person: Any) -> CalendarFeed:
    """A new secret: every URL handed out before answers 404 from now on."""
    feed = feed_of(person=person)
    feed.secret = new_feed_secret()
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["secret", "rotated_at"])
    return feed


# The digest of what a feed shows (PostgreSQL only; elsewhere every poll builds the feed).
# Every column of each visible event, of its cohort's slug, name and zone, of its guest
# speakers and preparation, and the presenters' names and addresses: any write to any of
# them (a save, the admin, ``QuerySet.update()``, SQL typed by hand) changes it. Which events
# are visible is in it too (their ids), so joining or leaving a cohort or a group counts.
_EVENTS_DIGEST = """
SELECT md5(coalesce(string_agg(shown.line, '|' ORDER BY shown.id), ''))
FROM (
    SELECT e.id, concat_ws('~', e::text, c.slug, c.name, c.time_zone,
        (SELECT string_agg(
            (SELECT concat_ws('~', u.id, u.display_name, u.email) FROM {users} u
             WHERE u.id = t.user_id), ',' ORDER BY t.user_id)
         FROM {presenters} t WHERE t.event_id = e.id),
        (SELECT string_agg(g::text, ',' ORDER BY g.id) FROM {guests} g WHERE g.event_id = e.id),
        (SELECT string_agg(p::text, ',' ORDER BY p.id) FROM {items} p WHERE p.event_id = e.id)
    ) AS line
    FROM {events} e JOIN {cohorts} c ON c.id = e.cohort_id
    WHERE e.id IN ({visible})
) AS shown
"""


NO_EVENTS = hashlib.md5(b"").hexdigest()  # noqa: S324 - the digest of no events, not a secret


@dataclass(frozen=True)
class FeedState:
    """A feed's owner, and what proves a kept feed current: the data version (moved by
    PostgreSQL on every write to a table feeds show, see migration 0006) or, where there is
    none, the digest of what the feed shows ("" when the database cannot say either)."""

    person: Any
    events_digest: str  # "" when the version is the kept answer's, or none can be read
    version: int | None = None


_SOMEONE = -2_000_000_001  # stands for the person's id in the SQL compiled once


def _digest_sql() -> tuple[str, tuple]:
    """The digest's SQL with the person's id as :data:`_SOMEONE` among its parameters."""
    user_model = get_user_model()
    visible, params = (
        events_for_person(person=_SOMEONE).order_by().values("pk").query.sql_with_params()
    )
    sql = _EVENTS_DIGEST.format(
        presenters=Event.presenters.through._meta.db_table,
        users=user_model._meta.db_table,
        guests=GuestSpeaker._meta.db_table,
        items=PreparationItem._meta.db_table,
        events=Event._meta.db_table,
        cohorts=Cohort._meta.db_table,
        visible=visible,
    )
    return sql, params


def _literal(value: Any) -> str:
    if value == _SOMEONE:
        return "person"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


@functools.cache
def digest_function() -> tuple[str, str]:
    """(name, CREATE statement) of a PL/pgSQL function computing the digest: PostgreSQL
    keeps its plan for the connection's life, where the query sent with each poll was
    planned every time (about as long as it ran). Its name carries a digest of its body,
    so code and database never disagree on what it covers: until ``migrate`` has made the
    function of the running code (see :func:`make_digest_function`), polls send the query."""
    sql, params = _digest_sql()
    body = sql % tuple(_literal(value) for value in params)
    name = "calendar_feed_digest_" + hashlib.sha256(body.encode()).hexdigest()[:16]
    create = (
        f"CREATE OR REPLACE FUNCTION {name}(person bigint) RETURNS text"
        f" LANGUAGE plpgsql STABLE AS $digest$ BEGIN RETURN ({body}); END $digest$"
    )
    return name, create


def make_digest_function(*, using: str = "default", **kwargs: Any) -> None:
    """Create the digest function of the running code (after ``migrate``). Those of earlier
    code stay: processes still running that code (a rolling deployment) call them."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "postgresql":
        return
    _name, create = digest_function()
    try:
        with transaction.atomic(using=using), target.cursor() as cursor:
            cursor.execute(create)
    except DatabaseError:  # say, no right to create functions: polls send the query instead
        logger.warning("the calendar feeds' digest function could not be made", exc_info=True)
    _proof_sql.cache_clear()
    _state_sql.cache_clear()


def _exists(kind: str, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {kind}(%s) IS NOT NULL", [name])
        return bool(cursor.fetchone()[0])


VERSION_SQL = "(SELECT version FROM calendar_feed_data_version WHERE id = 1)"


@functools.cache
def _proof_sql(vendor: str) -> tuple[str, str, tuple]:
    """(the data version's SQL or "", the digest's SQL, its parameters with
    :data:`_SOMEONE`), found once per process."""
    if vendor != "postgresql":
        return "", "''", ()
    version = VERSION_SQL if _exists("to_regclass", "calendar_feed_data_version") else ""
    name, _create = digest_function()
    if _exists("to_regproc", name):
        return version, f"{name}(%s)", (_SOMEONE,)
    digest, params = _digest_sql()
    return version, f"({digest})", tuple(params)


_KEPT = -2_000_000_002  # stands for the data version of the answer kept for the person


@functools.cache
def _state_sql(vendor: str) -> tuple[str, tuple, tuple]:
    """(SQL, parameters with :data:`_SOMEONE` for the person's id and :data:`_KEPT` for the
    kept answer's data version, the user's fields) of :func:`feed_state`, made once per
    process: compiling the ORM's query for every poll cost more than running it."""
    user_model = get_user_model()
    fields = tuple(user_model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    version, digest, params = _proof_sql(vendor)
    if version:  # the digest only when the version moved since the answer was kept
        proof = f"CASE WHEN {version} = %s THEN '' ELSE {digest} END, {version}"
        params = (_KEPT, *params)
    else:
        proof = f"{digest}, NULL"
    # Names from the models, the person's id as a bound parameter.
    sql = (
        f"SELECT f.secret, {proof}, {columns}"  # noqa: S608
        f" FROM {quote(CalendarFeed._meta.db_table)} f"
        f" JOIN {quote(user_model._meta.db_table)} u ON u.id = f.person_id"
        " WHERE f.person_id = %s AND u.is_active"
    )
    return sql, (*params, _SOMEONE), fields


def feed_state(*, person_id: int, secret: str, kept_version: int | None = None) -> FeedState | None:
    """The feed's owner, the data version and the digest of their events (not read when
    the version is still ``kept_version``: "" then), in one query, when the secret matches;
    else None (an unknown person, a wrong secret and a rotated one look alike)."""
    sql, template, fields = _state_sql(connection.vendor)
    stands_for = {_SOMEONE: person_id, _KEPT: -1 if kept_version is None else kept_version}
    params = [stands_for.get(v, v) if isinstance(v, int) else v for v in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        constant_time_compare(secret, new_feed_secret())  # same work either way
        return None
    feed_secret, digest, version, *values = row
    if not constant_time_compare(secret, feed_secret):
        return None
    values = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    person = get_user_model().from_db(connection.alias, [f.attname for f in fields], values)
    return FeedState(person=person, events_digest=digest or "", version=version)


def data_version() -> int | None:
    """The data version now, by one read of its single row; None where there is none
    (not PostgreSQL, or before migrate made it)."""
    version, _digest, _params = _proof_sql(connection.vendor)
    if not version:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {version}")
        return cursor.fetchone()[0]


def events_digest(*, person_id: int) -> tuple[str, int | None]:
    """(the digest of what the person's feed shows, the data version), read together."""
    version, digest, template = _proof_sql(connection.vendor)
    params = [person_id if value == _SOMEONE else value for value in template]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {digest}, {version or 'NULL'}", params)
        found, now = cursor.fetchone()
    return found or "", now


def feed_language(*, person: Any) -> str:
    """The language a person's feed is written in: their profile's while it is offered,
    else the site's. A calendar app's own Accept-Language says nothing about the person."""
    return language_of(person)
