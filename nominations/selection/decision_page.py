"""The decisions page's rows and tally, and what stands in the way of publishing."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from metlib.models import Email

from ..models import Decision, DecisionEvent, Nomination, Selection
from .common import TOLD_STATUSES, already_published
from .proposals import review_scores
from .result_mails import nominated_themselves, result_mail_key

Status = Nomination.Status
Outcome = Decision.Outcome


@dataclass(frozen=True)
class DecisionRow:
    """One nomination on the decisions page: its score, draft or told decision, trail, pin."""

    nomination: Nomination
    score: float | None
    decision: Decision | None
    events: list[DecisionEvent]
    pin: str
    mails: list[Email] = field(default_factory=list)
    may_get_stipend: bool = True  # under the cohort's stipend rule

    @property
    def can_be_promoted(self) -> bool:
        decision = self.decision
        return bool(decision and decision.published_at and decision.outcome == Outcome.WAITLISTED)


def _mail_keys(nomination: Nomination, outcome: str) -> list[str]:
    return [
        result_mail_key(nomination, outcome),
        result_mail_key(nomination, outcome, nominator=True),
    ]


def decision_rows(*, cohort: Cohort, published: bool = False) -> list[DecisionRow]:
    """Every nomination under review or told its result, best score first, with its decision,
    pin and audit trail; after publication also the result mails. The same few queries for
    20 or 500 nominations."""
    nominations = list(
        Nomination.objects.filter(cohort=cohort, status__in=(Status.UNDER_REVIEW, *TOLD_STATUSES))
        .select_related("library", "nominator", "decision", "decision__decided_by", "pin")
        .prefetch_related(
            Prefetch(
                "decision_events",
                queryset=DecisionEvent.objects.select_related("by").order_by("at", "pk"),
            )
        )
    )
    scores = review_scores(cohort=cohort)
    mails: dict[str, Email] = {}
    if published:
        keys = [
            key
            for nomination in nominations
            if hasattr(nomination, "decision")
            for key in _mail_keys(nomination, nomination.decision.outcome)
        ]
        mails = {mail.key: mail for mail in Email.objects.filter(key__in=keys)}
    rows = []
    for nomination in nominations:
        decision = getattr(nomination, "decision", None)
        pinned = getattr(nomination, "pin", None)
        rows.append(
            DecisionRow(
                nomination=nomination,
                score=scores.get(nomination.pk),
                decision=decision,
                events=list(nomination.decision_events.all()),
                pin=pinned.direction if pinned else "",
                may_get_stipend=cohort.may_receive_stipend(nomination.library),
                mails=[
                    mails[key]
                    for key in (_mail_keys(nomination, decision.outcome) if decision else [])
                    if key in mails
                ],
            )
        )
    return sorted(rows, key=lambda row: (row.score is None, -(row.score or 0.0), row.nomination.pk))


@dataclass(frozen=True)
class Tally:
    """How the decisions stand: per outcome, undecided, stipends, what publishing would send."""

    accepted: int = 0
    waitlisted: int = 0
    declined: int = 0
    undecided: int = 0
    stipends: int = 0
    unpublished: int = 0  # decided, not yet told
    mails: int = 0  # what telling the unpublished would send

    @property
    def decided(self) -> int:
        return self.accepted + self.waitlisted + self.declined


def tally(rows: Iterable[DecisionRow]) -> Tally:
    """Count the rows of :func:`decision_rows` (no query)."""
    counts: Counter[str] = Counter()
    for row in rows:
        decision = row.decision
        if decision is None:
            counts["undecided"] += row.nomination.status == Status.UNDER_REVIEW
            continue
        counts[decision.outcome] += 1
        counts["stipends"] += decision.stipend_awarded
        if decision.published_at is None and row.nomination.status == Status.UNDER_REVIEW:
            counts["unpublished"] += 1
            counts["mails"] += 1 if nominated_themselves(row.nomination) else 2
    return Tally(**counts)


def told_outcomes(*, cohort: Cohort) -> dict[int, str]:
    """Nomination id → the outcome it was told (its label), for the published selection."""
    labels = dict(Outcome.choices)
    return {
        pk: str(labels[outcome])
        for pk, outcome in Decision.objects.filter(
            nomination__cohort=cohort, published_at__isnull=False
        ).values_list("nomination_id", "outcome")
    }


def publication_problems(*, selection: Selection, counts: Tally) -> list[str]:
    """Why the results cannot be published now (none: they can). Stipends beyond the budget
    are not among them: publishing asks for the reason instead (:func:`over_budget_note`)."""
    if selection.published_at is not None:
        return [already_published(selection)]
    problems = []
    if counts.undecided:
        problems.append(
            _(
                "%(count)s nominations under review have no decision yet: every applicant must "
                "hear a result, so decide them first."
            )
            % {"count": counts.undecided}
        )
    if not counts.unpublished and not counts.undecided:
        problems.append(_("There is no decision to publish."))
    return problems
