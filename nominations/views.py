"""The nominator's pages and the candidate's confirmation. Thin: parse, call, render."""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort
from metlib.verified import verified_email_required

from . import form_page, submission
from .call_texts import call_texts
from .form_page import TEMPLATE
from .forms import NominationForm
from .models import Nomination
from .selectors import nominations_by


def call_page(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """The public call for nominations of one cohort, its texts in the visitor's language
    when given in it (or the one asked for with ``?lang=``), else the call's main language."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "call"), slug=cohort_slug)
    call = submission.call_of(cohort)
    language = request.GET.get("lang") or get_language()
    return render(
        request,
        "nominations/call.html",
        {
            "cohort": cohort,
            "call": call,
            "texts": call_texts(call=call, language=language) if call else None,
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


@dataclass
class Outcome:
    form: NominationForm
    nomination: Nomination | None  # None when nothing could be saved
    done: bool  # the draft was saved, or the nomination submitted, as asked


def _save_draft(form: NominationForm) -> Nomination:
    """Save what is valid in the form; a second POST of a new nomination (a double click)
    updates the nomination the first one created instead of making another."""
    try:
        with transaction.atomic():
            return form.save() if form.is_valid() else form.save_valid_parts()
    except IntegrityError:
        if form.instance.pk is not None:
            raise
        # Two POSTs of one form raced and the other one created the nomination first.
        twin = Nomination.objects.filter(
            creation_token=form.instance.creation_token,
            nominator=form.instance.nominator,
            cohort=form.cohort,
        ).first()
        if twin is None:
            raise
        return _save_draft(NominationForm(form.data, instance=twin, cohort=form.cohort))


def _new_or_twin(request: HttpRequest, cohort: Cohort) -> Nomination:
    """The nomination a "new nomination" POST is about: a fresh one, or the one an earlier
    POST of the same form (same creation token) already created.

    A token already used by another nominator or for another cohort is not this form's:
    the nomination gets a fresh one rather than touching someone else's.
    """
    try:
        token = uuid.UUID(str(request.POST.get("creation_token", "")))
    except ValueError:
        token = uuid.uuid4()
    existing = Nomination.objects.filter(creation_token=token).first()
    if existing is not None:
        if existing.nominator_id == request.user.pk and existing.cohort_id == cohort.pk:
            return existing
        token = uuid.uuid4()
    return Nomination(cohort=cohort, nominator=request.user, creation_token=token)


def _show_refusal(
    request: HttpRequest, form: NominationForm, refused: submission.SubmissionRefused
) -> bool:
    """Put each reason beside its field when it has one, the rest at the top of the page;
    True when some reason went beside a field."""
    beside = set()
    for field, reasons in refused.fields.items():
        for reason in reasons:
            form.add_error(field, reason)
            beside.add(reason)
    for reason in refused.messages:
        if reason not in beside:
            messages.error(request, reason)
    return bool(beside)


def _save_and_maybe_submit(
    request: HttpRequest, *, cohort: Cohort, nomination: Nomination
) -> Outcome:
    """Save what was typed as a draft; submit it too when asked.

    Whatever is well-formed is saved even when the submission is refused, so nothing typed
    is lost; the returned form carries every value and every error for the page.
    """
    if nomination.pk and nomination.status != Nomination.Status.DRAFT:
        return _change_submitted(request, cohort=cohort, nomination=nomination)
    submitting = "submit" in request.POST
    form = NominationForm(request.POST, instance=nomination, cohort=cohort, submitting=submitting)
    draft_form = form
    if submitting and not form.is_valid():
        draft_form = NominationForm(request.POST, instance=nomination, cohort=cohort)
    nomination = _save_draft(draft_form)
    if not draft_form.is_valid():
        messages.warning(
            request,
            _("We saved everything except the marked fields: correct them and save again."),
        )
        return Outcome(form, nomination, done=False)
    if not submitting:
        if submission.deadline_passed(cohort=cohort) and nomination.late_admitted_at is None:
            messages.warning(request, submission.DEADLINE_PASSED)
        else:
            messages.success(
                request,
                _("Your draft is saved. You can come back and finish it until the deadline."),
            )
        return Outcome(form, nomination, done=True)
    if form is not draft_form:
        messages.warning(
            request,
            _("Your draft is saved, but it cannot be submitted yet: see the marked fields."),
        )
        return Outcome(form, nomination, done=False)
    was_draft = nomination.status == Nomination.Status.DRAFT
    try:
        submission.submit_nomination(nomination=nomination, by=request.user)
    except submission.SubmissionRefused as refused:
        if _show_refusal(request, form, refused):
            messages.warning(
                request,
                _("Your draft is saved, but it cannot be submitted yet: see the marked fields."),
            )
        return Outcome(form, nomination, done=False)
    messages.success(
        request,
        _(
            "Your nomination is submitted. We have emailed you a receipt and asked the "
            "candidate to confirm."
        )
        if was_draft
        else _("Your changes are saved."),
    )
    return Outcome(form, nomination, done=True)


def _change_submitted(request: HttpRequest, *, cohort: Cohort, nomination: Nomination) -> Outcome:
    """Changes to a submitted nomination are saved only whole and valid, before the deadline."""
    form = NominationForm(request.POST, instance=nomination, cohort=cohort, submitting=True)
    if not form.is_valid():
        messages.warning(request, _("Your changes are not saved yet: correct the marked fields."))
        return Outcome(form, nomination, done=False)
    new_candidate = "candidate_email" in form.changed_data
    try:
        with transaction.atomic():
            form.save()
            submission.submit_nomination(nomination=nomination, by=request.user)
            if new_candidate:
                submission.ask_candidate_again(nomination=nomination)
    except submission.SubmissionRefused as refused:
        if _show_refusal(request, form, refused):
            messages.warning(
                request, _("Your changes are not saved yet: correct the marked fields.")
            )
        return Outcome(form, nomination, done=False)
    if new_candidate:
        messages.success(
            request,
            _("Your changes are saved. We have asked %(email)s to confirm the nomination.")
            % {"email": nomination.candidate_email},
        )
    else:
        messages.success(request, _("Your changes are saved."))
    return Outcome(form, nomination, done=True)


def _after_save(request: HttpRequest, outcome: Outcome, cohort: Cohort) -> HttpResponse:
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
        outcome = _save_and_maybe_submit(
            request, cohort=cohort, nomination=_new_or_twin(request, cohort)
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
        outcome = _save_and_maybe_submit(request, cohort=cohort, nomination=nomination)
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
