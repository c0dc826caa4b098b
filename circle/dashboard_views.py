"""The facilitator's dashboard of a cohort, its one action (retrying a failed mail), and the
cohort's CSV exports (roster, attendance).

Thin: read :mod:`circle.dashboard`, render; the retry calls the outbox.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.models import Cohort
from cohorts.permissions import Perm, cohort_perm_required
from metlib.generations import Generation
from metlib.outbox import retry_failed_email
from metlib.spreadsheets import csv_download

from . import exports
from .dashboard import cohort_dashboard, cohort_failed_mail

CACHE_SECONDS = 30
CSRF_MARK = "<!-- csrf field -->"


def _facilitator_links(slug: str) -> list[tuple[str, str]]:
    """Every facilitator page of the cohort, as (label, URL)."""
    kwargs = {"cohort_slug": slug}
    return [
        (_("Nomination pipeline"), reverse("nominations:pipeline", kwargs=kwargs)),
        (_("Selection"), reverse("nominations:selection_overview", kwargs=kwargs)),
        (_("Decisions"), reverse("nominations:decisions", kwargs=kwargs)),
        (_("Calendar"), reverse("calendar:overview", kwargs=kwargs)),
        (_("Attendance"), reverse("calendar:attendance", kwargs=kwargs)),
        (_("Mentoring groups"), reverse("circle:mentoring", kwargs=kwargs)),
        (_("Presenters"), reverse("calendar:presenters", kwargs=kwargs)),
        (_("Roster (CSV)"), reverse("circle:roster_csv", kwargs=kwargs)),
        (_("Attendance (CSV)"), reverse("circle:attendance_csv", kwargs=kwargs)),
        (_("Certificates"), reverse("certificates:eligibility", kwargs=kwargs)),
    ]


def _generation(cohort_pk: int) -> Generation:
    return Generation(f"circle:dashboard:generation:{cohort_pk}")


def _cache_key(cohort_pk: int) -> str:
    # Dates and words differ by the viewer's language and zone; nothing else does: every
    # facilitator of a cohort sees the same figures.
    language = get_language()
    zone = timezone.get_current_timezone_name()
    return f"circle:dashboard:{cohort_pk}:{language}:{zone}"


def forget_dashboard(*, cohort_pk: int) -> None:
    """Make the next visit count afresh, in every language and zone (after an action taken
    from the dashboard): each cached body remembers the generation it was counted in."""
    _generation(cohort_pk).move()


def _body(request: HttpRequest, cohort: Cohort, *, refresh: bool) -> str:
    """The dashboard's figures as HTML, counted at most CACHE_SECONDS ago.

    Counting takes a few dozen milliseconds with 500 nominations; a facilitator reloading the
    page, or several facilitators at once, share one count for a short while. The retry
    forms carry a placeholder for the CSRF field, filled in for each request, so no token is
    ever cached.
    """
    key, generation = _cache_key(cohort.pk), _generation(cohort.pk)
    token, found = generation.read([key])  # one round trip
    cached = found.get(key)
    if not refresh and token and cached is not None and cached[0] == token:
        body = cached[1]
    else:
        now = timezone.now()
        body = render_to_string(
            "circle/_dashboard_body.html",
            {
                "cohort": cohort,
                "board": cohort_dashboard(cohort=cohort, now=now),
                "counted_at": now,
                "csrf_field": mark_safe(CSRF_MARK),  # noqa: S308 - a constant
            },
        )
        generation.keep({key: (token, body)}, token=token, seconds=CACHE_SECONDS)
    return body.replace(CSRF_MARK, str(csrf_input(request)))


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where the cohort stands, its numbers, its next events and what needs a hand."""
    cohort = request.cohort
    body = _body(request, cohort, refresh="refresh" in request.GET)
    return render(
        request,
        "circle/dashboard.html",
        {
            "cohort": cohort,
            "body": mark_safe(body),  # noqa: S308 - rendered from our template just above
            "links": _facilitator_links(cohort.slug),
            "cache_seconds": CACHE_SECONDS,
        },
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def retry_mail(request: HttpRequest, email_id: int) -> HttpResponse:
    """Put one of the cohort's failed mails back in the queue."""
    cohort = request.cohort
    # Only this cohort's failed mail: another cohort's id, or a mail retried already, is left
    # alone (a double click lands here too).
    if cohort_failed_mail(cohort=cohort).filter(pk=email_id).exists() and retry_failed_email(
        email_id=email_id
    ):
        forget_dashboard(cohort_pk=cohort.pk)
        messages.success(request, _("The mail is queued again and will be sent shortly."))
    else:
        messages.info(request, _("That mail is not waiting for a retry."))
    return redirect(reverse("circle:dashboard", kwargs={"cohort_slug": cohort.slug}) + "#mail")


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_GET
def roster_csv(request: HttpRequest) -> HttpResponse:
    """Everyone in the cohort with library, place and project."""
    cohort = request.cohort
    return csv_download(rows=exports.roster_rows(cohort=cohort), name=f"{cohort.slug}-roster")


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_GET
def attendance_csv(request: HttpRequest) -> HttpResponse:
    """Participants by events, with each one's totals."""
    cohort = request.cohort
    return csv_download(
        rows=exports.attendance_rows(cohort=cohort), name=f"{cohort.slug}-attendance"
    )
