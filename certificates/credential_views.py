"""Open Badges 3.0: the public issuer profile, key set, achievement and revocation list
(JSON anyone may fetch), the participant's signed credential, and the page where anyone
checks a credential they were given. Thin: the work is in :mod:`certificates.credentials`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from cohorts.models import Cohort, Programme

from . import credentials
from .filenames import printable_stem
from .participant_views import own_certificate

JSON_LD = "application/ld+json"


def _json(document: dict, *, content_type: str = JSON_LD) -> JsonResponse:
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from anywhere
    return response


@require_safe
def issuer(request: HttpRequest, programme_slug: str) -> JsonResponse:
    return _json(credentials.issuer_profile(get_object_or_404(Programme, slug=programme_slug)))


@require_safe
def jwks(request: HttpRequest) -> JsonResponse:
    credentials.signing_key()  # a key set is never empty, even before the first credential
    return _json(credentials.public_key_set(), content_type="application/jwk-set+json")


@require_safe
def achievement(request: HttpRequest, cohort_slug: str) -> JsonResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), slug=cohort_slug)
    return _json({"@context": credentials.CONTEXT} | credentials.achievement(cohort))


@require_safe
def status(request: HttpRequest, programme_slug: str) -> JsonResponse:
    programme = get_object_or_404(Programme, slug=programme_slug)
    response = _json(credentials.revocation_list(programme), content_type="application/json")
    response["Cache-Control"] = "max-age=300"
    return response


@login_required
@require_safe
def download(request: HttpRequest, code: str) -> HttpResponse:
    """The signed credential (a VC-JWT), as it was signed at issue, for its person or the
    cohort's facilitator."""
    certificate = own_certificate(request, code)
    if certificate is None or not certificate.is_valid:
        raise Http404
    response = HttpResponse(credentials.stored_credential(certificate), content_type="text/plain")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=f"{printable_stem(certificate.name)} - {certificate.cohort.slug}.jwt",
    )
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """A field to paste a credential into; the answer below it."""
    pasted = request.POST.get("credential", "") if request.method == "POST" else ""
    verdict = credentials.verify_credential(pasted) if pasted.strip() else None
    certificate = verdict.certificate if verdict else None
    context = {
        "pasted": pasted[: credentials.MAX_INPUT],
        "verdict": verdict,
        "certificate": certificate,
        "error": "" if request.method == "GET" or verdict else "empty",
        "jwks_url": credentials.jwks_url(),
    }
    if certificate is not None:
        zone = certificate.cohort.zone
        context |= {
            "cohort": certificate.cohort,
            "programme": certificate.cohort.programme,
            "issued_on": timezone.localtime(certificate.issued_at, zone).date(),
            "revoked_on": (
                timezone.localtime(certificate.revoked_at, zone).date()
                if certificate.revoked_at
                else None
            ),
        }
    status_code = 200 if verdict is None or verdict.genuine else 422
    if request.method == "POST" and not pasted.strip():
        status_code = 400
    response = render(request, "certificates/verify_credential.html", context, status=status_code)
    response["X-Robots-Tag"] = "noindex"
    return response
