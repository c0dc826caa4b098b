"""Who sees which events in their calendar, and each person's secret feed."""

import hashlib
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from cohorts.models import Membership, MentoringGroup, Role
from metlib.languages import language_of

from .models import CalendarFeed, Event, new_feed_secret

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


def _scalar(queryset: QuerySet, function: str, field: str, output: Field) -> Subquery:
    """``function(field)`` over the whole of ``queryset``, as a value in another query (a
    plain Func, not an aggregate: no GROUP BY)."""
    return Subquery(
        queryset.order_by()
        .annotate(v=Func(F(field), function=function, output_field=output))
        .values("v")
    )


def person_for_feed(*, person_id: int, secret: str) -> Any | None:
    """The feed's owner when the secret matches, else None (unknown and wrong look alike).
    The same query reads the owner's memberships for :func:`feed_version`. (The events'
    part stays a query of its own: as subqueries here, compiling them cost more than the
    round trip they save.)"""
    joined = Membership.objects.filter(user_id=OuterRef("person_id"))
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(person_id=person_id, person__is_active=True)
        .annotate(
            joined_last=_scalar(joined, "MAX", "created_at", DateTimeField()),
            joined_count=_scalar(joined, "COUNT", "pk", IntegerField()),
            joined_ids=_scalar(joined, "SUM", "pk", IntegerField()),
        )
        .first()
    )
    if feed is None:
        constant_time_compare(secret, new_feed_secret())  # same work either way
        return None
    if not constant_time_compare(secret, feed.secret):
        return None
    person = feed.person
    person.calendar_memberships = _version(feed.joined_last, feed.joined_count, feed.joined_ids)
    return person


def _version(*values: Any) -> tuple:
    """Counts and sums as ints (a database may give a sum as a decimal), dates as they are."""
    return tuple(v if v is None or isinstance(v, datetime) else int(v) for v in values)


def feed_language(*, person: Any) -> str:
    """The language a person's feed is written in: their profile's while it is offered,
    else the site's. A calendar app's own Accept-Language says nothing about the person."""
    return language_of(person)


def feed_version(*, person: Any) -> tuple[str, datetime | None]:
    """(ETag, Last-Modified) of the person's feed, without building it: one query for a
    person from :func:`person_for_feed`, else two.

    Any saved change to an event bumps its ``updated_at``; joining or leaving a cohort or a
    mentoring group changes the set of events, hence the count and the sums.
    """
    events = (
        events_for_person(person=person)
        .order_by()
        .aggregate(
            last=Max("updated_at"), count=Count("pk"), sequences=Sum("sequence"), ids=Sum("pk")
        )
    )
    joined = getattr(person, "calendar_memberships", None)
    if joined is None:
        mine = Membership.objects.filter(user=person).aggregate(
            last=Max("created_at"), count=Count("pk"), ids=Sum("pk")
        )
        joined = _version(*mine.values())
    version = (*_version(*events.values()), *joined)
    # The same events in another language are another calendar: another ETag.
    written_in = feed_language(person=person)
    etag = hashlib.sha256(repr((*version, written_in)).encode()).hexdigest()[:32]
    stamps = [stamp for stamp in (version[0], version[4]) if stamp]
    return etag, max(stamps) if stamps else None
