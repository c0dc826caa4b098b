"""The facilitator's certificate pages: eligibility with the rule and overrides, issuing with
a progress page, revoking and re-issuing, and every certificate as one ZIP. Thin: parse,
call :mod:`certificates.eligibility` / :mod:`certificates.issuing`, render."""

import zipfile
from collections.abc import Iterator

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.permissions import Perm, cohort_perm_required
from metlib.forms import posted_id

from . import drift, eligibility, issuing, names
from .filenames import printable_stem
from .forms import OverrideForm, ReasonForm, RuleForm, SignatoryForm
from .models import (
    BatchItem,
    Certificate,
    CertificateSettings,
    IssueBatch,
    NameChange,
    Signatory,
)


def _page(request: HttpRequest, **forms) -> HttpResponse:
    cohort = request.cohort
    rows = eligibility.eligibility_for_cohort(cohort=cohort)
    settings_row = CertificateSettings.objects.filter(cohort=cohort).first()
    ready = [row for row in rows if issuing.left_out_reason(row) is None]
    signatories = list(Signatory.objects.filter(cohort=cohort))
    context = {
        "cohort": cohort,
        "rows": rows,
        "ready": ready,
        "unconfirmed": [row for row in rows if not row.name_confirmed],
        "valid": sum(1 for row in rows if row.certificate is not None),
        "rule_form": forms.get("rule_form")
        or RuleForm(instance=settings_row or CertificateSettings(cohort=cohort)),
        "signatory_form": forms.get("signatory_form") or SignatoryForm(),
        "signatories": signatories,
        "unsigned": [signatory for signatory in signatories if not signatory.signature],
        "override_form": forms.get("override_form"),
        "override_person": forms.get("override_person"),
        "running": issuing.running_batch(cohort),
        "batches": list(IssueBatch.objects.filter(cohort=cohort)[:5]),
        "decision_choices": OverrideForm.CHOICES,
        "drifts": drift.drifted(rows),
        "name_changes": list(
            NameChange.objects.filter(
                certificate__cohort=cohort, status=NameChange.Status.PROPOSED
            ).select_related("certificate")
        ),
    }
    status = 400 if any(form.errors for form in forms.values() if hasattr(form, "errors")) else 200
    return render(request, "certificates/eligibility.html", context, status=status)


def _tell_reminded(request: HttpRequest, reminded: names.NameReminders) -> None:
    # The next midnight in the cohort's zone, said in that zone.
    when = date_format(reminded.next_at, "DATETIME_FORMAT")
    zone = str(reminded.next_at.tzinfo)
    if reminded.sent:
        messages.success(
            request,
            ngettext(
                "%(count)d participant is reminded to confirm their printed name. "
                "The next reminder is possible from %(when)s (%(zone)s).",
                "%(count)d participants are reminded to confirm their printed name. "
                "The next reminder is possible from %(when)s (%(zone)s).",
                reminded.sent,
            )
            % {"count": reminded.sent, "when": when, "zone": zone},
        )
    else:
        messages.info(
            request,
            _(
                "Nobody is mailed: everyone who has not confirmed their name was reminded "
                "today already. The next reminder is possible from %(when)s (%(zone)s)."
            )
            % {"when": when, "zone": zone},
        )


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_http_methods(["GET", "POST"])
def eligibility_page(request: HttpRequest) -> HttpResponse:
    """Every participant, eligible or not and why; the rule; the overrides; the signatories."""
    cohort = request.cohort
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action")
    if action == "rule":
        instance = CertificateSettings.objects.filter(cohort=cohort).first() or CertificateSettings(
            cohort=cohort
        )
        form = RuleForm(request.POST, request.FILES, instance=instance)
        if not form.is_valid():
            return _page(request, rule_form=form)
        form.save()
        messages.success(request, _("The rule is saved."))
    elif action == "override":
        person = get_object_or_404(
            eligibility.participants(cohort), pk=_posted_id(request, "person")
        )
        form = OverrideForm(request.POST)
        if not form.is_valid():
            return _page(request, override_form=form, override_person=person)
        decision = form.cleaned_data["decision"]
        if decision == "rule":
            eligibility.clear_override(cohort=cohort, person=person)
        else:
            eligibility.set_override(
                cohort=cohort,
                person=person,
                eligible=decision == "yes",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        messages.success(request, _("The decision for %(name)s is saved.") % {"name": person})
    elif action == "keep":
        certificate = get_object_or_404(
            Certificate,
            cohort=cohort,
            revoked_at__isnull=True,
            pk=_posted_id(request, "certificate"),
        )
        row = eligibility.eligibility_of(cohort=cohort, person=certificate.person)
        drift.keep_certificate(certificate=certificate, row=row)
        messages.success(
            request,
            _("The certificate of %(name)s is kept as issued.") % {"name": certificate.name},
        )
    elif action == "signatory":
        form = SignatoryForm(request.POST, request.FILES, instance=Signatory(cohort=cohort))
        if not form.is_valid():
            return _page(request, signatory_form=form)
        form.save()
        messages.success(request, _("The signatory is added."))
    elif action == "remind-names":
        _tell_reminded(request, names.remind_unconfirmed_names(cohort=cohort, by=request.user))
    elif action == "remove-signatory":
        Signatory.objects.filter(cohort=cohort, pk=request.POST.get("signatory") or 0).delete()
        messages.success(request, _("The signatory is removed."))
    else:
        return HttpResponse(status=400)
    return redirect("certificates:eligibility", cohort_slug=cohort.slug)


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    """Start a batch for everyone ready; a second press while one runs is refused."""
    cohort = request.cohort
    try:
        batch, left_out = issuing.start_batch(cohort=cohort, by=request.user)
    except issuing.IssueRefused as refusal:
        messages.error(request, refusal.message)
        running = issuing.running_batch(cohort)
        if running is not None:
            return redirect("certificates:batch", cohort_slug=cohort.slug, pk=running.pk)
        return redirect("certificates:eligibility", cohort_slug=cohort.slug)
    messages.success(
        request,
        _("Issuing %(count)d certificates; %(left)d people left out (see why below).")
        % {"count": batch.total, "left": len(left_out)},
    )
    return redirect("certificates:batch", cohort_slug=cohort.slug, pk=batch.pk)


def _batch(request: HttpRequest, pk: int) -> IssueBatch:
    return get_object_or_404(IssueBatch, cohort=request.cohort, pk=pk)


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_GET
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's progress (refreshing itself while it runs, when asked) and its result."""
    batch = _batch(request, pk)
    items = list(batch.items.select_related("person", "certificate").order_by("person__email"))
    in_batch = {item.person_id for item in items}
    left_out = [
        (row.person, issuing.left_out_reason(row) or _("Became ready after this batch started."))
        for row in eligibility.eligibility_for_cohort(cohort=request.cohort)
        if row.person.pk not in in_batch
    ]
    return render(
        request,
        "certificates/batch.html",
        {
            "cohort": request.cohort,
            "batch": batch,
            "items": items,
            "failed": [item for item in items if item.status == BatchItem.Status.FAILED],
            "left_out": left_out,
            # Refreshing by itself only when asked: an unrequested refresh every two seconds
            # would move a screen reader back to the top (WCAG 2.2.1). With script, the bar
            # moves without reloading.
            "follow": request.GET.get("follow") == "1",
        },
    )


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The numbers the progress bar's script polls."""
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "total": batch.total,
            "done": batch.done,
            "failed": batch.failed,
            "finished": batch.finished_at is not None,
            "text": _("%(done)d of %(total)d issued") % {"done": batch.done, "total": batch.total},
        }
    )


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    count = issuing.retry_failed(batch=batch)
    messages.success(request, _("Trying %(count)d certificates again.") % {"count": count})
    return redirect("certificates:batch", cohort_slug=request.cohort.slug, pk=batch.pk)


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("cohort", "person"), cohort=request.cohort, pk=pk
    )


