"""The facilitator's decisions and pins: drafts until published, each change on the audit trail."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Decision, DecisionEvent, Nomination, Pin
from .common import (
    NOTE_LENGTH,
    SelectionRefused,
    locked_selection,
    refuse_stipend_against_rule,
    refuse_when_published,
    require_manager,
)

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action


def record_event(
    *, nomination: Nomination, action: str, decision: Decision, by: Any, at: datetime
) -> DecisionEvent:
    return DecisionEvent.objects.create(
        nomination=nomination,
        action=action,
        outcome=decision.outcome,
        stipend_awarded=decision.stipend_awarded,
        note=decision.note,
        by=by,
        at=at,
    )


def write_decision(
    *, nomination: Nomination, by: Any, outcome: str, stipend_awarded: bool, note: str, at: datetime
) -> Decision:
    """Create or change the draft decision and append its event; nothing when nothing changes
    (a form sent twice records one event)."""
    decision = Decision.objects.filter(nomination=nomination).first()
    if decision is not None and (decision.outcome, decision.stipend_awarded, decision.note) == (
        outcome,
        stipend_awarded,
        note,
    ):
        return decision
    action = Action.DECIDED if decision is None else Action.CHANGED
    decision = decision or Decision(nomination=nomination)
    decision.outcome = outcome
    decision.stipend_awarded = stipend_awarded
    decision.note = note
    decision.decided_by = by
    decision.decided_at = at
    decision.save()
    record_event(nomination=nomination, action=action, decision=decision, by=by, at=at)
    return decision


def _check_outcome(*, outcome: str, stipend_awarded: bool) -> None:
    if outcome not in Outcome.values:
        raise SelectionRefused(_("Choose accepted, waitlisted or declined."))
    if stipend_awarded and outcome != Outcome.ACCEPTED:
        raise SelectionRefused(_("A travel stipend goes only with an acceptance."))


def decide(
    *, nomination: Nomination, by: Any, outcome: str, stipend_awarded: bool = False, note: str = ""
) -> Decision:
    """Record the facilitator's draft decision on a nomination under review.

    Nobody is told until :func:`publish_selection`. A stipend goes only with an acceptance,
    and only to a nominee the cohort's stipend rule allows one (awarding more stipends than
    the cohort has is allowed in a draft: the decisions page warns, promotion asks why).
    Refused once the results are published; promotion from the waitlist is the one change
    still possible then (:func:`promote_from_waitlist`).
    """
    cohort = nomination.cohort
    require_manager(user=by, cohort=cohort)
    _check_outcome(outcome=outcome, stipend_awarded=stipend_awarded)
    with transaction.atomic():
        refuse_when_published(locked_selection(cohort))
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != Status.UNDER_REVIEW:
            raise SelectionRefused(_("Only a nomination under review can be decided."))
        if stipend_awarded:
            refuse_stipend_against_rule(nomination=locked)
        return write_decision(
            nomination=locked,
            by=by,
            outcome=outcome,
            stipend_awarded=stipend_awarded,
            note=note.strip()[:NOTE_LENGTH],
            at=timezone.now(),
        )


def clear_decision(*, nomination: Nomination, by: Any) -> bool:
    """Remove a draft decision (the trail keeps it); False when there was none."""
    require_manager(user=by, cohort=nomination.cohort)
    with transaction.atomic():
        refuse_when_published(locked_selection(nomination.cohort))
        decision = Decision.objects.select_for_update().filter(nomination=nomination).first()
        if decision is None:
            return False
        record_event(
            nomination=nomination,
            action=Action.CLEARED,
            decision=decision,
            by=by,
            at=timezone.now(),
        )
        decision.delete()
    return True


def pin(*, nomination: Nomination, by: Any, direction: str | None, reason: str = "") -> Pin | None:
    """Pin a nomination under review in or out of the assistant's proposals, saying why;
    None unpins. Who pinned and why go into the assistant's explanation."""
    require_manager(user=by, cohort=nomination.cohort)
    if direction is not None and direction not in Pin.Direction.values:
        raise SelectionRefused(_("Pin a nomination in or out."))
    if not Nomination.objects.filter(pk=nomination.pk, status=Status.UNDER_REVIEW).exists():
        raise SelectionRefused(_("Only a nomination under review can be pinned."))
    if direction is None:
        Pin.objects.filter(nomination=nomination).delete()
        return None
    pinned, _created = Pin.objects.update_or_create(
        nomination=nomination,
        defaults={"direction": direction, "by": by, "reason": reason.strip()[:200]},
    )
    return pinned
