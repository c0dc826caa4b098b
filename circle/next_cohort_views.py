"""The "start next year's cohort" page. Thin: parse in the cohort's zone, call the service."""

from datetime import date, datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohorts.models import Cohort
from cohorts.permissions import Perm, cohort_perm_required

from .next_cohort import NextCohort, start_next_cohort
from .next_cohort_forms import NextCohortForm


def _next_year(day: date | datetime) -> date | datetime:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _initial(previous: Cohort) -> dict:
    zone = previous.zone
    year = _next_year(previous.programme_start).year
    return {
        "name": f"{previous.programme.name} {year}",
        "slug": f"{previous.programme.slug}-{year}"[:80],
        "nominations_open_at": _next_year(
            timezone.localtime(previous.nominations_open_at, zone).replace(tzinfo=None)
        ).strftime("%Y-%m-%dT%H:%M"),
        "nominations_deadline": _next_year(
            timezone.localtime(previous.nominations_deadline, zone).replace(tzinfo=None)
        ).strftime("%Y-%m-%dT%H:%M"),
        "announcement_date": _next_year(previous.announcement_date),
        "programme_start": _next_year(previous.programme_start),
        "programme_end": _next_year(previous.programme_end),
        "capacity_min": previous.capacity_min,
        "capacity_max": previous.capacity_max,
        "copy_call": True,
        "copy_themes": True,
        "carry_team": True,
        "copy_reminders": True,
        "copy_certificate": True,
    }


@cohort_perm_required(Perm.MANAGE_PROGRAMME)
@require_http_methods(["GET", "POST"])
def next_cohort(request: HttpRequest) -> HttpResponse:
    """Name, dates and size of next year's cohort; what to copy from this one."""
    previous = request.cohort
    # Dates and times are typed and shown in the cohort's own zone, whoever types them.
    with timezone.override(previous.zone):
        form = NextCohortForm(request.POST or None, initial=_initial(previous))
        if request.method == "POST" and form.is_valid():
            cohort = start_next_cohort(
                previous=previous, plan=NextCohort(**form.cleaned_data), by=request.user
            )
            messages.success(
                request,
                _(
                    "%(name)s is ready. Its call is a preview until it is published: "
                    "check it, then publish it from its page."
                )
                % {"name": cohort.name},
            )
            return redirect("circle:detail", cohort_slug=cohort.slug)
        return render(
            request,
            "circle/next_cohort.html",
            {"previous": previous, "form": form},
            status=400 if form.errors else 200,
        )
