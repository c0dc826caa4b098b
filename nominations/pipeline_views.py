"""The facilitator's pages for a cohort's nominations: the pipeline, one nomination, the CSV
export, letting a nomination in late, and the call editor. Thin: parse, call, render."""

import copy
import csv
import io

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.permissions import Perm, cohort_perm_required, cohort_perms

from . import pipeline, submission
from .facilitator_forms import CallDatesForm, CallForm, LateAdmissionForm
from .forms import PipelineFilterForm
from .models import Call, Nomination


def _filtered(request: HttpRequest) -> tuple[PipelineFilterForm, pipeline.PipelineFilters]:
    form = PipelineFilterForm(request.GET)
    form.is_valid()  # an unknown value leaves its filter out; the form says so beside it
    return form, form.filters()


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """Every nomination of the cohort, filtered, with the counts by status."""
    cohort = request.cohort
    form, filters = _filtered(request)
    counts = pipeline.status_counts(cohort=cohort)
    return render(
        request,
        "nominations/pipeline.html",
        {
            "cohort": cohort,
            "form": form,
            "nominations": list(pipeline.pipeline_nominations(cohort=cohort, filters=filters)),
            "counts": [
                (value, Nomination.Status(value).label, count) for value, count in counts.items()
            ],
            "total": sum(counts.values()),
            "filtered": filters != pipeline.PipelineFilters(),
            "can_manage": Perm.MANAGE_COHORT in cohort_perms(user=request.user, cohort=cohort),
        },
    )


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One nomination with every field and its history."""
    cohort = request.cohort
    nomination = pipeline.pipeline_nomination(cohort=cohort, pk=pk)
    if nomination is None:
        raise Http404
    can_manage = Perm.MANAGE_COHORT in cohort_perms(user=request.user, cohort=cohort)
    return render(
        request,
        "nominations/pipeline_detail.html",
        {
            "cohort": cohort,
            "nomination": nomination,
            "themes": list(nomination.themes.all()),
            "geography": nomination.library.geography if nomination.library else None,
            "can_admit_late": can_manage
            and pipeline.late_admission_refusal(nomination=nomination) is None,
            "late_form": LateAdmissionForm(),
        },
    )


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_csv(request: HttpRequest) -> HttpResponse:
    """The pipeline as it is filtered, every field, as CSV that Excel opens (UTF-8 with BOM)."""
    cohort = request.cohort
    _form, filters = _filtered(request)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(
        pipeline.csv_rows(nominations=pipeline.pipeline_nominations(cohort=cohort, filters=filters))
    )
    filename = f"{cohort.slug}-nominations-{timezone.localdate().isoformat()}.csv"
    return HttpResponse(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def admit_late(request: HttpRequest, pk: int) -> HttpResponse:
    """Let one draft in after the deadline, so its nominator can still submit it."""
    cohort = request.cohort
    nomination = pipeline.pipeline_nomination(cohort=cohort, pk=pk)
    if nomination is None:
        raise Http404
    form = LateAdmissionForm(request.POST)
    refusal = pipeline.late_admission_refusal(nomination=nomination)
    if refusal:
        messages.error(request, refusal)
    elif not form.is_valid():
        for error in form.errors["note"]:
            messages.error(request, error)
    else:
        try:
            submission.admit_late(
                nomination=nomination, by=request.user, note=form.cleaned_data["note"]
            )
        except submission.SubmissionRefused as refused:
            for reason in refused.messages:
                messages.error(request, reason)
        else:
            messages.success(
                request,
                _("The nomination of %(candidate)s is let in: its nominator can now submit it.")
                % {"candidate": nomination},
            )
    return redirect("nominations:pipeline_detail", cohort_slug=cohort.slug, pk=nomination.pk)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest) -> HttpResponse:
    """Edit the public call and the cohort's nomination dates; the call is made on first save."""
    cohort = request.cohort
    call = submission.call_of(cohort) or Call(cohort=cohort)
    # The dates form works on a copy so refused values never reach the page's own cohort.
    dated = copy.copy(cohort)
    if request.method == "POST":
        call_form = CallForm(request.POST, instance=call)
        dates_form = CallDatesForm(request.POST, instance=dated)
        if call_form.is_valid() and dates_form.is_valid():
            with transaction.atomic():
                dates_form.save(commit=False).save(update_fields=CallDatesForm.Meta.fields)
                call_form.save()
            messages.success(request, _("The call for nominations is saved."))
            return redirect("nominations:call_edit", cohort_slug=cohort.slug)
        messages.error(request, _("Nothing is saved yet: correct the marked fields."))
    else:
        call_form = CallForm(instance=call)
        dates_form = CallDatesForm(instance=dated)
    return render(
        request,
        "nominations/call_edit.html",
        {
            "cohort": cohort,
            "call_form": call_form,
            "dates_form": dates_form,
            "is_new": call.pk is None,
        },
    )
