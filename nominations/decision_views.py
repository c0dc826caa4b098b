"""The facilitator's selection pages: the assistant, the decisions, publishing the results and
promotion from the waitlist. Thin: parse, call, render. Every page needs DECIDE_SELECTION."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.models import Cohort
from cohorts.permissions import Perm, cohort_perm_required

from . import assistant, selection
from .decision_forms import (
    ApplyForm,
    AssistantSettingsForm,
    DecisionForm,
    PinForm,
    PromoteForm,
    PublishForm,
)
from .models import Nomination

Status = Nomination.Status


def _nomination(cohort: Cohort, pk: int, *, statuses: tuple[str, ...] = ()) -> Nomination:
    nominations = Nomination.objects.select_related("cohort", "library", "nominator")
    if statuses:
        nominations = nominations.filter(status__in=statuses)
    return get_object_or_404(nominations, cohort=cohort, pk=pk)


def _refused(request: HttpRequest, refusal: selection.SelectionRefused) -> None:
    messages.error(request, _("Nothing changed: %(reason)s") % {"reason": refusal.message})


# --- The assistant -----------------------------------------------------------------------------


def _run(
    cohort: Cohort, candidates: list[assistant.Candidate]
) -> tuple[assistant.Proposal | None, list[str]]:
    """The proposal, or the reasons there is none."""
    try:
        return selection.run_assistant(cohort=cohort, candidates=candidates), []
    except assistant.Infeasible as infeasible:
        return None, infeasible.reasons
    except assistant.SolverGaveUp:
        return None, [
            _("The assistant ran out of time before proving a cohort the best: loosen a rule.")
        ]


def _candidate_rows(
    candidates: list[assistant.Candidate],
    pins: dict[int, str],
    proposal: Any,
    decisions: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The nominations in the proposal's order (selected first), else best score first."""
    by_id = {candidate.id: candidate for candidate in candidates}
    if proposal is not None:
        order = list(proposal.explanations)
    else:
        order = sorted(by_id, key=lambda pk: (-assistant.score_units(by_id[pk].score), pk))
    chosen = set(proposal.selected) if proposal else set()
    return [
        {
            "candidate": by_id[pk],
            "pin": pins.get(pk, ""),
            "selected": pk in chosen,
            "explanation": proposal.explanations[pk] if proposal else "",
            "decision": (decisions or {}).get(pk, ""),
        }
        for pk in order
    ]


