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


@login_required
@require_GET
def my_schedule(request: HttpRequest) -> HttpResponse:
    events = list(schedule_for(person=request.user))
    months = [(month, list(items)) for month, items in groupby(events, key=_month_of)]
    return render(request, "calendar/mine.html", {"months": months, "has_events": bool(events)})
