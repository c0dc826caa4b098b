"""The facilitator's calendar pages: the year's overview, a schedule from a rule, and moving,
cancelling or adding single events. Thin: parse, call :mod:`sessions.schedule`, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cohorts.permissions import Perm, cohort_perm_required

from . import reminders, schedule
from .forms import AddEventForm, ChangeNoticeForm, EventTimesForm, ReminderOffsetsForm, RuleForm
from .invitations import people_concerned
from .models import Event


def _overlap_warnings(request: HttpRequest, event: Event) -> None:
    for other in schedule.overlapping(
        cohort=event.cohort, starts_at=event.starts_at, ends_at=event.ends_at, exclude_pk=event.pk
    ):
        messages.warning(
            request,
            _("“%(event)s” overlaps “%(other)s”.") % {"event": event.title, "other": other.title},
        )


@cohort_perm_required(Perm.MANAGE_COHORT)
def overview(request: HttpRequest) -> HttpResponse:
    """Every event of the cohort's year, cancelled ones too, with links to change each."""
    cohort = request.cohort
    events = list(
        Event.objects.filter(cohort=cohort)
        .select_related("cohort", "mentoring_group")
        .order_by("starts_at", "pk")
    )
    return render(request, "calendar/overview.html", {"cohort": cohort, "events": events})


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest) -> HttpResponse:
    """The rule's form; "Preview" shows the dates with warnings, "Create" creates them."""
    cohort = request.cohort
    form = RuleForm(request.POST or None, cohort=cohort)
    plan = None
    if request.method == "POST" and form.is_valid() and form.rule is not None:
        if "create" in request.POST:
            try:
                created = schedule.create_events(
                    cohort=cohort,
                    rule=form.rule,
                    by=request.user,
                    title_pattern=form.cleaned_data["title_pattern"],
                    kind=form.cleaned_data["kind"],
                    mentoring_group=form.cleaned_data.get("mentoring_group"),
                )
            except schedule.RuleProblem as problem:
                form.add_error(problem.field, problem.message)
            else:
                messages.success(
                    request,
                    ngettext("%(count)d event created.", "%(count)d events created.", len(created))
                    % {"count": len(created)},
                )
                if created.duplicates:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)d date was left out: an event already starts then.",
                            "%(count)d dates were left out: an event already starts then.",
                            len(created.duplicates),
                        )
                        % {"count": len(created.duplicates)},
                    )
                for event, other in created.overlaps:
                    messages.warning(
                        request,
                        _("“%(event)s” overlaps “%(other)s”.")
                        % {"event": event.title, "other": other.title},
                    )
                return redirect("calendar:overview", cohort_slug=cohort.slug)
        else:
            plan = schedule.preview(
                cohort=cohort,
                rule=form.rule,
                mentoring_group=form.cleaned_data.get("mentoring_group"),
            )
    if request.method == "POST" and form.errors:
        messages.error(request, _("Nothing is created yet: correct the marked fields."))
    rows = []
    if plan is not None:
        rows = [
            {
                "occurrence": occurrence,
                "duplicate": plan.duplicates.get(index),
                "overlaps": plan.overlaps.get(index, []),
            }
            for index, occurrence in enumerate(plan.dates)
        ]
    return render(
        request,
        "calendar/generate.html",
        {"cohort": cohort, "form": form, "plan": plan, "rows": rows},
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    cohort = request.cohort
    form = AddEventForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            event = schedule.add_event(
                cohort=cohort,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                by=request.user,
                time_zone=form.cleaned_data["time_zone"],
                mentoring_group=form.cleaned_data["mentoring_group"],
            )
        except schedule.RuleProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("“%(title)s” is added.") % {"title": event.title})
            _overlap_warnings(request, event)
            return redirect("calendar:overview", cohort_slug=cohort.slug)
    return render(request, "calendar/add.html", {"cohort": cohort, "form": form})


def _posted(request: HttpRequest):
    """The form's data on POST, even an empty one (every field has a default)."""
    return request.POST if request.method == "POST" else None


