"""The selection's review pages: the facilitator sets criteria, opens review and closes
selection; each advisor works through the nominations assigned to them. Thin: parse, call
the services in ``review.py``, render."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.permissions import Perm, cohort_perm_required, cohort_perms

from . import review as reviewing
from .models import Nomination, Review, Selection
from .review_forms import ConflictForm, OpenReviewForm, ReviewForm, criterion_formset
from .submission import deadline_passed

Status = Review.Status


def _show_refusal(request: HttpRequest, form: forms.BaseForm, refused: Any) -> bool:
    """Each reason beside its field when the form has that field, the rest at the top;
    True when some reason went beside a field."""
    beside = False
    for reason in refused.messages:
        fields = [name for name, reasons in refused.fields.items() if reason in reasons]
        placed = [name for name in fields if name in form.fields]
        for name in placed:
            form.add_error(name, reason)
        if placed:
            beside = True
        else:
            messages.error(request, reason)
    return beside


# --- The facilitator's side -------------------------------------------------------------------


@cohort_perm_required(Perm.MANAGE_COHORT)
def selection_overview(request: HttpRequest) -> HttpResponse:
    """Where selection stands: criteria, review opened or not, each advisor's progress."""
    cohort = request.cohort
    selection = reviewing.selection_of(cohort)
    progress = {
        row["advisor"]: row
        for row in Review.objects.filter(nomination__cohort=cohort)
        .exclude(nomination__status=Nomination.Status.WITHDRAWN)
        .values("advisor")
        .annotate(
            assigned=Count("pk", filter=~Q(status=Status.CONFLICT)),
            submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
            conflicts=Count("pk", filter=Q(status=Status.CONFLICT)),
        )
    }
    advisors = [
        (advisor, progress.get(advisor.pk, {"assigned": 0, "submitted": 0, "conflicts": 0}))
        for advisor in reviewing.cohort_advisors(cohort)
    ]
    return render(
        request,
        "nominations/selection_overview.html",
        {
            "cohort": cohort,
            "selection": selection,
            "criteria": list(cohort.criteria.all()),
            "advisors": advisors,
            "preview": reviewing.opening_preview(cohort=cohort),
            "can_decide": Perm.DECIDE_SELECTION in cohort_perms(user=request.user, cohort=cohort),
        },
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def selection_criteria(request: HttpRequest) -> HttpResponse:
    """The criteria advisors score on: add and remove until review opens, rename any time."""
    cohort = request.cohort
    selection = reviewing.selection_of(cohort)
    can_change_set = selection.review_opened_at is None
    criteria = list(cohort.criteria.all())
    formset = criterion_formset(
        data=request.POST if request.method == "POST" else None,
        criteria=criteria,
        can_change_set=can_change_set,
    )
    if request.method == "POST":
        if formset.is_valid():
            try:
                reviewing.set_criteria(cohort=cohort, by=request.user, criteria=formset.specs())
            except reviewing.ReviewRefused as refused:
                for reason in refused.messages:
                    messages.error(request, reason)
            else:
                messages.success(request, _("The criteria are saved."))
                return redirect("nominations:selection_criteria", cohort_slug=cohort.slug)
        else:
            messages.error(request, _("Nothing is saved yet: correct the marked fields."))
    return render(
        request,
        "nominations/selection_criteria.html",
        {
            "cohort": cohort,
            "selection": selection,
            "formset": formset,
            "can_change_set": can_change_set,
        },
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def selection_open_review(request: HttpRequest) -> HttpResponse:
    """Close the call, lock the submitted nominations and assign them to the advisors."""
    cohort = request.cohort
    selection = reviewing.selection_of(cohort)
    if request.method == "POST":
        form = OpenReviewForm(request.POST)
        if form.is_valid():
            try:
                opening = reviewing.open_review(
                    cohort=cohort,
                    by=request.user,
                    assignment=form.cleaned_data["assignment"],
                    reviewers_per_nomination=form.cleaned_data["reviewers_per_nomination"],
                )
            except reviewing.ReviewRefused as refused:
                _show_refusal(request, form, refused)
            else:
                _report_opening(request, opening)
                return redirect("nominations:selection_overview", cohort_slug=cohort.slug)
        else:
            messages.error(request, _("Review is not opened yet: correct the marked fields."))
    else:
        form = OpenReviewForm(
            initial={
                "assignment": selection.assignment,
                "reviewers_per_nomination": selection.reviewers_per_nomination,
            }
        )
    return render(
        request,
        "nominations/selection_open_review.html",
        {
            "cohort": cohort,
            "selection": selection,
            "form": form,
            "preview": reviewing.opening_preview(cohort=cohort),
            "closes_call_now": not deadline_passed(cohort=cohort),
        },
    )


def _report_opening(request: HttpRequest, opening: reviewing.ReviewOpening) -> None:
    if opening.deadline_was is not None:
        messages.info(request, _("The call for nominations is closed: its deadline is now."))
    messages.success(
        request,
        ngettext(
            "%(count)s nomination is now under review and locked for its nominator.",
            "%(count)s nominations are now under review and locked for their nominators.",
            opening.locked,
        )
        % {"count": opening.locked}
        + " "
        + ngettext(
            "%(count)s review was assigned.",
            "%(count)s reviews were assigned.",
            opening.reviews_created,
        )
        % {"count": opening.reviews_created},
    )
    if opening.reviews_moved:
        messages.info(
            request,
            ngettext(
                "%(count)s review not yet started moved to a less busy advisor.",
                "%(count)s reviews not yet started moved to less busy advisors.",
                opening.reviews_moved,
            )
            % {"count": opening.reviews_moved},
        )
    if opening.kept_apart:
        messages.info(
            request,
            ngettext(
                "%(count)s review was not assigned: the nominee is from the advisor's own "
                "library or was nominated by them.",
                "%(count)s reviews were not assigned: the nominee is from the advisor's own "
                "library or was nominated by them.",
                opening.kept_apart,
            )
            % {"count": opening.kept_apart},
        )
    if opening.drafts_left_out:
        messages.warning(
            request,
            ngettext(
                "%(count)s draft nomination was left out: it was never submitted.",
                "%(count)s draft nominations were left out: they were never submitted.",
                opening.drafts_left_out,
            )
            % {"count": opening.drafts_left_out},
        )


def _change_stage(request: HttpRequest, change: Callable[..., object], done: str) -> HttpResponse:
    """Close or reopen selection, saying what happened or why it could not."""
    cohort = request.cohort
    try:
        change(cohort=cohort, by=request.user)
    except reviewing.ReviewRefused as refused:
        for reason in refused.messages:
            messages.error(request, reason)
    else:
        messages.success(request, done)
    return redirect("nominations:selection_overview", cohort_slug=cohort.slug)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def selection_close(request: HttpRequest) -> HttpResponse:
    """Close selection: reviews can no longer change."""
    return _change_stage(
        request,
        reviewing.close_selection,
        _("Selection is closed: reviews can no longer change."),
    )


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def selection_reopen(request: HttpRequest) -> HttpResponse:
    """Reopen selection so advisors can change their reviews again."""
    return _change_stage(
        request,
        reviewing.reopen_selection,
        _("Selection is open again: advisors can change their reviews."),
    )


# --- The advisor's side -----------------------------------------------------------------------


@cohort_perm_required(Perm.REVIEW_NOMINATIONS)
def review_list(request: HttpRequest) -> HttpResponse:
    """The nominations assigned to the signed-in advisor, with where each review stands."""
    cohort = request.cohort
    reviews = list(reviewing.advisor_queue(cohort=cohort, advisor=request.user))
    owed = [review for review in reviews if reviewing.counts_toward_progress(review)]
    submitted = sum(review.status == Status.SUBMITTED for review in owed)
    next_up = next((review for review in owed if review.status != Status.SUBMITTED), None)
    return render(
        request,
        "nominations/review_list.html",
        {
            "cohort": cohort,
            "selection": Selection.objects.filter(cohort=cohort).first(),
            "reviews": reviews,
            "owed": len(owed),
            "submitted": submitted,
            "next_up": next_up,
        },
    )


def _own_review(request: HttpRequest, pk: int) -> Review:
    """The signed-in advisor's review of nomination ``pk``; 404 when it is not theirs."""
    review = (
        Review.objects.select_related("nomination__cohort", "nomination__library")
        .prefetch_related("scores", "nomination__themes")
        .filter(nomination_id=pk, nomination__cohort=request.cohort, advisor=request.user)
        .first()
    )
    if review is None:
        raise Http404
    return review


def _blocked_because(review: Review) -> str:
    """Why this review cannot be changed now, or "" when it can."""
    if reviewing.selection_is_closed(review.nomination.cohort):
        return _("Selection is closed: reviews can no longer be changed.")
    if review.nomination.status != Nomination.Status.UNDER_REVIEW:
        return _("This nomination is %(status)s: it can no longer be reviewed.") % {
            "status": review.nomination.get_status_display().lower()
        }
    if review.status == Status.CONFLICT:
        return _(
            "You declared a conflict of interest on this nomination. Withdraw the declaration "
            "below to review it."
        )
    return ""


def _others(*, review: Review, viewer: Any, criteria: list) -> tuple[list, str]:
    """Other advisors' reviews as rows of scores in the criteria's order, or why not shown."""
    shown = reviewing.visible_reviews(nomination=review.nomination, viewer=viewer)
    shown = [other for other in shown if other.advisor_id != viewer.pk]
    rows = []
    for other in shown:
        values = {score.criterion_id: score for score in other.scores.all()}
        rows.append((other, [values.get(criterion.pk) for criterion in criteria]))
    if rows or shown:
        return rows, ""
    if review.status == Status.CONFLICT:
        reason = _("You declared a conflict of interest, so the other reviews are not shown.")
    elif Selection.objects.filter(cohort=review.nomination.cohort, scores_hidden=True).exists():
        reason = _("In this cohort advisors do not see each other's scores.")
    elif review.status != Status.SUBMITTED:
        reason = _("You will see the other advisors' reviews once you have submitted yours.")
    else:
        reason = _("No other advisor has submitted a review of this nomination yet.")
    return rows, reason


def _review_page(
    request: HttpRequest,
    review: Review,
    *,
    form: ReviewForm | None = None,
    conflict_form: ConflictForm | None = None,
) -> HttpResponse:
    cohort = request.cohort
    criteria = list(cohort.criteria.all())
    blocked = _blocked_because(review)
    if form is None:
        form = ReviewForm(
            initial=ReviewForm.initial_for(review), criteria=criteria, read_only=bool(blocked)
        )
    previous_id, next_id = reviewing.neighbours(
        cohort=cohort, advisor=request.user, nomination_id=review.nomination_id
    )
    others, others_hidden = _others(review=review, viewer=request.user, criteria=criteria)
    return render(
        request,
        "nominations/review_detail.html",
        {
            "cohort": cohort,
            "review": review,
            "nomination": review.nomination,
            "themes": list(review.nomination.themes.all()),
            "form": form,
            "conflict_form": conflict_form or ConflictForm(),
            "blocked": blocked,
            "can_change_conflict": not reviewing.selection_is_closed(cohort)
            and review.nomination.status == Nomination.Status.UNDER_REVIEW,
            "criteria": criteria,
            "others": others,
            "others_hidden": others_hidden,
            "previous_id": previous_id,
            "next_id": next_id,
        },
    )


@cohort_perm_required(Perm.REVIEW_NOMINATIONS)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One assigned nomination: its summary, the advisor's scores, comment and recommendation."""
    cohort = request.cohort
    review = _own_review(request, pk)
    if request.method == "GET":
        return _review_page(request, review)
    submit = request.POST.get("action") == "submit"
    form = ReviewForm(request.POST, criteria=list(cohort.criteria.all()))
    if not form.is_valid():
        messages.error(request, _("Nothing is saved yet: correct the marked fields."))
        return _review_page(request, review, form=form)
    was_submitted = review.status == Status.SUBMITTED
    try:
        reviewing.save_review(
            review=review,
            by=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
            submit=submit,
        )
    except reviewing.ReviewRefused as refused:
        if _show_refusal(request, form, refused):
            messages.error(request, _("Nothing is saved yet: correct the marked fields."))
        return _review_page(request, review, form=form)
    if submit:
        messages.success(
            request, _("Your review is submitted. You can change it until selection closes.")
        )
    elif was_submitted:
        messages.warning(request, _("Your review is a draft again: submit it when it is ready."))
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("nominations:review_detail", cohort_slug=cohort.slug, pk=review.nomination_id)


@cohort_perm_required(Perm.REVIEW_NOMINATIONS)
@require_POST
def review_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare a conflict of interest on an assigned nomination."""
    cohort = request.cohort
    review = _own_review(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            reviewing.declare_conflict(
                review=review, by=request.user, note=form.cleaned_data["note"]
            )
        except reviewing.ReviewRefused as refused:
            _show_refusal(request, form, refused)
        else:
            messages.success(
                request,
                _("Your conflict of interest is recorded: you no longer review this nomination."),
            )
            return redirect(
                "nominations:review_detail", cohort_slug=cohort.slug, pk=review.nomination_id
            )
    messages.error(request, _("The conflict of interest is not recorded yet."))
    return _review_page(request, review, conflict_form=form)


@cohort_perm_required(Perm.REVIEW_NOMINATIONS)
@require_POST
def review_conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a declared conflict of interest, to review the nomination after all."""
    cohort = request.cohort
    review = _own_review(request, pk)
    try:
        reviewing.withdraw_conflict(review=review, by=request.user)
    except reviewing.ReviewRefused as refused:
        for reason in refused.messages:
            messages.error(request, reason)
    else:
        messages.success(
            request, _("The declaration is withdrawn: you can review this nomination.")
        )
    return redirect("nominations:review_detail", cohort_slug=cohort.slug, pk=review.nomination_id)
