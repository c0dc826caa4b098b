"""Calendar invitations by email: iTIP REQUEST for new and moved events, CANCEL for
cancelled ones, so each person's calendar updates the same entry (same UID, higher
SEQUENCE).

Each person concerned gets ONE mail per change, listing their events, with one .ics per
event attached (iTIP allows one UID per REQUEST / CANCEL message). Mails go through the
outbox: queued in the caller's transaction, sent by Celery after commit. The outbox key
holds every (UID, SEQUENCE, change) of the mail, so a retry never sends it twice and a
later move (higher SEQUENCE) sends a new one.
"""

import hashlib
import zoneinfo
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import slugify
from django.utils import timezone, translation

from cohorts.models import Membership, MentoringGroup
from metlib.languages import language_of
from metlib.outbox import Attachment, queue_templated_email

from .feeds import COHORT_WIDE_ROLES, with_details
from .ics import calendar_for, event_link, event_uid
from .models import Event

CHANGES = ("created", "moved", "cancelled", "updated")
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


def invitation_key(*, person: Any, events: Sequence[Event], change: str) -> str:
    """The outbox key: the same person, events, revisions and change give the same key."""
    state = sorted((str(event.uid), event.sequence, change) for event in events)
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"invitation:{person.pk}:{digest}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _when(event: Event, zone_name: str) -> str:
    zone = _zone(zone_name)
    starts = timezone.localtime(event.starts_at, zone)
    ends = timezone.localtime(event.ends_at, zone)
    end_format = "TIME_FORMAT" if starts.date() == ends.date() else "DATETIME_FORMAT"
    return (
        f"{date_filter(starts, 'DATETIME_FORMAT')} – {date_filter(ends, end_format)} ({zone_name})"
    )


def _listing(person: Any, events: Sequence[Event]) -> list[dict[str, Any]]:
    own_zone = getattr(person, "time_zone", "") or "UTC"
    items = []
    for event in events:
        cohort_zone = event.cohort.time_zone
        items.append(
            {
                "event": event,
                "title": event.title,
                "when": _when(event, own_zone),
                "when_cohort": "" if cohort_zone == own_zone else _when(event, cohort_zone),
                "place": event.place,
                "video_url": event.video_url,
                "link": event_link(event),
            }
        )
    return items


def _attachments(person: Any, events: Sequence[Event], *, method: str) -> list[Attachment]:
    prefix = "cancel" if method == "CANCEL" else "invite"
    return [
        Attachment(
            filename=f"{prefix}-{index:02d}-{slugify(event.title)[:40] or 'event'}.ics",
            content=calendar_for(
                events=[event],
                zone_name=event.cohort.time_zone,
                method=method,
                name=event.cohort.name,
                attendee=person,
            ).decode(),
            # Outlook treats the part as an invitation only with the iTIP method in its type.
            mimetype=f"text/calendar; method={method}",
        )
        for index, event in enumerate(events, start=1)
    ]


def queue_invitations(
    *, events: Iterable[Event], change: str, only: Collection[int] | None = None
) -> list:
    """Queue one mail per person concerned by ``events`` (all ``change``: "created",
    "moved", "cancelled" or "updated" — new details, same time), each with one .ics per
    event; with ``only`` (user ids), to those of them only. Call it inside the transaction
    that made the change; the outbox sends after commit. Returns the outbox rows."""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {CHANGES}, not {change!r}")
    pks = [event.pk for event in events]
    if not pks:
        return []
    fresh = {event.pk: event for event in with_details(Event.objects.filter(pk__in=pks))}
    ordered = sorted((fresh[pk] for pk in pks if pk in fresh), key=lambda e: (e.starts_at, e.pk))
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    template = "calendar-cancellation" if change == "cancelled" else "calendar-invitation"
    queued = []
    for person, own_events in people_concerned(ordered).items():
        if only is not None and person.pk not in only:
            continue
        language = language_of(person)
        with translation.override(language or translation.get_language()):
            items = _listing(person, own_events)
            attachments = _attachments(person, own_events, method=method)
        cohorts = {event.cohort for event in own_events}
        queued.append(
            queue_templated_email(
                key=invitation_key(person=person, events=own_events, change=change),
                to=person.email,
                template=template,
                context={
                    "person": person,
                    "change": change,
                    "items": items,
                    "count": len(items),
                    "first": items[0],
                    "cohort": next(iter(cohorts)) if len(cohorts) == 1 else None,
                    "uids": [event_uid(event) for event in own_events],
                },
                language=language,
                attachments=attachments,
            )
        )
    return queued
