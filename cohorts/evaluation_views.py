"""The evaluation's pages: a participant's answer; the facilitator's opening, closing, reminders,
results and CSV. Thin: parse, call :mod:`cohorts.evaluation`, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from metlib.charts import Chart, Row, Series
from metlib.spreadsheets import csv_download

from . import evaluation as service
from .evaluation_forms import AnswerForm, OpenForm
from .evaluation_models import Evaluation
from .models import Cohort, Role
from .permissions import Perm, cohort_perm_required, cohort_roles

_TEXTS = service.TEXT_FIELDS


def _state(evaluation: Evaluation | None) -> str:
    if evaluation is None or evaluation.opens_at is None:
        return "new"
    return "open" if evaluation.is_open() else "closed"


def _answer_page(
    request: HttpRequest,
    *,
    evaluation: Evaluation | None,
    form: AnswerForm,
    answered: bool,
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "cohorts/evaluation/answer.html",
        {
            "cohort": request.cohort,
            "evaluation": evaluation,
            "state": _state(evaluation),
            "ended_at": evaluation.ended_at() if evaluation else None,
            "form": form,
            "answered": answered,
            "refused": refused,
        },
        status=status,
    )


@cohort_perm_required(Perm.VIEW_COHORT)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest) -> HttpResponse:
    """A participant's answer: given once, edited until the evaluation closes."""
    cohort = request.cohort
    if Role.PARTICIPANT not in cohort_roles(user=request.user, cohort=cohort):
        raise PermissionDenied
    evaluation = service.evaluation_of(cohort=cohort)
    own = service.own_answer(evaluation=evaluation, person=request.user) if evaluation else None
    if request.method != "POST":
        initial = {}
        if own is not None:
            initial = {"recommend": str(own.recommend), **{f: getattr(own, f) for f in _TEXTS}}
        form = AnswerForm(initial=initial)
        return _answer_page(request, evaluation=evaluation, form=form, answered=own is not None)
    form = AnswerForm(request.POST)
    if evaluation is None or not evaluation.is_open():
        # Refused before the form is even read: nothing is saved, the typed text is shown back.
        form.is_valid()
        return _refusal(request, evaluation=evaluation, form=form, answered=own is not None)
    if form.is_valid():
        try:
            service.answer_evaluation(
                evaluation=evaluation, person=request.user, **form.cleaned_data
            )
        except service.EvaluationClosed:
            evaluation.refresh_from_db()
            return _refusal(request, evaluation=evaluation, form=form, answered=own is not None)
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            if own is None:
                messages.success(request, _("Thank you: your answer is saved."))
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect("cohorts:evaluation_answer", cohort_slug=cohort.slug)
    return _answer_page(request, evaluation=evaluation, form=form, answered=own is not None)


def _manage_page(
    request: HttpRequest, *, evaluation: Evaluation | None, form: OpenForm, status: int = 200
) -> HttpResponse:
    cohort = request.cohort
    opened = evaluation is not None and evaluation.opens_at is not None
    return render(
        request,
        "cohorts/evaluation/manage.html",
        {
            "cohort": cohort,
            "evaluation": evaluation,
            "state": _state(evaluation),
            "ended_at": evaluation.ended_at() if evaluation else None,
            "form": form,
            "answers": evaluation.answers.count() if opened else 0,
            "not_answered": service.non_respondents(evaluation=evaluation) if opened else [],
            "reminded": service.reminders_in_round(evaluation=evaluation) if opened else 0,
        },
        status=status,
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
def manage(request: HttpRequest) -> HttpResponse:
    """Open, close, move the deadline, remind; and who has not answered yet."""
    evaluation = service.evaluation_of(cohort=request.cohort)
    closes_at = evaluation.closes_at if evaluation and evaluation.is_open() else None
    form = OpenForm(initial={"closes_at": closes_at}, cohort=request.cohort)
    return _manage_page(request, evaluation=evaluation, form=form)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def open_evaluation(request: HttpRequest) -> HttpResponse:
    cohort = request.cohort
    evaluation = service.evaluation_of(cohort=cohort)
    was = _state(evaluation)
    form = OpenForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            service.open_evaluation(
                cohort=cohort, by=request.user, closes_at=form.cleaned_data["closes_at"]
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            done = {
                "new": _("The evaluation is open."),
                "closed": _("The evaluation is open again."),
                "open": _("The deadline is saved."),
            }
            messages.success(request, done[was])
            return redirect("cohorts:evaluation_manage", cohort_slug=cohort.slug)
    return _manage_page(request, evaluation=evaluation, form=form)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def close_evaluation(request: HttpRequest) -> HttpResponse:
    cohort = request.cohort
    evaluation = service.evaluation_of(cohort=cohort)
    if evaluation is None:
        raise Http404
    try:
        service.close_evaluation(evaluation=evaluation, by=request.user)
    except service.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The evaluation is closed: no answer can be given or changed."))
    return redirect("cohorts:evaluation_manage", cohort_slug=cohort.slug)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    cohort = request.cohort
    evaluation = service.evaluation_of(cohort=cohort)
    if evaluation is None:
        raise Http404
    new_round = request.POST.get("new_round") == "1"
    try:
        queued = service.remind_non_respondents(
            evaluation=evaluation, by=request.user, new_round=new_round
        )
    except service.EvaluationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if queued:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder is on its way.",
                    "%(count)d reminders are on their way.",
                    queued,
                )
                % {"count": queued},
            )
        else:
            messages.warning(
                request,
                _(
                    "Nobody was reminded: everyone still missing has had a reminder in this "
                    "round, or everyone has answered."
                ),
            )
    return redirect("cohorts:evaluation_manage", cohort_slug=cohort.slug)


def _distribution_chart(results: service.Results) -> Chart:
    return Chart(
        chart_id="chart-recommend",
        title=_("How likely to recommend, 0 to 10"),
        description=_("How many answered each number, from 0 (not at all) to 10 (extremely)."),
        label_heading=_("Answer"),
        series=(Series(name=_("Answers"), value_format=_("%(value)d answered")),),
        rows=tuple(
            Row(label=str(value), values=(count,))
            for value, count in enumerate(results.distribution)
        ),
    )


def _opened_evaluation(cohort: Cohort) -> Evaluation:
    evaluation = service.evaluation_of(cohort=cohort)
    if evaluation is None or evaluation.opens_at is None:
        raise Http404
    return evaluation


@cohort_perm_required(Perm.MANAGE_COHORT)
def results(request: HttpRequest) -> HttpResponse:
    """The figures, the distribution as a chart and a table, and the texts without names."""
    cohort = request.cohort
    evaluation = _opened_evaluation(cohort)
    figures = service.evaluation_results(evaluation=evaluation)
    return render(
        request,
        "cohorts/evaluation/results.html",
        {
            "cohort": cohort,
            "evaluation": evaluation,
            "state": _state(evaluation),
            "ended_at": evaluation.ended_at(),
            "results": figures,
            "chart": _distribution_chart(figures),
        },
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
def results_csv(request: HttpRequest) -> HttpResponse:
    """One row per answer, without names, as CSV that Excel opens (UTF-8 with BOM)."""
    cohort = request.cohort
    evaluation = _opened_evaluation(cohort)
    return csv_download(
        rows=service.csv_rows(evaluation=evaluation), name=f"{cohort.slug}-evaluation"
    )


def _refusal(request: HttpRequest, *, evaluation, form, answered: bool) -> HttpResponse:
    """The answer page refusing a closed evaluation: 409, nothing saved, the text shown back."""
    return _answer_page(
        request, evaluation=evaluation, form=form, answered=answered, refused=True, status=409
    )
