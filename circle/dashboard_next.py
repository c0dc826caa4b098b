"""What the facilitator should do next, at every stage of the cohort's year and after it.

A plain function of what the dashboard has counted (:func:`next_steps`), so each stage's advice
is tested without pages. Each step says what to do and links to the page where it is done.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort

from .dashboard import Dashboard, Stage


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str
    link: str


@dataclass(frozen=True)
class Situation:
    """What the advice depends on, as the dashboard counted it."""

    cohort: Cohort
    stage: Stage
    now: datetime
    review_opened: bool
    published: bool
    nominations: int  # submitted or further, not withdrawn
    reviews_owed: int
    participants: int
    events: int
    upcoming_events: int
    groups: int
    eligible: int
    issued: int
    names_unconfirmed: int
    evaluation_opens_at: datetime | None
    evaluation_closes_at: datetime | None
    evaluation_closed_at: datetime | None
    evaluation_answers: int
    later_slug: str | None
    later_name: str | None
    may_start_next: bool  # the viewer manages the programme


def _url(name: str, cohort: Cohort, **kwargs: Any) -> str:
    return reverse(name, kwargs={"cohort_slug": cohort.slug, **kwargs})


def _evaluation_open(s: Situation) -> bool:
    return (
        s.evaluation_opens_at is not None
        and s.evaluation_opens_at <= s.now
        and s.evaluation_closed_at is None
        and (s.evaluation_closes_at is None or s.now < s.evaluation_closes_at)
    )


def _call_steps(s: Situation) -> list[NextStep]:
    c = s.cohort
    if not c.call_is_published:
        return [
            NextStep(
                _("The call is a preview: nobody can nominate until you publish it."),
                _url("nominations:call", c),
                _("Preview the call and publish it"),
            )
        ]
    if s.now < c.nominations_open_at:
        return [
            NextStep(
                _("The call is published and opens on its date; check its texts meanwhile."),
                _url("nominations:call_edit", c),
                _("Edit the call for nominations"),
            )
        ]
    return [
        NextStep(
            ngettext(
                "%(count)d nomination so far. Follow them until the deadline.",
                "%(count)d nominations so far. Follow them until the deadline.",
                s.nominations,
            )
            % {"count": s.nominations},
            _url("nominations:pipeline", c),
            _("The nomination pipeline"),
        )
    ]


def _review_steps(s: Situation) -> list[NextStep]:
    c = s.cohort
    if not s.review_opened:
        return [
            NextStep(
                _("The deadline has passed: open the review for the advisors."),
                _url("nominations:selection_overview", c),
                _("Selection"),
            )
        ]
    if s.reviews_owed:
        return [
            NextStep(
                ngettext(
                    "%(count)d review is still owed by the advisors.",
                    "%(count)d reviews are still owed by the advisors.",
                    s.reviews_owed,
                )
                % {"count": s.reviews_owed},
                _url("nominations:selection_overview", c),
                _("Selection"),
            )
        ]
    return [
        NextStep(
            _("Every review is in: decide and publish the results."),
            _url("nominations:decisions", c),
            _("Decisions and publishing the results"),
        )
    ]


def _year_steps(s: Situation) -> list[NextStep]:
    c = s.cohort
    steps = []
    if not s.events:
        steps.append(
            NextStep(
                _("No event is planned yet: plan the year's calendar."),
                _url("calendar:overview", c),
                _("The year's calendar"),
            )
        )
    if not s.groups and s.participants:
        steps.append(
            NextStep(
                _("Form the mentoring groups."),
                _url("circle:mentoring", c),
                _("Mentoring groups"),
            )
        )
    if s.stage == Stage.RUNNING:
        steps.append(
            NextStep(
                _("Record attendance after each session: certificates depend on it."),
                _url("calendar:attendance", c),
                _("Attendance"),
            )
        )
    return steps


def _end_steps(s: Situation) -> list[NextStep]:
    c = s.cohort
    steps = []
    evaluation = _url("cohorts:evaluation_manage", c)
    if s.evaluation_opens_at is None:
        steps.append(
            NextStep(
                _("Open the end-of-year evaluation: every participant is mailed once."),
                evaluation,
                _("The evaluation"),
            )
        )
    elif _evaluation_open(s):
        steps.append(
            NextStep(
                ngettext(
                    "%(answers)d of %(participants)d participant has answered the evaluation.",
                    "%(answers)d of %(participants)d participants have answered the evaluation.",
                    s.participants,
                )
                % {"answers": s.evaluation_answers, "participants": s.participants},
                evaluation,
                _("The evaluation"),
            )
        )
    certificates = _url("certificates:eligibility", c)
    if s.eligible > s.issued:
        steps.append(
            NextStep(
                ngettext(
                    "%(count)d eligible participant has no certificate yet.",
                    "%(count)d eligible participants have no certificate yet.",
                    s.eligible - s.issued,
                )
                % {"count": s.eligible - s.issued},
                certificates,
                _("Certificates"),
            )
        )
    if s.names_unconfirmed:
        steps.append(
            NextStep(
                ngettext(
                    "%(count)d participant has not confirmed the name on the certificate.",
                    "%(count)d participants have not confirmed the name on the certificate.",
                    s.names_unconfirmed,
                )
                % {"count": s.names_unconfirmed},
                certificates,
                _("Remind them from the certificates page"),
            )
        )
    if s.later_slug:
        steps.append(
            NextStep(
                _("Next year's cohort, %(name)s, is started.") % {"name": s.later_name},
                reverse("circle:detail", kwargs={"cohort_slug": s.later_slug}),
                _("Its page"),
            )
        )
    elif s.may_start_next:
        steps.append(
            NextStep(
                _("Start next year's cohort from this one: its call, themes and team copied."),
                _url("circle:next_cohort", c),
                _("Start next year's cohort"),
            )
        )
    else:
        steps.append(
            NextStep(
                _("Next year's cohort is not started yet: a programme manager starts it."),
                reverse("circle:detail", kwargs={"cohort_slug": c.slug}),
                _("The cohort's page"),
            )
        )
    return steps


def situation_of(*, board: Dashboard, may_start_next: bool) -> Situation:
    """The advice's inputs, from what the dashboard counted."""
    figures = board.figures
    return Situation(
        cohort=board.cohort,
        stage=board.stage,
        now=board.now,
        review_opened=board.selection is not None and bool(board.selection.review_opened_at),
        published=board.selection is not None and bool(board.selection.published_at),
        nominations=board.nominations_received,
        reviews_owed=board.reviews_owed,
        participants=board.participants,
        events=board.events_total,
        upcoming_events=len(board.next_events),
        groups=len(board.groups),
        eligible=board.certificates_eligible,
        issued=board.certificates_issued,
        names_unconfirmed=board.names_unconfirmed,
        evaluation_opens_at=figures["evaluation_opens_at"],
        evaluation_closes_at=figures["evaluation_closes_at"],
        evaluation_closed_at=figures["evaluation_closed_at"],
        evaluation_answers=figures["evaluation_answers"],
        later_slug=figures["later_slug"],
        later_name=figures["later_name"],
        may_start_next=may_start_next,
    )


def next_steps(s: Situation) -> list[NextStep]:
    """What to do next, most urgent first; never empty."""
    if s.stage == Stage.OPEN:
        return _call_steps(s)
    if s.stage == Stage.REVIEW:
        return _review_steps(s)
    if s.stage == Stage.SELECTED:
        return _year_steps(s) or [
            NextStep(
                _("The year is planned; the programme starts on %(day)s.")
                % {"day": date_format(s.cohort.programme_start, "DATE_FORMAT")},
                _url("calendar:overview", s.cohort),
                _("The year's calendar"),
            )
        ]
    if s.stage == Stage.RUNNING:
        steps = _year_steps(s)
        if _evaluation_open(s) or s.now.date() >= s.cohort.programme_end:
            steps += _end_steps(s)
        return steps
    return _end_steps(s)
