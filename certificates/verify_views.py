"""The public verification page a certificate's QR code leads to, and the small form where
someone types a code. Anyone may use them; they show no email address and no reason for a
revocation, and an unknown code gives the same plain 404 whatever it looks like."""

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .models import Certificate

# Codes are ``secrets.token_urlsafe``: the URL-safe base64 alphabet, 32 characters today and
# never more than the column's 64.
CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def is_well_formed(code: str) -> bool:
    """Whether ``code`` could be a verification code at all (checked before any query)."""
    return bool(CODE.match(code))


def _unknown(request: HttpRequest) -> HttpResponse:
    response = render(request, "certificates/verify_unknown.html", status=404)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether the certificate with ``code`` is genuine, and whether it still stands.

    The code is looked up through the column's unique index: an equality lookup whose time
    does not depend on how much of a guess matches, and 192 random bits leave nothing to
    guess anyway.
    """
    if not is_well_formed(code):
        return _unknown(request)
    certificate = Certificate.objects.select_related("cohort__programme").filter(code=code).first()
    if certificate is None:
        return _unknown(request)
    zone = certificate.cohort.zone
    response = render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "cohort": certificate.cohort,
            "programme": certificate.cohort.programme,
            "issued_on": timezone.localtime(certificate.issued_at, zone).date(),
            "revoked_on": (
                timezone.localtime(certificate.revoked_at, zone).date()
                if certificate.revoked_at
                else None
            ),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def code_from_input(value: str) -> str:
    """The code in what someone typed: the code itself or the whole verification URL."""
    value = value.strip()
    if "/" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    return value


@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """A field for a code; a code we know leads to its page, anything else stays here with
    a message beside the field and what was typed kept."""
    typed = request.GET.get("code", "")
    error = ""
    if "code" in request.GET:
        code = code_from_input(typed[:500])
        if not code:
            error = _("Enter the code printed on the certificate.")
        elif not is_well_formed(code) or not Certificate.objects.filter(code=code).exists():
            error = _("No certificate has this code. Check it against the certificate.")
        else:
            return HttpResponseRedirect(reverse("certificates:verify", args=[code]))
    response = render(
        request,
        "certificates/verify_form.html",
        {"typed": typed[:500], "error": error},
        status=200,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
