"""The facilitator's dashboard of a cohort, its one action (retrying a failed mail), and the
cohort's CSV exports (roster, attendance).

Thin: read :mod:`circle.dashboard`, render; the retry calls the outbox.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.permissions import Perm, cohort_perm_required, has_cohort_perm
from metlib.outbox import retry_failed_email
from metlib.reversing import reverse as reversed_url
from metlib.spreadsheets import csv_download

from . import exports
from .dashboard import cohort_dashboard, cohort_failed_mail
from .dashboard_next import next_steps, situation_of


def _facilitator_links(slug: str) -> list[tuple[str, str]]:
    """Every facilitator page of the cohort, as (label, URL)."""
    kwargs = {"cohort_slug": slug}
    return [
        (_("Nomination pipeline"), reversed_url("nominations:pipeline", kwargs=kwargs)),
        (_("Selection"), reversed_url("nominations:selection_overview", kwargs=kwargs)),
        (_("Decisions"), reversed_url("nominations:decisions", kwargs=kwargs)),
        (_("Calendar"), reversed_url("calendar:overview", kwargs=kwargs)),
        (_("Attendance"), reversed_url("calendar:attendance", kwargs=kwargs)),
        (_("Mentoring groups"), reversed_url("circle:mentoring", kwargs=kwargs)),
        (_("Presenters"), reversed_url("calendar:presenters", kwargs=kwargs)),
        (_("Roster (CSV)"), reversed_url("circle:roster_csv", kwargs=kwargs)),
        (_("Attendance (CSV)"), reversed_url("circle:attendance_csv", kwargs=kwargs)),
        (_("Certificates"), reversed_url("certificates:eligibility", kwargs=kwargs)),
    ]


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where the cohort stands, what to do next, its numbers, its next events and what needs
    a hand; counted afresh on every visit, so a facilitator sees at once what they just did."""
    cohort = request.cohort
    board = cohort_dashboard(cohort=cohort)
    situation = situation_of(
        board=board,
        may_start_next=has_cohort_perm(
            user=request.user, cohort=cohort, perm=Perm.MANAGE_PROGRAMME
        ),
    )
    return render(
        request,
        "circle/dashboard.html",
        {
            "cohort": cohort,
            "board": board,
            "next_steps": next_steps(situation),
            "counted_at": board.now,
            "links": _facilitator_links(cohort.slug),
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
