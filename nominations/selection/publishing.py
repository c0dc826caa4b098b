"""Publishing every result at once, and promotion from the waitlist."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort

from ..models import Decision, DecisionEvent, Nomination, Selection
from .common import (
    NOTE_LENGTH,
    SelectionRefused,
    locked_selection,
    refuse_stipend_against_rule,
    require_manager,
    selection_settings,
)
from .decision_page import decision_rows, publication_problems, tally
from .decisions import record_event
from .enrolment import enrol_participant
from .result_mails import queue_result_mails, result_recipients

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action


def publish_selection(*, cohort: Cohort, by: Any) -> int:
    """Publish every draft decision: the selection is marked published now, and the
    ``nominations.publish_results`` task (enqueued after commit) tells each applicant.

    Returns how many results are to be told. A second press is refused ("already
    published") and sends nothing; so is publishing while a nomination is undecided.
    """
    from ..tasks import publish_results

    require_manager(user=by, cohort=cohort)
    with transaction.atomic():
        selection = locked_selection(cohort)
        counts = tally(decision_rows(cohort=cohort))
        problems = publication_problems(selection=selection, counts=counts)
        if problems:
            raise SelectionRefused(" ".join(problems))
        now = timezone.now()
        selection.published_at = now
        selection.published_by = by
        selection.closed_at = selection.closed_at or now  # no review changes after the results
        selection.save(update_fields=["published_at", "published_by", "closed_at"])
        # robust: a broker outage must not undo the publication; "send the rest" retries.
        transaction.on_commit(lambda: publish_results.delay(cohort_id=cohort.pk), robust=True)
    return counts.unpublished


def resume_publication(*, cohort: Cohort, by: Any) -> int:
    """Enqueue the telling again for results still untold (after a broker outage, say);
    how many are left. Harmless when there are none."""
    from ..tasks import publish_results

    require_manager(user=by, cohort=cohort)
    if selection_settings(cohort).published_at is None:
        raise SelectionRefused(_("The results are not published yet."))
    left = _untold(cohort).count()
    if left:
        transaction.on_commit(lambda: publish_results.delay(cohort_id=cohort.pk), robust=True)
    return left


def _untold(cohort: Cohort) -> QuerySet[Decision]:
    return Decision.objects.filter(
        nomination__cohort=cohort,
        nomination__status=Status.UNDER_REVIEW,
        published_at__isnull=True,
    )


def publish_results(*, cohort: Cohort) -> int:
    """Tell every applicant of a published selection who has not been told: their result
    mails queued, their decision and nomination marked, their account and membership made
    when accepted. One transaction per applicant, each claimed under a row lock, so running
    this twice, or in two workers at once, tells nobody twice. Returns how many it told."""
    selection = Selection.objects.filter(cohort=cohort).first()
    if selection is None or selection.published_at is None:
        return 0
    told = 0
    for decision_id in _untold(cohort).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            decision = (
                Decision.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "nomination__cohort", "nomination__library", "nomination__nominator"
                )
                .filter(pk=decision_id, published_at__isnull=True)
                .first()
            )
            if decision is None or decision.nomination.status != Status.UNDER_REVIEW:
                continue
            _tell(decision=decision, by=selection.published_by or decision.decided_by)
            told += 1
    return told


def _tell(*, decision: Decision, by: Any, promoted: bool = False) -> None:
    now = timezone.now()
    nomination = decision.nomination
    if decision.outcome == Outcome.ACCEPTED:
        enrol_participant(nomination=nomination)
    queue_result_mails(decision=decision, promoted=promoted)
    decision.published_at = now
    decision.save(update_fields=["published_at"])
    nomination.status = decision.outcome
    nomination.save(update_fields=["status", "updated_at"])
    action = Action.PROMOTED if promoted else Action.PUBLISHED
    record_event(nomination=nomination, action=action, decision=decision, by=by, at=now)


@dataclass(frozen=True)
class PromotionPreview:
    """What promoting someone would do, shown before anything is sent."""

    recipients: list[str]  # who gets the acceptance mail
    stipend_awarded: bool
    stipends_after: int  # travel stipends awarded once this promotion is made
    stipends_available: int

    @property
    def over_budget(self) -> bool:
        return self.stipend_awarded and self.stipends_after > self.stipends_available


def _stipends_awarded(cohort: Cohort, *, besides: Nomination) -> int:
    return (
        Decision.objects.filter(
            nomination__cohort=cohort, outcome=Outcome.ACCEPTED, stipend_awarded=True
        )
        .exclude(nomination=besides)
        .count()
    )


def promotion_preview(*, nomination: Nomination, stipend_awarded: bool) -> PromotionPreview:
    """The mails a promotion would send and the stipend budget after it. Changes nothing;
    refused for someone who cannot be promoted."""
    cohort = nomination.cohort
    if not Decision.objects.filter(
        nomination=nomination,
        published_at__isnull=False,
        outcome=Outcome.WAITLISTED,
        nomination__status=Status.WAITLISTED,
    ).exists():
        raise SelectionRefused(
            _("Only someone who has been told they are on the waitlist can be promoted.")
        )
    if stipend_awarded:
        refuse_stipend_against_rule(nomination=nomination)
    return PromotionPreview(
        recipients=[address for address, _nominator in result_recipients(nomination)],
        stipend_awarded=stipend_awarded,
        stipends_after=_stipends_awarded(cohort, besides=nomination) + stipend_awarded,
        stipends_available=cohort.stipends_available,
    )


def promote_from_waitlist(
    *,
    nomination: Nomination,
    by: Any,
    stipend_awarded: bool = False,
    note: str = "",
    over_budget_reason: str = "",
) -> Decision:
    """Accept someone who was told they are on the waitlist: their membership, their account,
    and one acceptance mail (the same key as any acceptance, so never a second one).

    A stipend only for a nominee the cohort's stipend rule allows one; one beyond the budget
    is refused unless ``over_budget_reason`` says why, and the reason goes on the audit trail.
    Both are checked before any mail is written.
    """
    require_manager(user=by, cohort=nomination.cohort)
    over_budget_reason = over_budget_reason.strip()
    with transaction.atomic():
        locked_selection(nomination.cohort)  # promotions take turns: the budget holds
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("nomination__cohort", "nomination__library", "nomination__nominator")
            .filter(nomination=nomination)
            .first()
        )
        if (
            decision is None
            or decision.published_at is None
            or decision.outcome != Outcome.WAITLISTED
            or decision.nomination.status != Status.WAITLISTED
        ):
            raise SelectionRefused(
                _("Only someone who has been told they are on the waitlist can be promoted.")
            )
        note = note.strip() or decision.note
        if stipend_awarded:
            refuse_stipend_against_rule(nomination=decision.nomination)
            if promotion_preview(nomination=nomination, stipend_awarded=True).over_budget:
                if not over_budget_reason:
                    raise SelectionRefused(
                        _(
                            "This stipend would go beyond the cohort's budget: give the reason "
                            "for going over it, or promote without a stipend."
                        )
                    )
                note = _("Over the stipend budget: %(reason)s. %(note)s") % {
                    "reason": over_budget_reason,
                    "note": note,
                }
        decision.outcome = Outcome.ACCEPTED
        decision.stipend_awarded = stipend_awarded
        decision.note = note.strip()[:NOTE_LENGTH]
        decision.decided_by = by
        decision.decided_at = timezone.now()
        decision.save()
        _tell(decision=decision, by=by, promoted=True)
    return decision
