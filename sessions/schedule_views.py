"""Each person's own schedule: every event they take part in, in their zone."""

from datetime import date
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .selectors import schedule_for


def _month_of(event) -> date:
    return timezone.localtime(event.starts_at).date().replace(day=1)


def _by_month(events: list) -> list[tuple[date, list]]:
    return [(month, list(items)) for month, items in groupby(events, key=_month_of)]


@login_required
@require_GET
def my_schedule(request: HttpRequest) -> HttpResponse:
    """Upcoming events first, soonest first; then the past ones, latest first. An event is
    upcoming until it ends."""
    events = list(schedule_for(person=request.user))
    now = timezone.now()
    upcoming = [event for event in events if event.ends_at > now]
    past = [event for event in reversed(events) if event.ends_at <= now]
    return render(
        request,
        "calendar/mine.html",
        {
            "months": _by_month(upcoming),
            "past_months": _by_month(past),
            "has_events": bool(events),
        },
    )
