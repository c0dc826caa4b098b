"""Calendar changes by email: iTIP REQUEST for new and moved events, CANCEL for cancelled
ones, so each calendar updates the same entry (same UID, higher SEQUENCE).

Each person chooses how the calendar reaches them (:class:`CalendarDelivery`): the
subscription (feed), invitations by mail, or both. Invitations are one event per message,
as RFC 6047 and the mail apps that act on them expect; everyone is also told of each change
in one readable mail (see :func:`queue_invitations`). Mails go through the outbox: queued in
the caller's transaction, sent by Celery after commit, each under a key that a retry finds.
"""

import hashlib
import zoneinfo
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.defaultfilters import slugify
from django.urls import reverse
from django.utils import translation

from cohorts.models import Membership, MentoringGroup
from metlib.languages import language_of
from metlib.outbox import Attachment, queue_emails, queued_keys, templated_email

from .days import when_text
from .feeds import COHORT_WIDE_ROLES, with_details
from .ics import calendar_for, event_link, event_uid
from .models import CalendarDelivery, CalendarFeed, Event

CHANGES = ("created", "moved", "cancelled", "updated", "restored")
# Who, besides the group and its mentor, hears of mentoring sessions: the same people whose
# feeds show them, so an invitation never names an event missing from someone's calendar.
MENTORING_ROLES = COHORT_WIDE_ROLES


def people_concerned(events: Iterable[Event]) -> dict[Any, list[Event]]:
    """Each active person concerned by ``events`` → their events, in the given order.

    Cohort-wide events concern every member of the cohort (participants, facilitators,
    advisors, mentors); a mentoring session only its group's members and mentor, and the
    cohort's facilitators.
    """
    events = list(events)
    cohort_ids = {event.cohort_id for event in events}
    group_ids = {event.mentoring_group_id for event in events if event.mentoring_group_id}
    memberships = (
        Membership.objects.filter(cohort_id__in=cohort_ids, user__is_active=True)
        .select_related("user")
        .order_by("user__email", "pk")
    )
    everyone: dict[int, dict[int, Any]] = {cohort_id: {} for cohort_id in cohort_ids}
    mentoring: dict[int, dict[int, Any]] = {cohort_id: {} for cohort_id in cohort_ids}
    for membership in memberships:
        everyone[membership.cohort_id][membership.user_id] = membership.user
        if membership.role in MENTORING_ROLES:
            mentoring[membership.cohort_id][membership.user_id] = membership.user
    groups = {
        group.pk: group
        for group in MentoringGroup.objects.filter(pk__in=group_ids)
        .select_related("mentor")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=get_user_model().objects.filter(is_active=True),
            )
        )
    }
    people: dict[int, Any] = {}
    concerned: dict[int, list[Event]] = {}
    for event in events:
        if event.mentoring_group_id:
            group = groups[event.mentoring_group_id]
            reached = dict(mentoring[event.cohort_id])
            if group.mentor.is_active:
                reached[group.mentor.pk] = group.mentor
            reached.update({member.pk: member for member in group.members.all()})
        else:
            reached = everyone[event.cohort_id]
        for pk, person in reached.items():
            people.setdefault(pk, person)
            concerned.setdefault(pk, []).append(event)
    return {people[pk]: concerned[pk] for pk in sorted(concerned)}


def _digest(events: Sequence[Event], change: str) -> str:
    state = sorted((str(event.uid), event.sequence, change) for event in events)
    return hashlib.sha256(repr(state).encode()).hexdigest()


def invitation_key(*, person: Any, events: Sequence[Event], change: str) -> str:
    """The outbox key of an invitation: the same person, event, revision and change give the
    same key, so a retry never sends it twice and a later change (higher SEQUENCE) does."""
    return f"invitation:{person.pk}:{_digest(events, change)}"


def notice_key(*, person: Any, events: Sequence[Event], change: str) -> str:
    """The outbox key of the readable mail that lists a change's events."""
    return f"calendar-notice:{person.pk}:{_digest(events, change)}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _when(event: Event, zone_name: str, times: tuple[datetime, datetime] | None = None) -> str:
    starts_at, ends_at = times or (event.starts_at, event.ends_at)
    text = when_text(starts_at, ends_at, own=event.zone, shown=_zone(zone_name))
    return f"{text} ({zone_name})"


def _listing(
    person: Any, events: Sequence[Event], previous: Mapping[int, tuple[datetime, datetime]]
) -> list[dict[str, Any]]:
    own_zone = getattr(person, "time_zone", "") or "UTC"
    items = []
    for event in events:
        # The event's own zone (the conference's city) and its cohort's, beside the reader's.
        others = dict.fromkeys(z for z in (event.zone_name, event.cohort.time_zone) if z)
        others.pop(own_zone, None)
        before = previous.get(event.pk)
        items.append(
            {
                "event": event,
                "title": event.title,
                "when": _when(event, own_zone),
                "when_cohort": " · ".join(_when(event, zone) for zone in others),
                "was": _when(event, own_zone, before) if before else "",
                "place": event.place,
                "video_url": event.video_url,
                "link": event_link(event),
            }
        )
    return items


def _calendar(person: Any, event: Event, *, method: str) -> str:
    return calendar_for(
        events=[event],
        zone_name=event.zone_name,
        method=method,
        name=event.cohort.name,
        attendee=person,
    ).decode()


def _attachment(event: Event, calendar: str, *, method: str) -> Attachment:
    """The same invitation as a file, for mail apps that only offer attachments. Not
    ``text/calendar``: a second calendar part would make some apps show two invitations."""
    prefix = "cancel" if method == "CANCEL" else "invite"
    return Attachment(
        filename=f"{prefix}-{slugify(event.title)[:40] or 'event'}.ics",
        content=calendar,
        mimetype="application/ics",
    )


