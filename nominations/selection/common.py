"""Who may run selection, its settings row, and the refusal every step raises."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.permissions import Perm, has_cohort_perm

from ..models import Nomination, Selection

Status = Nomination.Status


DEFAULT_WAITLIST_SIZE = 5
NOTE_LENGTH = 500
TOLD_STATUSES = (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)


class SelectionRefused(Exception):
    """The change cannot be made; ``message`` says why, and nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def no_stipend_reason() -> str:
    """Why a nominee the cohort's stipend rule excludes gets no stipend, in one sentence: the
    pages say it where they would offer one, and the refusal says it too. (Only the Global
    South rule excludes anyone.)"""
    return _(
        "The call gives travel stipends only to nominees whose library is in the "
        "Global South: this nominee may not receive one."
    )


def refuse_stipend_against_rule(*, nomination: Nomination) -> None:
    """A travel stipend only for a nominee the cohort's stipend rule allows one."""
    if not nomination.cohort.may_receive_stipend(nomination.library):
        raise SelectionRefused(no_stipend_reason())


@dataclass(frozen=True)
class StipendBudget:
    """The cohort's travel stipends once a change (a promotion, the publication) is made."""

    awarded: int  # stipends awarded after the change
    available: int  # the cohort's budget

    @property
    def over(self) -> bool:
        return self.awarded > self.available


def over_budget_note(*, budget: StipendBudget, reason: str, note: str) -> str:
    """The note a decision keeps when a change awards stipends: ``note`` as it is within the
    budget; beyond it, ``reason`` first, so the audit trail says why the budget was exceeded.
    Refused beyond the budget without a reason. Promotion and publication both ask this."""
    reason = reason.strip()
    if not budget.over:
        return note
    if not reason:
        raise SelectionRefused(
            _(
                "This would award %(awarded)s travel stipends but the budget has %(available)s: "
                "give the reason for going over it, or award fewer."
            )
            % {"awarded": budget.awarded, "available": budget.available}
        )
    return (_("Over the stipend budget: %(reason)s. %(note)s") % {"reason": reason, "note": note})[
        :NOTE_LENGTH
    ].strip()


def require_manager(*, user: Any, cohort: Cohort) -> None:
    if not has_cohort_perm(user=user, cohort=cohort, perm=Perm.DECIDE_SELECTION):
        raise PermissionDenied


def selection_settings(cohort: Cohort) -> Selection:
    """The cohort's selection, or its defaults (unsaved) while nobody has touched it."""
    found = Selection.objects.filter(cohort=cohort).select_related("published_by").first()
    return found or Selection(cohort=cohort)


def locked_selection(cohort: Cohort) -> Selection:
    """The cohort's selection under a row lock: decisions and publication take turns."""
    selection, _created = Selection.objects.get_or_create(cohort=cohort)
    return Selection.objects.select_for_update().get(pk=selection.pk)


def refuse_when_published(selection: Selection) -> None:
    if selection.published_at is not None:
        raise SelectionRefused(
            _(
                "The results are published: decisions can no longer change. Someone on the "
                "waitlist can still be promoted."
            )
        )


def already_published(selection: Selection) -> str:
    when = date_format(timezone.localtime(selection.published_at), "DATETIME_FORMAT")
    if selection.published_by is None:
        return _("The results were already published on %(when)s. Nothing was sent again.") % {
            "when": when
        }
    return _(
        "The results were already published on %(when)s by %(person)s. Nothing was sent again."
    ) % {"when": when, "person": selection.published_by}
