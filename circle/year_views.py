"""The participant's year: one page with their own schedule, group, attendance and
certificate. Thin: read :mod:`circle.year`, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cohorts.permissions import Perm, cohort_perm_required

from .year import participant_year


@cohort_perm_required(Perm.VIEW_COHORT)
@require_GET
def year(request: HttpRequest) -> HttpResponse:
    """Any member may open it; what it shows is always the viewer's own."""
    cohort = request.cohort
    return render(
        request,
        "circle/year.html",
        {
            "cohort": cohort,
            "year": participant_year(cohort=cohort, person=request.user),
        },
    )
