from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cohorts.evaluation import pending_evaluations
from cohorts.selectors import managed_programmes, memberships_of, open_calls, upcoming_calls
from nominations.selectors import nominations_by
from sessions.selectors import upcoming_for


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to what they can do here."""
    signed_in = request.user.is_authenticated
    memberships = list(memberships_of(user=request.user)) if signed_in else []
    nominations = list(nominations_by(user=request.user)[:5]) if signed_in else []
    upcoming = list(upcoming_for(person=request.user, limit=1)) if signed_in else []
    return render(
        request,
        "circle/home.html",
        {
            "memberships": memberships,
            "nominations": nominations,
            "next_event": upcoming[0] if upcoming else None,
            "evaluations": pending_evaluations(person=request.user) if signed_in else [],
            "programmes": list(managed_programmes(user=request.user)) if signed_in else [],
            "open_calls": list(open_calls()),
            "upcoming_calls": list(upcoming_calls()[:5]),
        },
    )
