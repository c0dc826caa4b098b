"""What a signed-out person typed, kept across signing in.

A form saved after the session expired (or with cookies cleared) would send its author to the
sign-in page and lose every word. :func:`keep_post_when_signed_out` keeps the POST in the
(anonymous) session, which Django carries over the sign-in, and sends the person to sign in;
back on the same page, :func:`take` hands the view what was typed, to show it again for saving.
Passwords and the CSRF token are never kept; what is kept is dropped after an hour.
"""

import time
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

SESSION_KEY = "metlib_kept_post"
KEEP_SECONDS = 60 * 60
NEVER_KEPT = ("csrfmiddlewaretoken", "password")


def keep(request: HttpRequest) -> None:
    """Keep this request's POST for this path."""
    data = {
        name: request.POST.getlist(name) for name in request.POST if not name.startswith(NEVER_KEPT)
    }
    request.session[SESSION_KEY] = {"path": request.path, "data": data, "at": time.time()}


def take(request: HttpRequest) -> QueryDict | None:
    """What was kept for this path (once), or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if time.time() - kept.get("at", 0) > KEEP_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data


def keep_post_when_signed_out(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST from someone signed out is kept, and they are sent to sign in and back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            keep(request)
            messages.info(
                request,
                _("Your session had ended. Sign in, and what you typed will be back on the page."),
            )
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