def _told(event: Event) -> list:
    """Who a change of ``event`` mails, by name."""
    return list(people_concerned([event]))


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """The new times; then a page that shows the change and who is told, to confirm."""
    cohort = request.cohort
    event = get_object_or_404(Event, pk=pk, cohort=cohort)
    data = _posted(request)
    form = EventTimesForm(
        data,
        cohort=cohort,
        event=event,
        initial={"starts_at": event.starts_at, "ends_at": event.ends_at},
    )
    past = schedule.is_past(event)
    notice = ChangeNoticeForm(data, past=past)
    context = {"cohort": cohort, "event": event, "form": form, "notice": notice, "past": past}
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        if "confirm" in request.POST and notice.is_valid():
            try:
                event = schedule.move_event(
                    event=event,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    by=request.user,
                    note=notice.cleaned_data["note"],
                    notify=notice.cleaned_data["notify"],
                )
            except schedule.RuleProblem as problem:
                form.add_error(problem.field, problem.message)
            else:
                messages.success(request, _("“%(title)s” is moved.") % {"title": event.title})
                _overlap_warnings(request, event)
                return redirect("calendar:overview", cohort_slug=cohort.slug)
        else:
            context["told"] = _told(event)
            return render(request, "calendar/move_confirm.html", context)
    return render(request, "calendar/move.html", context)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A page that shows who is told, with an optional message; posting it cancels."""
    cohort = request.cohort
    event = get_object_or_404(Event, pk=pk, cohort=cohort)
    past = schedule.is_past(event)
    notice = ChangeNoticeForm(_posted(request), past=past)
    if request.method == "POST" and notice.is_valid():
        was_cancelled = event.is_cancelled
        schedule.cancel_event(
            event=event,
            by=request.user,
            note=notice.cleaned_data["note"],
            notify=notice.cleaned_data["notify"],
        )
        if not was_cancelled:
            messages.success(
                request,
                _("“%(title)s” is cancelled; it stays on the calendar.") % {"title": event.title},
            )
        return redirect("calendar:overview", cohort_slug=cohort.slug)
    if event.is_cancelled and request.method == "GET":
        return redirect("calendar:overview", cohort_slug=cohort.slug)
    context = {"cohort": cohort, "event": event, "notice": notice, "past": past}
    return render(request, "calendar/cancel.html", {**context, "told": _told(event)})


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a cancellation: confirm, and everyone concerned gets the event back."""
    cohort = request.cohort
    event = get_object_or_404(Event, pk=pk, cohort=cohort)
    if not event.is_cancelled:
        return redirect("calendar:overview", cohort_slug=cohort.slug)
    past = schedule.is_past(event)
    notice = ChangeNoticeForm(_posted(request), past=past)
    if request.method == "POST" and notice.is_valid():
        try:
            schedule.restore_event(
                event=event,
                by=request.user,
                note=notice.cleaned_data["note"],
                notify=notice.cleaned_data["notify"],
            )
        except schedule.RuleProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request, _("“%(title)s” is back on the calendar.") % {"title": event.title}
            )
            _overlap_warnings(request, event)
        return redirect("calendar:overview", cohort_slug=cohort.slug)
    context = {"cohort": cohort, "event": event, "notice": notice, "past": past}
    return render(request, "calendar/restore.html", {**context, "told": _told(event)})


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def reminder_offsets(request: HttpRequest) -> HttpResponse:
    """When reminders go out before each event of the cohort (1 to 3 of them)."""
    cohort = request.cohort
    form = ReminderOffsetsForm(request.POST or None, offsets=reminders.offsets_of(cohort))
    if request.method == "POST" and form.is_valid():
        reminders.set_offsets(cohort=cohort, by=request.user, offsets=form.offsets)
        messages.success(request, _("The reminders are saved."))
        return redirect("calendar:overview", cohort_slug=cohort.slug)
    return render(
        request,
        "calendar/reminders.html",
        {"cohort": cohort, "form": form},
        status=400 if form.errors else 200,
    )