def _reason(request: HttpRequest) -> str | None:
    form = ReasonForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["reason"]
    messages.error(request, _("Nothing changed: please give a reason."))
    return None


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    reason = _reason(request)
    if reason is not None:
        try:
            issuing.revoke_certificate(certificate=certificate, by=request.user, reason=reason)
        except issuing.IssueRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("The certificate of %(name)s is revoked.") % {"name": certificate.name}
            )
    return redirect("certificates:eligibility", cohort_slug=request.cohort.slug)


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_POST
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk)
    reason = _reason(request)
    if reason is not None:
        try:
            new = issuing.reissue_certificate(
                certificate=certificate, by=request.user, reason=reason
            )
        except issuing.IssueRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request, _("A new certificate for %(name)s is being made.") % {"name": new.name}
            )
    return redirect("certificates:eligibility", cohort_slug=request.cohort.slug)


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_POST
def name_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a participant's new printed name (a new certificate replaces the old) or
    refuse it with a reason; the participant is told either way."""
    change = get_object_or_404(
        NameChange, pk=pk, certificate__cohort=request.cohort, status=NameChange.Status.PROPOSED
    )
    if request.POST.get("action") == "approve":
        names.approve_name_change(change=change, by=request.user)
        messages.success(request, _("The new name is approved."))
    else:
        reason = _reason(request)
        if reason is not None:
            names.refuse_name_change(change=change, by=request.user, reason=reason)
            messages.success(request, _("The new name is refused; the participant is told why."))
    return redirect("certificates:eligibility", cohort_slug=request.cohort.slug)


class _Sink:
    """A write-only file for ZipFile that hands out what was written so far."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _zip_stream(certificates: list[Certificate]) -> Iterator[bytes]:
    sink = _Sink()
    used: set[str] = set()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for certificate in certificates:
            # The name as printed, in UTF-8 (zipfile sets the archive's UTF-8 flag for it).
            stem = printable_stem(certificate.name)
            name, number = f"{stem}.pdf", 2
            while name in used:
                name, number = f"{stem}-{number}.pdf", number + 1
            used.add(name)
            with certificate.pdf.open("rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
                    yield sink.drain()
            yield sink.drain()
    yield sink.drain()


@cohort_perm_required(Perm.ISSUE_CERTIFICATES)
@require_GET
def zip_download(request: HttpRequest) -> StreamingHttpResponse:
    """Every valid certificate of the cohort with a PDF, streamed as one ZIP."""
    cohort = request.cohort
    certificates = list(
        Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True)
        .exclude(pdf="")
        .select_related("cohort")
        .order_by("name", "pk")
    )
    if not certificates:
        raise Http404(_("No certificate has been issued yet."))
    response = StreamingHttpResponse(_zip_stream(certificates), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-{cohort.slug}.zip"'
    return response


def _posted_id(request: HttpRequest, name: str) -> int:
    """The id posted as ``name``, or 0 (which matches nothing) when it is not a number."""
    return posted_id(request.POST.get(name, "")) or 0
