"""Our answer when a form comes back without a valid CSRF token (Django's CSRF_FAILURE_VIEW).

That happens to real people: a page left open for days, cookies cleared, a second tab that
signed out. Django's page blames the browser and drops the text. Ours says what happened and
shows everything that was typed in a form that sends it again, with a fresh token, to where it
was going; nothing was saved meanwhile. Passwords are never echoed.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .kept_post import NEVER_KEPT


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    fields = [
        (name, value)
        for name in request.POST
        if not name.startswith(NEVER_KEPT)
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "csrf_failure.html",
        {"fields": fields, "action": request.get_full_path(), "posted": request.method == "POST"},
        status=403,
    )