def wants_invitations(people: Iterable[Any]) -> set[int]:
    """Ids of those of ``people`` who chose invitations by mail (alone or with the feed)."""
    return set(
        CalendarDelivery.objects.filter(
            person__in=list(people),
            choice__in=[CalendarDelivery.Choice.INVITATIONS, CalendarDelivery.Choice.BOTH],
        ).values_list("person_id", flat=True)
    )


def _feed_addresses(people: Sequence[Any]) -> dict[int, str]:
    """Each person's subscription address (webcal), their feed made if they had none."""
    feeds = {feed.person_id: feed for feed in CalendarFeed.objects.filter(person__in=people)}
    missing = [person.pk for person in people if person.pk not in feeds]
    if missing:
        # Made in one statement (a cohort's first year: nobody has a feed yet). One made
        # meanwhile, by a first visit to the calendar page say, is kept: hence the reading.
        CalendarFeed.objects.bulk_create(
            [CalendarFeed(person_id=pk) for pk in missing], ignore_conflicts=True
        )
        feeds |= {feed.person_id: feed for feed in CalendarFeed.objects.filter(person__in=missing)}
    addresses = {}
    for pk, feed in feeds.items():
        path = reverse("feeds:feed", kwargs={"person_id": pk, "secret": feed.secret})
        parts = urlsplit(f"{settings.SITE_URL}{path}")
        addresses[pk] = f"webcal://{parts.netloc}{parts.path}"
    return addresses


def queue_invitations(
    *,
    events: Iterable[Event],
    change: str,
    only: Collection[int] | None = None,
    note: str = "",
    previous: Mapping[int, tuple[datetime, datetime]] | None = None,
) -> list:
    """Tell everyone concerned by ``events`` (all ``change``: "created", "moved",
    "cancelled", "updated" — new details, same time — or "restored", a cancel undone); with
    ``only`` (user ids), those of them only.

    Who chose invitations by mail gets one iMIP message per event (RFC 6047: the calendar
    part is the body's ``text/calendar; method=REQUEST|CANCEL`` alternative, the same
    calendar attached as a file), since Gmail and Outlook act on one invitation per message.
    Everyone else, and invitees told of several events at once (a generated year), gets one
    readable mail listing the events with their subscription address and no calendar part,
    so nothing lands twice in a calendar fed by the subscription.

    ``note`` is the facilitator's message; ``previous`` (event id → old start and end) gives
    moved events' old times. Call it inside the transaction that made the change; the outbox
    sends after commit, and its keys (person, events, revisions, change) make a repeated call
    queue nothing. Returns the outbox rows it queued, written in one statement."""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {CHANGES}, not {change!r}")
    pks = [event.pk for event in events]
    if not pks:
        return []
    fresh = {event.pk: event for event in with_details(Event.objects.filter(pk__in=pks))}
    ordered = sorted((fresh[pk] for pk in pks if pk in fresh), key=lambda e: (e.starts_at, e.pk))
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    template = "calendar-cancellation" if change == "cancelled" else "calendar-invitation"
    concerned = {
        person: own_events
        for person, own_events in people_concerned(ordered).items()
        if only is None or person.pk in only
    }
    invited = wants_invitations(concerned)
    listed = [
        person
        for person, own_events in concerned.items()
        if person.pk not in invited or len(own_events) > 1
    ]
    addresses = _feed_addresses(listed)
    subscribe_url = f"{settings.SITE_URL}{reverse('feeds:subscribe')}"
    # Mails queued by an earlier call are skipped without rendering: one query for them all.
    done = queued_keys(
        key
        for person, own_events in concerned.items()
        for key in [
            notice_key(person=person, events=own_events, change=change),
            *(invitation_key(person=person, events=[event], change=change) for event in own_events),
        ]
    )
    mails = []
    for person, own_events in concerned.items():
        language = language_of(person)
        with translation.override(language or translation.get_language()):
            items = _listing(person, own_events, previous or {})
        cohorts = {event.cohort for event in own_events}
        context = {
            "person": person,
            "change": change,
            "items": items,
            "count": len(items),
            "first": items[0],
            "cohort": next(iter(cohorts)) if len(cohorts) == 1 else None,
            "uids": [event_uid(event) for event in own_events],
            "note": note.strip(),
            "invitation": False,
            "invitations_follow": person.pk in invited,
            "feed_url": addresses.get(person.pk, ""),
            "subscribe_url": subscribe_url,
        }
        key = notice_key(person=person, events=own_events, change=change)
        if person.pk in addresses and key not in done:
            mails.append(
                templated_email(
                    key=key, to=person.email, template=template, context=context, language=language
                )
            )
        if person.pk not in invited:
            continue
        for event, item in zip(own_events, items, strict=True):
            key = invitation_key(person=person, events=[event], change=change)
            if key in done:
                continue
            with translation.override(language or translation.get_language()):
                calendar = _calendar(person, event, method=method)
            mails.append(
                templated_email(
                    key=key,
                    to=person.email,
                    template=template,
                    context={
                        **context,
                        "items": [item],
                        "count": 1,
                        "first": item,
                        "cohort": event.cohort,
                        "uids": [event_uid(event)],
                        "invitation": True,
                    },
                    language=language,
                    attachments=[_attachment(event, calendar, method=method)],
                    calendar=calendar,
                    calendar_method=method,
                )
            )
    return queue_emails(mails)
