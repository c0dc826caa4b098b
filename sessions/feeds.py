"""Who sees which events in their calendar, and each person's secret feed."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from metlib.languages import language_of

from .models import CalendarFeed, Event, GuestSpeaker, PreparationItem, new_feed_secret

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
        (SELECT string_agg(concat_ws('~', u.id, u.display_name, u.email), ',' ORDER BY u.id)
         FROM {presenters} t JOIN {users} u ON u.id = t.user_id WHERE t.event_id = e.id),
        (SELECT string_agg(g::text, ',' ORDER BY g.id) FROM {guests} g WHERE g.event_id = e.id),
        (SELECT string_agg(p::text, ',' ORDER BY p.id) FROM {items} p WHERE p.event_id = e.id)
    ) AS line
    FROM {events} e JOIN {cohorts} c ON c.id = e.cohort_id
    WHERE e.id IN ({visible})
) AS shown
"""


@dataclass(frozen=True)
class FeedState:
    """A feed's owner, and a digest of what their feed shows ("" when the database cannot
    say, and the feed must be built to know)."""

    person: Any
    events_digest: str


def _events_digest(person_id: int) -> RawSQL | None:
    if connection.vendor != "postgresql":
        return None
    visible, params = (
        events_for_person(person=person_id).order_by().values("pk").query.sql_with_params()
    )
    sql = _EVENTS_DIGEST.format(
        presenters=Event.presenters.through._meta.db_table,
        users=get_user_model()._meta.db_table,
        guests=GuestSpeaker._meta.db_table,
        items=PreparationItem._meta.db_table,
        events=Event._meta.db_table,
        cohorts=Cohort._meta.db_table,
        visible=visible,
    )
    # Table names from the models, the person's id as a bound parameter.
    return RawSQL(sql, params, output_field=CharField())  # noqa: S611


def feed_state(*, person_id: int, secret: str) -> FeedState | None:
    """The feed's owner and the digest of their events, in one query, when the secret
    matches; else None (an unknown person, a wrong secret and a rotated one look alike)."""
    feeds = CalendarFeed.objects.select_related("person").filter(
        person_id=person_id, person__is_active=True
    )
    digest = _events_digest(person_id)
    if digest is not None:
        feeds = feeds.annotate(events_digest=digest)
    feed = feeds.first()
    if feed is None:
        constant_time_compare(secret, new_feed_secret())  # same work either way
        return None
    if not constant_time_compare(secret, feed.secret):
        return None
    return FeedState(person=feed.person, events_digest=getattr(feed, "events_digest", ""))


def feed_language(*, person: Any) -> str:
    """The language a person's feed is written in: their profile's while it is offered,
    else the site's. A calendar app's own Accept-Language says nothing about the person."""
    return language_of(person)
