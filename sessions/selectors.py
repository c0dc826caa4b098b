"""Read-only questions about a person's events, for the schedule page and the home page."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .feeds import events_for_person, with_details
from .models import Event


def schedule_for(*, person: Any) -> QuerySet[Event]:
    """Every event ``person`` takes part in, past and future, with all the schedule shows."""
    return with_details(events_for_person(person=person)).order_by("starts_at", "pk")


def upcoming_for(*, person: Any, limit: int | None = None) -> QuerySet[Event]:
    """Events ``person`` takes part in that have not ended and are not cancelled, soonest
    first, with their cohort and what to prepare."""
    events = (
        events_for_person(person=person)
        .filter(ends_at__gt=timezone.now())
        .exclude(status=Event.Status.CANCELLED)
        .select_related("cohort")
        .prefetch_related("preparation")
        .order_by("starts_at", "pk")
    )
    return events[:limit] if limit is not None else events
