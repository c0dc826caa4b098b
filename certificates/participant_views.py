"""The participant's certificate page (eligibility, the name to print, the download, the
history) and the download itself, for the person or their cohort's facilitator only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.models import Role
from cohorts.permissions import Perm, cohort_perm_required, cohort_roles, has_cohort_perm

from . import credentials, eligibility, issuing, names
from .forms import PrintedNameForm
from .models import Certificate, NameChange


def _require_participant(request: HttpRequest) -> None:
    if Role.PARTICIPANT not in cohort_roles(user=request.user, cohort=request.cohort):
        raise PermissionDenied


@cohort_perm_required(Perm.VIEW_COHORT)
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """GET: my eligibility and why, my name as printed, my certificate and its history.
    POST: confirm or correct the name."""
    cohort = request.cohort
    _require_participant(request)
    if request.method == "POST":
        form = PrintedNameForm(request.POST)
        if form.is_valid():
            result = names.propose_printed_name(
                cohort=cohort, person=request.user, name=form.cleaned_data["name"]
            )
            if isinstance(result, NameChange):
                messages.success(
                    request, _("Your new name is sent to the facilitator for approval.")
                )
            else:
                messages.success(request, _("Your name as printed is confirmed."))
            return redirect("certificates:mine", cohort_slug=cohort.slug)
    else:
        form = PrintedNameForm(
            initial={"name": names.suggested_name(cohort=cohort, person=request.user)}
        )
    row = eligibility.eligibility_of(cohort=cohort, person=request.user)
    history = list(
        Certificate.objects.filter(cohort=cohort, person=request.user).order_by("-issued_at")
    )
    return render(
        request,
        "certificates/mine.html",
        {
            "cohort": cohort,
            "row": row,
            "form": form,
            "history": history,
            "open_change": names.open_name_change(row.certificate),
            "name_changes": list(
                NameChange.objects.filter(
                    certificate__cohort=cohort, certificate__person=request.user
                ).exclude(status=NameChange.Status.PROPOSED)
            ),
            "linkedin_url": (credentials.linkedin_url(row.certificate) if row.certificate else ""),
        },
        status=400 if form.errors else 200,
    )


@cohort_perm_required(Perm.VIEW_COHORT)
@require_POST
def reissue_mine(request: HttpRequest) -> HttpResponse:
    """Once let the participant re-issue their own certificate under any name; a new name
    now needs the facilitator's approval (names.propose_printed_name). Kept so that a page
    open from before lands on the certificate page, changing nothing."""
    _require_participant(request)
    return redirect("certificates:mine", cohort_slug=request.cohort.slug)


def own_certificate(request: HttpRequest, code: str) -> Certificate | None:
    """The certificate with ``code`` when it is the signed-in user's or they issue its
    cohort's certificates; None otherwise (to anyone else it does not exist)."""
    if not request.user.is_authenticated:
        return None
    certificate = (
        Certificate.objects.select_related("cohort__programme", "person").filter(code=code).first()
    )
    if certificate is None or not (
        certificate.person_id == request.user.pk
        or has_cohort_perm(
            user=request.user, cohort=certificate.cohort, perm=Perm.ISSUE_CERTIFICATES
        )
    ):
        return None
    return certificate


@login_required
@require_GET
def download(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF, for its person or the cohort's facilitator; to anyone else it does not exist."""
    certificate = own_certificate(request, code)
    if certificate is None:
        raise Http404
    if not certificate.is_valid or not certificate.pdf:
        return render(
            request,
            "certificates/unavailable.html",
            {"certificate": certificate, "cohort": certificate.cohort},
            status=410 if not certificate.is_valid else 409,
        )
    # One page of PDF is small: read it whole, so no file handle outlives the request.
    with certificate.pdf.open("rb") as pdf:
        content = pdf.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=issuing.download_filename(certificate)
    )
    return response
