"""allauth's ``verified_email_required``, asked of the database once per sign-in.

allauth's decorator looks for a verified address on every request; a nominator's form page
is opened and saved many times in a visit. Once an address is found verified, the session
remembers it for that person and address: a changed primary address is checked again, and
signing in again starts a new session.
"""

from collections.abc import Callable
from functools import wraps

from allauth.account import decorators as allauth_decorators
from allauth.account.models import EmailAddress
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "metlib_verified_email"


def _remembered(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and request.session.get(SESSION_KEY) == [user.pk, user.email]


def verified_email_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like allauth's: signed in, with a verified address, or allauth's own answer."""

    def remember_then_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.session[SESSION_KEY] = [request.user.pk, request.user.email]
        return view(request, *args, **kwargs)

    checked = allauth_decorators.verified_email_required(remember_then_view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _remembered(request):
            return view(request, *args, **kwargs)
        return checked(request, *args, **kwargs)

    return wrapper


def verified_address(user, preferred: str = "", *, known: list | None = None) -> str:
    """Where to write to ``user``: ``preferred`` when it is one of their verified addresses,
    else their primary verified address, else their account's address (which allauth has
    verified for anyone who could act here). A typed, unverified address never gets mail.

    ``known``: the user's verified addresses when the caller fetched them already (one query
    for a whole list of people)."""
    if known is None:
        known = list(EmailAddress.objects.filter(user=user, verified=True))
    addresses = {address.email.lower(): address for address in known}
    wanted = (preferred or "").strip().lower()
    if wanted and wanted in addresses:
        return addresses[wanted].email
    primary = next((a.email for a in addresses.values() if a.primary), None)
    return primary or next(iter(a.email for a in addresses.values()), user.email)
