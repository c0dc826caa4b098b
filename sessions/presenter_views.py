"""The facilitator's presenters page: who presents at each monthly session, set by hand or
from the suggestion that gives every participant a turn before anyone has a second. Thin:
parse the POST, call :mod:`sessions.presenters`, render."""

import re

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cohorts.permissions import Perm, cohort_perm_required
from metlib.forms import posted_id

from . import presenters

FIELD = re.compile(r"^presenters-(\d+)$")


class _Rollback(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _per_session(raw: str | None) -> tuple[int, str | None]:
    """The number asked for (2 when not given), and a message when it is not usable."""
    if raw in (None, ""):
        return 2, None
    try:
        value = int(raw)
        presenters._check_per_session(value)
    except ValueError:
        return 2, _("Presenters per session must be from 1 to %(max)d.") % {
            "max": presenters.MAX_PER_SESSION
        }
    return value, None


def _chosen(post: QueryDict, event_ids: list[int]) -> dict[int, list[int]]:
    """Each session's ticked participants (ids); values that are not numbers are dropped."""
    chosen: dict[int, list[int]] = {event_id: [] for event_id in event_ids}
    for event_id in event_ids:
        for value in post.getlist(f"presenters-{event_id}"):
            if (person_id := posted_id(value)) is not None:
                chosen[event_id].append(person_id)
    return chosen


def _save(request: HttpRequest, current: presenters.Plan, chosen: dict[int, list[int]]) -> None:
    by_id = {person.pk: person for person in current.participants}
    changed = 0
    with transaction.atomic():
        for event in current.sessions:
            wanted = chosen[event.pk]
            if set(wanted) == set(current.assigned[event.pk]):
                continue
            unknown = [user_id for user_id in wanted if user_id not in by_id]
            if unknown:
                raise _Rollback(_("Only participants of the cohort can present."))
            try:
                changed += presenters.set_presenters(
                    event=event, by=request.user, people=[by_id[i] for i in wanted]
                )
            except presenters.PresenterProblem as problem:
                raise _Rollback(problem.message) from problem
    messages.success(
        request,
        ngettext("%(count)d session changed.", "%(count)d sessions changed.", changed)
        % {"count": changed},
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def presenters_page(request: HttpRequest) -> HttpResponse:
    """Monthly sessions with their presenters, a checkbox per participant for each; beside
    it, the suggestion and "Use the suggestion"."""
    cohort = request.cohort
    source = request.POST if request.method == "POST" else request.GET
    per_session, per_session_error = _per_session(source.get("per_session"))
    current = presenters.plan(cohort=cohort, per_session=per_session)
    chosen = current.assigned
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if per_session_error:
            errors.append(per_session_error)
        elif "apply" in request.POST:
            changed = presenters.apply_suggestion(
                cohort=cohort, by=request.user, per_session=per_session
            )
            messages.success(
                request,
                ngettext(
                    "The suggestion was used: %(count)d session changed.",
                    "The suggestion was used: %(count)d sessions changed.",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("calendar:presenters", cohort_slug=cohort.slug)
        elif "save" in request.POST:
            chosen = _chosen(request.POST, [event.pk for event in current.sessions])
            try:
                _save(request, current, chosen)
            except _Rollback as problem:
                errors.append(_("Nothing was saved: %(reason)s") % {"reason": problem.message})
            else:
                return redirect("calendar:presenters", cohort_slug=cohort.slug)
        if errors:
            status = 400
    elif per_session_error:
        errors.append(per_session_error)
    names = {person.pk: person for person in current.participants}
    rows = [
        {
            "event": event,
            "presenters": [names[i] for i in current.assigned[event.pk] if i in names],
            "chosen": set(chosen.get(event.pk, [])),
            "suggested": current.suggestion.get(event.pk),
        }
        for event in current.sessions
    ]
    return render(
        request,
        "calendar/presenters.html",
        {
            "cohort": cohort,
            "rows": rows,
            "participants": current.participants,
            "per_session": source.get("per_session") or per_session,
            "max_per_session": presenters.MAX_PER_SESSION,
            "errors": errors,
        },
        status=status,
    )
