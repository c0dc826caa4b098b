"""The library directory and people's history across cohorts (rules in ``directory.py``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cohorts.models import Library
from cohorts.permissions import cohorts_reviewed, cohorts_seen_in_full

from .directory import (
    PAGE_SIZE,
    library_record,
    may_see_history,
    may_use_directory,
    nominated_in,
    person_history,
    search_libraries,
    sees_contact_details,
)


def _require_directory(request: HttpRequest) -> None:
    if not may_use_directory(user=request.user):
        raise PermissionDenied


@login_required
def libraries(request: HttpRequest) -> HttpResponse:
    """Every library, searchable by name, city or country, 50 a page."""
    _require_directory(request)
    query = request.GET.get("q", "")[:200]
    page = Paginator(search_libraries(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "circle/directory.html",
        {"page": page, "query": query, "libraries": list(page.object_list)},
    )


@login_required
def library(request: HttpRequest, pk: int) -> HttpResponse:
    """One library: its nominations and participants over the years, and its contacts."""
    _require_directory(request)
    record = library_record(
        library=get_object_or_404(Library, pk=pk),
        full=cohorts_seen_in_full(user=request.user),
        reviewed=cohorts_reviewed(user=request.user),
    )
    return render(
        request,
        "circle/directory_library.html",
        {"record": record, "details": sees_contact_details(user=request.user)},
    )


def _history(request: HttpRequest, person, rows: list | None = None) -> HttpResponse:
    rows = person_history(person=person) if rows is None else rows
    today = timezone.localdate()
    return render(
        request,
        "circle/person_history.html",
        {
            "person": person,
            "is_self": person.pk == request.user.pk,
            "rows": rows,
            "past": [row for row in rows if row.roles and row.is_past(today=today)],
        },
    )


@login_required
def my_history(request: HttpRequest) -> HttpResponse:
    """The signed-in person's cohorts over the years, past cohorts listed apart."""
    return _history(request, request.user)


@login_required
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    """Someone's history, for facilitators and staff."""
    # Refuse before looking the person up, so a refusal tells nothing about who exists.
    if user_id != request.user.pk and not sees_contact_details(user=request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not may_see_history(viewer=request.user, person=person):
        raise PermissionDenied
    if person.pk == request.user.pk:
        return _history(request, person)
    # Of other cohorts, only what the public sees: someone outside the viewer's cohorts is
    # "not found", so ids cannot be walked to list people.
    full = cohorts_seen_in_full(user=request.user)
    rows = person_history(person=person, only=full)
    if not rows and not nominated_in(person=person, cohorts=full):
        raise Http404
    return _history(request, person, rows)