def _render_assistant(
    request: HttpRequest,
    *,
    run: bool = False,
    settings_form: AssistantSettingsForm | None = None,
    notice: str = "",
) -> HttpResponse:
    cohort = request.cohort
    rules = selection.selection_settings(cohort)
    candidates = selection.assistant_candidates(cohort=cohort)
    pins = selection.pins_of(cohort=cohort)
    proposal, reasons = _run(cohort, candidates) if run else (None, [])
    published = rules.published_at is not None
    told = selection.told_outcomes(cohort=cohort) if published else {}
    return render(
        request,
        "nominations/assistant.html",
        {
            "cohort": cohort,
            "rules": rules,
            "published": published,
            "settings_form": settings_form or AssistantSettingsForm(instance=rules),
            "rows": _candidate_rows(candidates, pins, proposal, told),
            "ran": run,
            "proposal": proposal,
            "reasons": reasons,
            "notice": notice,
            "needing_stipends": sum(candidate.needs_stipend for candidate in candidates),
            "continents": sorted({candidate.continent for candidate in candidates}),
            "kinds": sorted({candidate.project_kind for candidate in candidates}),
            "apply_form": ApplyForm(
                initial={
                    "proposal": ",".join(str(pk) for pk in proposal.selected) if proposal else "",
                    "waitlist_size": selection.DEFAULT_WAITLIST_SIZE,
                }
            ),
            "pin_choices": PinForm.base_fields["direction"].choices,
        },
    )


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_GET
def assistant_page(request: HttpRequest) -> HttpResponse:
    """The assistant's settings and the nominations it would weigh; nothing is run yet."""
    return _render_assistant(request)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def assistant_run(request: HttpRequest) -> HttpResponse:
    """Run the assistant and show its proposal, or why there is none. Changes nothing."""
    return _render_assistant(request, run=True)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def assistant_settings(request: HttpRequest) -> HttpResponse:
    """Change the selection's rules the assistant follows."""
    form = AssistantSettingsForm(
        request.POST, instance=selection.selection_settings(request.cohort)
    )
    if not form.is_valid():
        messages.error(request, _("Nothing is saved yet: correct the marked fields."))
        return _render_assistant(request, settings_form=form)
    form.save()
    messages.success(request, _("The assistant's settings are saved. Run it to see its proposal."))
    return redirect("nominations:assistant", cohort_slug=request.cohort.slug)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def assistant_pin(request: HttpRequest, pk: int) -> HttpResponse:
    """Pin one nomination in or out (or unpin it), then run the assistant again."""
    nomination = _nomination(request.cohort, pk)
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pin a nomination in or out."))
        return _render_assistant(request)
    try:
        selection.pin(
            nomination=nomination,
            by=request.user,
            direction=form.cleaned_data["direction"] or None,
            reason=form.cleaned_data["reason"],
        )
    except selection.SelectionRefused as refusal:
        _refused(request, refusal)
        return _render_assistant(request)
    return _render_assistant(request, run=True)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def assistant_apply(request: HttpRequest) -> HttpResponse:
    """Write the proposal the facilitator saw as draft decisions; if the assistant's answer
    has changed since (a review or a pin), show the new one and apply nothing."""
    cohort = request.cohort
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing changed: the waitlist size must be 0 or more."))
        return _render_assistant(request, run=True)
    proposal, _reasons = _run(cohort, selection.assistant_candidates(cohort=cohort))
    if proposal is None or set(proposal.selected) != set(form.selected()):
        return _render_assistant(
            request,
            run=True,
            notice=_(
                "Nothing changed: the assistant's proposal is no longer the one you saw (a "
                "review, a pin or a setting changed). Here is the new one."
            ),
        )
    try:
        applied = selection.apply_proposal(
            cohort=cohort,
            by=request.user,
            proposal=proposal,
            waitlist_size=form.cleaned_data["waitlist_size"],
        )
    except selection.SelectionRefused as refusal:
        _refused(request, refusal)
        return redirect("nominations:assistant", cohort_slug=cohort.slug)
    messages.success(
        request,
        _(
            "Draft decisions written: %(accepted)s accepted, %(waitlisted)s waitlisted, "
            "%(declined)s declined. Nobody is told until you publish the results."
        )
        % {
            "accepted": applied.accepted,
            "waitlisted": applied.waitlisted,
            "declined": applied.declined,
        },
    )
    return redirect("nominations:decisions", cohort_slug=cohort.slug)


# --- Decisions, publishing and promotion -------------------------------------------------------


