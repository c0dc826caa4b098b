"""Publishing every result at once, and promotion from the waitlist."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort

from ..models import Decision, DecisionEvent, Nomination, Selection
from .common import (
    NOTE_LENGTH,
    SelectionRefused,
    StipendBudget,
    locked_selection,
    over_budget_note,
    refuse_stipend_against_rule,
    require_manager,
    selection_settings,
)
from .decision_page import DecisionRow, decision_rows, publication_problems, tally
from .decisions import record_event, write_decision
from .enrolment import enrol_participant
from .result_mails import queue_result_mails, result_recipients

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action


@dataclass(frozen=True)
class ResultMail:
    """One applicant's result as publishing would send it, and to whom."""

    nomination: Nomination
    outcome: str
    stipend_awarded: bool
    recipients: list[str]  # the candidate, then their nominator unless the same person

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass(frozen=True)
class PublicationPreview:
    """What publishing would do, shown before anything is sent."""

    mails: list[ResultMail]
    budget: StipendBudget
    problems: list[str]  # why it cannot be published now; none: it can

    @property
    def mail_count(self) -> int:
        return sum(len(mail.recipients) for mail in self.mails)


def _untold_rows(rows: list[DecisionRow]) -> list[DecisionRow]:
    return [
        row
        for row in rows
        if row.decision
        and row.decision.published_at is None
        and row.nomination.status == Status.UNDER_REVIEW
    ]


def publication_preview(*, cohort: Cohort) -> PublicationPreview:
    """Every result publishing would send and to whom, the stipend budget after it, and what
    stands in the way. Changes nothing; the same few queries however many applicants."""
    selection = selection_settings(cohort)
    rows = decision_rows(cohort=cohort)
    counts = tally(rows)
    untold = _untold_rows(rows)
    addresses: dict[int, list[EmailAddress]] = {}
    for address in EmailAddress.objects.filter(
        user__in={row.nomination.nominator_id for row in untold}, verified=True
    ):
        addresses.setdefault(address.user_id, []).append(address)
    mails = [
        ResultMail(
            nomination=row.nomination,
            outcome=row.decision.outcome,
            stipend_awarded=row.decision.stipend_awarded,
            recipients=[
                address
                for address, _nominator in result_recipients(
                    row.nomination,
                    nominator_addresses=addresses.get(row.nomination.nominator_id, []),
                )
            ],
        )
        for row in untold
    ]
    return PublicationPreview(
        mails=mails,
        budget=StipendBudget(awarded=counts.stipends, available=cohort.stipends_available),
        problems=publication_problems(selection=selection, counts=counts),
    )


def publish_selection(*, cohort: Cohort, by: Any, over_budget_reason: str = "") -> int:
    """Publish every draft decision: the selection is marked published now, and the
    ``nominations.publish_results`` task (enqueued after commit) tells each applicant.

    Returns how many results are to be told. A second press is refused ("already
    published") and sends nothing; so is publishing while a nomination is undecided, and
    publishing more travel stipends than the budget has unless ``over_budget_reason`` says
    why (it goes on the audit trail of each stipend, before any mail is written).
    """
    from ..tasks import publish_results

    require_manager(user=by, cohort=cohort)
    with transaction.atomic():
        selection = locked_selection(cohort)
        rows = decision_rows(cohort=cohort)
        counts = tally(rows)
        problems = publication_problems(selection=selection, counts=counts)
        if problems:
            raise SelectionRefused(" ".join(problems))
        budget = StipendBudget(awarded=counts.stipends, available=cohort.stipends_available)
        now = timezone.now()
        for row in _untold_rows(rows):
            decision = row.decision
            if not decision.stipend_awarded:
                continue
            write_decision(
                nomination=row.nomination,
                by=by,
                outcome=decision.outcome,
                stipend_awarded=True,
                note=over_budget_note(budget=budget, reason=over_budget_reason, note=decision.note),
                at=now,
            )
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
    def budget(self) -> StipendBudget:
        return StipendBudget(awarded=self.stipends_after, available=self.stipends_available)

    @property
    def over_budget(self) -> bool:
        return self.stipend_awarded and self.budget.over


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
            preview = promotion_preview(nomination=nomination, stipend_awarded=True)
            note = over_budget_note(budget=preview.budget, reason=over_budget_reason, note=note)
        decision.outcome = Outcome.ACCEPTED
        decision.stipend_awarded = stipend_awarded
        decision.note = note.strip()[:NOTE_LENGTH]
        decision.decided_by = by
        decision.decided_at = timezone.now()
        decision.save()
        _tell(decision=decision, by=by, promoted=True)
    return decision
