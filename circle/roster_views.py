"""The roster of a cohort and one page per member, for the cohort's own members."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cohorts.permissions import Perm, cohort_perm_required

from .roster import may_see_emails, participant_overview, roster_entries, roster_sections


@cohort_perm_required(Perm.VIEW_ROSTER)
def roster(request: HttpRequest) -> HttpResponse:
    """Everyone in the cohort with library, place and project; printable; a map by continent."""
    cohort = request.cohort
    entries = roster_entries(cohort=cohort, viewer=request.user)
    return render(
        request,
        "circle/roster.html",
        {
            "cohort": cohort,
            "sections": roster_sections(entries),
            "overview": participant_overview(entries),
            "sees_all_emails": may_see_emails(viewer=request.user, cohort=cohort),
        },
    )


@cohort_perm_required(Perm.VIEW_ROSTER)
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    """One member of the cohort: roles, library, project and biography; 404 for non-members."""
    cohort = request.cohort
    entry = roster_entries(cohort=cohort, viewer=request.user, user_id=user_id).get(user_id)
    if entry is None:
        raise Http404
    return render(
        request,
        "circle/person.html",
        {
            "cohort": cohort,
            "entry": entry,
            "is_self": entry.user.pk == request.user.pk,
            "sees_all_emails": may_see_emails(viewer=request.user, cohort=cohort),
        },
    )
