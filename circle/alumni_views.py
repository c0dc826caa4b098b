"""A programme's alumni: the list with its filters, and its CSV."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cohorts.models import Membership, Programme, Role, Theme
from cohorts.permissions import may_see_alumni
from metlib.spreadsheets import csv_download

from .alumni import AlumniFilter, alumni_csv_rows, alumni_of


def _programme_for(request: HttpRequest, programme_slug: str) -> Programme | HttpResponse:
    programme = get_object_or_404(Programme, slug=programme_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_see_alumni(user=request.user, programme=programme):
        raise Http404
    return programme


def _param(request: HttpRequest, name: str, limit: int) -> str:
    # Whatever is typed into the address bar: never a NUL byte (PostgreSQL refuses them).
    return request.GET.get(name, "").replace("\x00", "")[:limit]


def _filter(request: HttpRequest) -> AlumniFilter:
    return AlumniFilter(
        cohort=_param(request, "cohort", 80),
        country=_param(request, "country", 2).upper(),
        theme=_param(request, "theme", 120),
    )


def alumni(request: HttpRequest, programme_slug: str) -> HttpResponse:
    """Everyone who took part in the programme, filterable by cohort, country and theme."""
    programme = _programme_for(request, programme_slug)
    if isinstance(programme, HttpResponse):
        return programme
    only = _filter(request)
    people = alumni_of(programme=programme, viewer=request.user, only=only)
    cohorts = list(programme.cohorts.order_by("-programme_start").values_list("slug", "name"))
    countries = sorted(
        {
            (m.library.country.code, m.library.country.name)
            for m in Membership.objects.filter(
                cohort__programme=programme, role=Role.PARTICIPANT, library__isnull=False
            ).select_related("library")
        },
        key=lambda c: c[1],
    )
    themes = sorted(
        set(Theme.objects.filter(cohort__programme=programme).values_list("name", flat=True))
    )
    return render(
        request,
        "circle/alumni.html",
        {
            "programme": programme,
            "alumni": people,
            "only": only,
            "cohorts": cohorts,
            "countries": countries,
            "themes": themes,
        },
    )


def alumni_csv(request: HttpRequest, programme_slug: str) -> HttpResponse:
    """The alumni list as it is filtered, as a spreadsheet."""
    programme = _programme_for(request, programme_slug)
    if isinstance(programme, HttpResponse):
        return programme
    people = alumni_of(programme=programme, viewer=request.user, only=_filter(request))
    return csv_download(rows=alumni_csv_rows(people), name=f"{programme.slug}-alumni")
