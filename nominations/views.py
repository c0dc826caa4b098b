"""The nominator's pages and the candidate's confirmation. Thin: parse, call, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort
from metlib.verified import verified_email_required

from . import drafts, form_page, submission
from .form_page import TEMPLATE
from .forms import NominationForm
from .models import Nomination
from .selectors import nominations_by


def call_page(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """The public call for nominations of one cohort."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "call"), slug=cohort_slug)
    return render(
        request,
        "nominations/call.html",
        {
            "cohort": cohort,
            "call": submission.call_of(cohort),
            "themes": list(cohort.themes.all()),
            "not_open_yet": submission.call_not_open_yet(cohort=cohort),
            "closed": submission.deadline_passed(cohort=cohort),
        },
    )


def _own_nomination(request: HttpRequest, pk: int) -> Nomination:
    """A nomination of the signed-in nominator; 404 for anyone else's, so none is revealed."""
    return get_object_or_404(
        Nomination.objects.select_related("cohort", "cohort__call", "library").prefetch_related(
            "themes"
        ),
        pk=pk,
        nominator=request.user,
    )


def _after_save(request: HttpRequest, outcome: drafts.Outcome, cohort: Cohort) -> HttpResponse:
    for level, text in outcome.notices:
        messages.add_message(request, level, text)
    if outcome.done and outcome.nomination is not None:
        if "submit" in request.POST:
            return redirect("nominations:detail", pk=outcome.nomination.pk)
        return redirect("nominations:edit", pk=outcome.nomination.pk)
    return _form_page(request, outcome.form, cohort, outcome.nomination)


def _form_page(
    request: HttpRequest, form: NominationForm, cohort: Cohort, nomination: Nomination | None
) -> HttpResponse:
    return render(
        request,
        TEMPLATE,
        form_page.context(form=form, cohort=cohort, nomination=nomination),
    )


@verified_email_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """Start a nomination for a cohort whose call is open."""
    kept = form_page.applies(request)
    if kept:
        # The blank form, kept rendered while nothing it shows has changed: no query for it.
        generation, shell = form_page.lookup(request=request, slug=cohort_slug)
        if shell is not None and shell.is_open(timezone.now()):
            return form_page.respond(request=request, shell=shell)
    cohort = get_object_or_404(Cohort.objects.select_related("call"), slug=cohort_slug)
    if submission.call_not_open_yet(cohort=cohort):
        messages.info(request, _("This call is not open yet."))
        return redirect("nominations:call", cohort_slug=cohort.slug)
    if request.method == "POST":
        # Even after the deadline: a form opened in time and sent late is kept as a draft,
        # and the nominator is told why it was not submitted.
        nomination = drafts.new_or_twin(
            user=request.user, cohort=cohort, token=request.POST.get("creation_token", "")
        )
        outcome = drafts.save_and_maybe_submit(
            data=request.POST, user=request.user, cohort=cohort, nomination=nomination
        )
        return _after_save(request, outcome, cohort)
    if submission.deadline_passed(cohort=cohort):
        messages.info(request, _("The deadline for this call has passed."))
        return redirect("nominations:call", cohort_slug=cohort.slug)
    if kept:
        shell = form_page.build(request=request, cohort=cohort, generation=generation)
        return form_page.respond(request=request, shell=shell)
    form = NominationForm(
        cohort=cohort,
        initial={
            "creation_token": uuid.uuid4(),
            "nominator_email": request.user.email,
            "nominator_name": request.user.display_name,
        },
    )
    return _form_page(request, form, cohort, None)


@verified_email_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft, or a submitted nomination until the deadline."""
    nomination = _own_nomination(request, pk)
    cohort = nomination.cohort
    if not nomination.is_editable_by_nominator:
        messages.info(request, _("This nomination can no longer be changed."))
        return redirect("nominations:detail", pk=nomination.pk)
    if nomination.status == Nomination.Status.SUBMITTED and submission.deadline_passed(
        cohort=cohort
    ):
        messages.info(
            request, _("The deadline has passed, so the nomination can no longer be changed.")
        )
        return redirect("nominations:detail", pk=nomination.pk)
    if request.method == "POST":
        outcome = drafts.save_and_maybe_submit(
            data=request.POST, user=request.user, cohort=cohort, nomination=nomination
        )
        return _after_save(request, outcome, cohort)
    return _form_page(
        request, NominationForm(instance=nomination, cohort=cohort), cohort, nomination
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _own_nomination(request, pk)
    return render(
        request,
        "nominations/detail.html",
        {
            "nomination": nomination,
            "cohort": nomination.cohort,
            "missing": submission.missing_for_submission(nomination)
            if nomination.status == Nomination.Status.DRAFT
            else [],
            "themes": list(nomination.themes.all()),
            "deadline_passed": submission.deadline_passed(cohort=nomination.cohort),
        },
    )


@login_required
def my_nominations(request: HttpRequest) -> HttpResponse:
    """The nominator's nominations, their statuses, and what each draft still lacks."""
    nominations = nominations_by(user=request.user).prefetch_related("themes")
    rows = [
        (
            nomination,
            submission.missing_for_submission(nomination)
            if nomination.status == Nomination.Status.DRAFT
            else [],
        )
        for nomination in nominations
    ]
    return render(request, "nominations/mine.html", {"rows": rows})


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _own_nomination(request, pk)
    try:
        submission.withdraw_nomination(nomination=nomination, by=request.user)
    except submission.SubmissionRefused as refused:
        for reason in refused.messages:
            messages.error(request, reason)
    else:
        messages.success(request, _("The nomination is withdrawn."))
    return redirect("nominations:detail", pk=nomination.pk)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate agrees to take part and to the use of their data, from the emailed link."""
    nomination = submission.find_by_candidate_token(token)
    if nomination is None:
        raise Http404
    if request.method == "POST":
        if "agree" in request.POST:
            submission.confirm_candidate(nomination=nomination)
            nomination.refresh_from_db()
        else:
            messages.error(request, _("Tick the box to confirm."))
    return render(
        request,
        "nominations/confirm.html",
        {
            "nomination": nomination,
            "cohort": nomination.cohort,
            "themes": list(nomination.themes.all()),
        },
    )