def _decisions_url(cohort: Cohort, pk: int | None = None) -> str:
    url = reverse("nominations:decisions", kwargs={"cohort_slug": cohort.slug})
    return f"{url}#nomination-{pk}" if pk else url


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_GET
def decisions(request: HttpRequest) -> HttpResponse:
    """Every nomination under review with its decision and trail; after publication, who was
    told what and when, and promotion from the waitlist."""
    cohort = request.cohort
    rules = selection.selection_settings(cohort)
    published = rules.published_at is not None
    rows = selection.decision_rows(cohort=cohort, published=published)
    return render(
        request,
        "nominations/decisions.html",
        {
            "cohort": cohort,
            "rules": rules,
            "published": published,
            "rows": rows,
            "counts": selection.tally(rows),
            "outcomes": DecisionForm.base_fields["outcome"].choices,
            "no_stipend_reason": selection.no_stipend_reason(),
        },
    )


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Save or clear one nomination's draft decision."""
    cohort = request.cohort
    nomination = _nomination(cohort, pk)
    try:
        if request.POST.get("action") == "clear":
            if selection.clear_decision(nomination=nomination, by=request.user):
                messages.success(
                    request, _("The decision on %(name)s is cleared.") % {"name": nomination}
                )
            return redirect(_decisions_url(cohort, pk))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            errors = [error for field_errors in form.errors.values() for error in field_errors]
            messages.error(request, _("Nothing changed: %(reason)s") % {"reason": " ".join(errors)})
            return redirect(_decisions_url(cohort, pk))
        selection.decide(nomination=nomination, by=request.user, **form.cleaned_data)
    except selection.SelectionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("The decision on %(name)s is saved.") % {"name": nomination})
    return redirect(_decisions_url(cohort, pk))


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    """GET: every result publishing would send and to whom, the stipend budget after it, and a
    button to confirm (with the reason when the stipends go beyond the budget). POST: publish;
    refused, with what was typed kept, when the reason is missing."""
    cohort = request.cohort
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = selection.publish_selection(
                cohort=cohort,
                by=request.user,
                over_budget_reason=form.cleaned_data["over_budget_reason"],
            )
        except selection.SelectionRefused as refusal:
            if selection.selection_settings(cohort).published_at is not None:
                _refused(request, refusal)
                return redirect("nominations:decisions", cohort_slug=cohort.slug)
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "The results are published: %(count)s applicants are being told, each "
                    "with their nominator."
                )
                % {"count": count},
            )
            return redirect("nominations:decisions", cohort_slug=cohort.slug)
    preview = selection.publication_preview(cohort=cohort)
    told = {
        outcome: sum(mail.outcome == outcome for mail in preview.mails)
        for outcome in ("accepted", "waitlisted", "declined")
    }
    return render(
        request,
        "nominations/publish_confirm.html",
        {"cohort": cohort, "preview": preview, "told": told, "form": form},
    )


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def publish_resume(request: HttpRequest) -> HttpResponse:
    """Send the results still untold after publication (e.g. after a broker outage)."""
    cohort = request.cohort
    try:
        left = selection.resume_publication(cohort=cohort, by=request.user)
    except selection.SelectionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("%(count)s results are being sent again.") % {"count": left})
    return redirect("nominations:decisions", cohort_slug=cohort.slug)


@cohort_perm_required(Perm.DECIDE_SELECTION)
@require_POST
def promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept someone from the waitlist: first a page that shows what will be sent, to whom,
    and the stipend budget after it; only its confirmation sends their acceptance."""
    cohort = request.cohort
    nomination = _nomination(cohort, pk)
    form = PromoteForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, _("Nothing changed: %(reason)s") % {"reason": " ".join(errors)})
        return redirect(_decisions_url(cohort, pk))
    try:
        preview = selection.promotion_preview(
            nomination=nomination, stipend_awarded=form.cleaned_data["stipend_awarded"]
        )
    except selection.SelectionRefused as refusal:
        _refused(request, refusal)
        return redirect(_decisions_url(cohort, pk))
    if request.POST.get("confirm") != "yes":
        return _promote_page(request, form=form, nomination=nomination, preview=preview)
    try:
        selection.promote_from_waitlist(nomination=nomination, by=request.user, **form.cleaned_data)
    except selection.SelectionRefused as refusal:
        form.add_error(None, refusal.message)  # what was typed stays on the page
        return _promote_page(request, form=form, nomination=nomination, preview=preview)
    else:
        messages.success(
            request,
            _("%(name)s is accepted from the waitlist; their acceptance is being sent.")
            % {"name": nomination},
        )
    return redirect(_decisions_url(cohort, pk))


def _promote_page(
    request: HttpRequest,
    *,
    form: PromoteForm,
    nomination: Nomination,
    preview: selection.PromotionPreview,
) -> HttpResponse:
    cohort = request.cohort
    return render(
        request,
        "nominations/promote_confirm.html",
        {
            "cohort": cohort,
            "nomination": nomination,
            "form": form,
            "preview": preview,
            # the stipend is not offered to whom the call's rule excludes; the server refuses it
            "may_get_stipend": cohort.may_receive_stipend(nomination.library),
            "no_stipend_reason": selection.no_stipend_reason(),
        },
    )
