"""Attendance pages: the cohort's grid for those who record it, and each participant's own
record. Thin: parse the POST, call :mod:`sessions.attendance`, render."""

import re
from dataclasses import dataclass
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cohorts.models import Role
from cohorts.permissions import Perm, cohort_perm_required, cohort_roles

from . import attendance
from .models import Attendance, Event

FIELD = re.compile(r"^mark-(\d+)-(\d+)$")


class _Rollback(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _parse_marks(post) -> dict[int, dict[int, str]]:
    marks: dict[int, dict[int, str]] = {}
    for name, value in post.items():
        match = FIELD.match(name)
        if match:
            event_id, person_id = int(match[1]), int(match[2])
            marks.setdefault(event_id, {})[person_id] = value
    return marks


@cohort_perm_required(Perm.RECORD_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest) -> HttpResponse:
    """Participants by events; every cell a select; one Save button for the whole grid."""
    cohort = request.cohort
    if request.method == "POST":
        marks = _parse_marks(request.POST)
        events = {
            e.pk: e
            for e in Event.objects.filter(cohort=cohort, pk__in=marks).select_related(
                "cohort", "mentoring_group"
            )
        }
        changed = 0
        try:
            with transaction.atomic():
                for event_id, event_marks in marks.items():
                    event = events.get(event_id)
                    if event is None:
                        raise _Rollback(_("One of the events is not in this cohort."))
                    if not attendance.may_record(event=event, by=request.user):
                        raise PermissionDenied
                    try:
                        changed += attendance.record_attendance(
                            event=event, by=request.user, marks=event_marks
                        )
                    except attendance.AttendanceProblem as problem:
                        raise _Rollback(problem.message) from problem
        except _Rollback as problem:
            messages.error(
                request, _("Nothing was saved: %(reason)s") % {"reason": problem.message}
            )
        else:
            messages.success(
                request,
                ngettext("%(count)d mark saved.", "%(count)d marks saved.", changed)
                % {"count": changed},
            )
        return redirect("calendar:attendance", cohort_slug=cohort.slug)
    sessions = attendance.session_list(cohort=cohort, viewer=request.user)
    return render(
        request,
        "calendar/attendance.html",
        {"cohort": cohort, "sessions": sessions, "lines": _session_lines(cohort, sessions)},
    )


@cohort_perm_required(Perm.VIEW_COHORT)
def mine(request: HttpRequest) -> HttpResponse:
    """A participant's own attendance, with counts."""
    cohort = request.cohort
    if Role.PARTICIPANT not in cohort_roles(user=request.user, cohort=cohort):
        raise PermissionDenied
    record = attendance.record_of(person=request.user, cohort=cohort)
    return render(request, "calendar/attendance_mine.html", {"cohort": cohort, "record": record})


@cohort_perm_required(Perm.RECORD_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """One session's attendance: "Everyone present", then the exceptions, one line a
    person (fits a phone)."""
    cohort = request.cohort
    event = get_object_or_404(Event.objects.select_related("mentoring_group"), pk=pk, cohort=cohort)
    event.cohort = cohort  # the one the decorator loaded
    if not attendance.may_record(event=event, by=request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if "everyone_present" in request.POST:
                changed = attendance.mark_everyone_present(event=event, by=request.user)
            else:
                marks = _parse_marks(request.POST)
                if set(marks) - {event.pk}:
                    raise attendance.AttendanceProblem(
                        _("One of the events is not in this cohort.")
                    )
                changed = attendance.record_attendance(
                    event=event, by=request.user, marks=marks.get(event.pk, {})
                )
        except attendance.AttendanceProblem as problem:
            messages.error(
                request, _("Nothing was saved: %(reason)s") % {"reason": problem.message}
            )
        else:
            messages.success(
                request,
                ngettext("%(count)d mark saved.", "%(count)d marks saved.", changed)
                % {"count": changed},
            )
        return redirect("calendar:attendance_session", cohort_slug=cohort.slug, pk=event.pk)
    sheet = attendance.session_sheet(event=event)
    options = _options(sheet.statuses)
    # The lines are joined here rather than looped over in the template: at 180 people the
    # engine's loop (and number_format on every id) was most of the page's time. Each name
    # is escaped; the ids and options are ours.
    prefix = f"mark-{event.pk}-"
    lines = mark_safe(  # noqa: S308 (every value escaped or built here from integers)
        "\n".join(
            f'<li><label for="{prefix}{line.person_id}">{escape(line.name)}</label> '
            f'<select name="{prefix}{line.person_id}" id="{prefix}{line.person_id}">'
            f"{options.get(line.status, options[''])}</select></li>"
            for line in sheet.lines
        )
    )
    return render(
        request,
        "calendar/attendance_session.html",
        {"cohort": cohort, "sheet": sheet, "lines": lines},
    )


def _options(statuses: list[tuple[str, str]]) -> dict[str, str]:
    """The drop-down's options for each status a line may have: rendered once, not once a
    person (the template engine's loop was most of the sheet's time at 180 people)."""
    choices = [("", _("—")), *((value, str(label)) for value, label in statuses)]
    return {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == current else "", label)
                for value, label in choices
            ),
        )
        for current, _label in choices
    }


@dataclass(frozen=True)
class _SessionLine:
    """One session of the attendance page, its text made here once (no template filter,
    tag or integer formatting per session)."""

    href: str
    title: str
    iso_day: str
    day: str
    tallies: str  # "Present: 150 · Excused: 20 · Absent: 10 · "
    unrecorded: str


_SOME_PK = 987_654_321_016


def _session_lines(cohort, sessions: attendance.Sessions) -> list[_SessionLine]:
    labels = [(value, str(label)) for value, label in Attendance.Status.choices]
    # Reversed once, each session's id put in its place.
    before, after = reverse(
        "calendar:attendance_session", kwargs={"cohort_slug": cohort.slug, "pk": _SOME_PK}
    ).split(str(_SOME_PK))
    return [
        _SessionLine(
            href=f"{before}{column.event.pk}{after}",
            title=column.event.title,
            iso_day=column.day.isoformat(),
            day=date_format(column.day, "j F Y"),
            tallies="".join(
                f"{label}: {column.counts.get(value, 0)} · " for value, label in labels
            ),
            unrecorded=str(column.unrecorded),
        )
        for column in sessions.columns
    ]
