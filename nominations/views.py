"""The nominator's pages and the candidate's confirmation. Thin: parse, call, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort
from metlib import kept_post
from metlib.kept_post import keep_post_when_signed_out
from metlib.verified import verified_email_required

from . import candidate, drafts, form_page, submission
from .call_texts import call_texts
from .candidate_forms import CandidateAnswerForm
from .colleagues import standing_with_call
from .form_page import TEMPLATE
from .forms import NominationForm
from .models import Nomination
from .selectors import nominations_by


def call_page(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """The public call for nominations of one cohort, its texts in the visitor's language
    when given in it (or the one asked for with ``?lang=``), else the call's main language."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "call"), slug=cohort_slug)
    if not submission.call_visible_to(cohort=cohort, user=request.user):
        raise Http404  # not published yet: nothing to say to the public
    call = submission.call_of(cohort)
    language = request.GET.get("lang") or get_language()
    return render(
        request,
        "nominations/call.html",
        {
            "cohort": cohort,
            "call": call,
            "preview": not cohort.call_is_published,
            "texts": call_texts(call=call, language=language) if call else None,
            "themes": list(cohort.themes.all()),
            "not_open_yet": submission.call_not_open_yet(cohort=cohort),
            "closed": submission.deadline_passed(cohort=cohort),
            "standing": standing_with_call(user=request.user, cohort=cohort)
            if request.user.is_authenticated
            else None,
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


def _typed_again(
    request: HttpRequest, typed: QueryDict, cohort: Cohort, nomination: Nomination | None
) -> HttpResponse:
    """The form as it was when the session ended, unsaved, for the person to save now."""
    form = NominationForm(typed, instance=nomination, cohort=cohort)
    form.is_valid()
    messages.info(request, _("Here is what you typed before signing in. Save it now."))
    return _form_page(request, form, cohort, nomination)


def _form_page(
    request: HttpRequest, form: NominationForm, cohort: Cohort, nomination: Nomination | None
) -> HttpResponse:
    return render(
        request,
        TEMPLATE,
        form_page.context(form=form, cohort=cohort, nomination=nomination),
    )


@keep_post_when_signed_out
@verified_email_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    """Start a nomination for a cohort whose call is open."""
    typed = kept_post.take(request) if request.method == "GET" else None
    if typed is not None:
        cohort = get_object_or_404(Cohort.objects.select_related("call"), slug=cohort_slug)
        return _typed_again(request, typed, cohort, None)
    if request.method == "GET" and "new" not in request.GET:
        # A returning nominator comes back to what they started, not to a blank form.
        started = drafts.started_for(user=request.user, cohort_slug=cohort_slug)
        if started is not None:
            messages.info(request, _("Here is the nomination you started for this call."))
            return redirect("nominations:edit", pk=started.pk)
    kept = form_page.applies(request) or request.GET.keys() == {"new"}
    if kept:
        # The blank form, kept rendered while nothing it shows has changed: no query for it.
        generation, shell = form_page.lookup(request=request, slug=cohort_slug)
        if shell is not None and shell.is_open(timezone.now()):
            return form_page.respond(request=request, shell=shell)
    cohort = get_object_or_404(Cohort.objects.select_related("call"), slug=cohort_slug)
    if not cohort.call_is_published:
        raise Http404
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


@keep_post_when_signed_out
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
    typed = kept_post.take(request)
    if typed is not None:
        return _typed_again(request, typed, cohort, nomination)
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
    """The candidate's emailed link: confirm, decline or ask for a correction. A link that no
    longer leads to the nomination says what happened and whom to write to."""
    link = candidate.find_link(token)
    if link is None:
        return render(request, "nominations/confirm_unknown.html", status=404)
    form = CandidateAnswerForm(request.POST) if request.method == "POST" else CandidateAnswerForm()
    changed_meanwhile = False
    answering = request.method == "POST" and candidate.situation_of(link) in candidate.ANSWERABLE
    if answering and form.is_valid():
        answered = candidate.answer_link(
            link=link,
            answer=form.cleaned_data["answer"],
            seen=form.cleaned_data["seen"],
            correction=form.cleaned_data["correction"],
        )
        link, changed_meanwhile = answered.link, answered.changed_meanwhile
    situation = candidate.situation_of(link)
    nomination = link.nomination
    answerable = situation in candidate.ANSWERABLE
    contact_name, contact_email = candidate.contact_of(nomination)
    return render(
        request,
        "nominations/confirm.html",
        {
            "link": link,
            "situation": situation,
            "nomination": nomination,
            "cohort": nomination.cohort,
            # What the nomination says is shown only while the candidate can answer.
            "themes": list(nomination.themes.all()) if answerable else [],
            "seen": candidate.fingerprint(nomination) if answerable else "",
            "may_correct": candidate.may_ask_correction(link),
            "form": form,
            "changed_meanwhile": changed_meanwhile,
            "published_at": candidate.results_published(nomination),
            "contact_name": contact_name,
            "contact_email": contact_email,
        },
        status=410 if situation in candidate.GONE else 200,
    )
