"""The selection assistant's wiring: the candidates and constraints it reads, and applying
its proposal as draft decisions."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts import geography
from cohorts.models import Cohort, StipendRule

from .. import assistant, ranking
from ..models import Decision, Nomination, Pin
from .common import (
    DEFAULT_WAITLIST_SIZE,
    NOTE_LENGTH,
    TOLD_STATUSES,
    SelectionRefused,
    locked_selection,
    refuse_when_published,
    require_manager,
    selection_settings,
)
from .decisions import write_decision

Status = Nomination.Status
Outcome = Decision.Outcome

STIPEND_RULE_WORDS = {
    StipendRule.GLOBAL_SOUTH: gettext_lazy("the call's stipend rule (Global South only)"),
    StipendRule.ANYONE: gettext_lazy("the call's stipend rule"),
}
# The nominations the assistant weighs: under review, and after publication the same ones,
# told their result, so its explanations still say why each is in or out.
POOL_STATUSES = (Status.UNDER_REVIEW, *TOLD_STATUSES)


def review_scores(*, cohort: Cohort) -> dict[int, float | None]:
    """Each nomination's mean review score (None while unscored), as the ranking computes it."""
    return ranking.mean_scores(cohort=cohort)


def _candidate(
    nomination: Nomination, score: float | None, *, cohort: Cohort
) -> assistant.Candidate:
    library = nomination.library
    place = library.geography if library else geography.UNKNOWN
    return assistant.Candidate(
        id=nomination.pk,
        score=score,
        country=str(library.country.name) if library else _("Unknown country"),
        continent=place.continent_name or _("Unknown continent"),
        project_kind=str(nomination.get_project_kind_display()) or _("Unknown kind"),
        needs_stipend=nomination.stipend_conditional is True,
        may_get_stipend=cohort.may_receive_stipend(library),
        label=nomination.candidate_name,
    )


def assistant_candidates(*, cohort: Cohort) -> list[assistant.Candidate]:
    """Every nomination under review (or, after publication, told its result) as the assistant
    sees it, in nomination order."""
    scores = review_scores(cohort=cohort)
    nominations = (
        Nomination.objects.filter(cohort=cohort, status__in=POOL_STATUSES)
        .select_related("library")
        .order_by("pk")
    )
    return [
        _candidate(nomination, scores.get(nomination.pk), cohort=cohort)
        for nomination in nominations
    ]


def pins_of(*, cohort: Cohort) -> dict[int, str]:
    """Nomination id → "in" or "out", for the nominations the assistant weighs."""
    return dict(
        Pin.objects.filter(
            nomination__cohort=cohort, nomination__status__in=POOL_STATUSES
        ).values_list("nomination_id", "direction")
    )


def assistant_constraints(*, cohort: Cohort) -> assistant.Constraints:
    """The rules of a run: capacity and stipends from the cohort, the rest from its selection
    settings, and the pins of the nominations under review."""
    selection = selection_settings(cohort)
    pins = pins_of(cohort=cohort)
    pinners = Pin.objects.filter(nomination_id__in=list(pins)).select_related("by")
    return assistant.Constraints(
        capacity_min=cohort.capacity_min,
        capacity_max=cohort.capacity_max,
        max_per_country=selection.max_per_country,
        stipends_available=cohort.stipends_available,
        min_project_kinds=selection.min_project_kinds,
        represent_every_continent=selection.represent_every_continent,
        pinned_in=frozenset(pk for pk, way in pins.items() if way == Pin.Direction.IN),
        pinned_out=frozenset(pk for pk, way in pins.items() if way == Pin.Direction.OUT),
        stipend_rule=str(
            STIPEND_RULE_WORDS.get(cohort.stipend_rule, STIPEND_RULE_WORDS[StipendRule.ANYONE])
        ),
        pinned_by=tuple(
            sorted(
                (pin.nomination_id, f"{pin.by}: {pin.reason}" if pin.reason else str(pin.by))
                for pin in pinners
            )
        ),
    )


def run_assistant(
    *, cohort: Cohort, candidates: Sequence[assistant.Candidate] | None = None
) -> assistant.Proposal:
    """The assistant's proposal for the nominations under review. Changes nothing.

    Raises :class:`~nominations.assistant.Infeasible` naming the constraints that cannot be
    met together, or :class:`~nominations.assistant.SolverGaveUp`. Same input, same answer.
    """
    if candidates is None:
        candidates = assistant_candidates(cohort=cohort)
    return assistant.propose_cohort(
        candidates=candidates, constraints=assistant_constraints(cohort=cohort)
    )


@dataclass(frozen=True)
class Applied:
    """How many draft decisions of each outcome applying a proposal wrote."""

    accepted: int
    waitlisted: int
    declined: int


def _ranked_rest(
    candidates: dict[int, assistant.Candidate], *, selected: Iterable[int]
) -> list[int]:
    chosen = set(selected)
    rest = [pk for pk in candidates if pk not in chosen]
    return sorted(rest, key=lambda pk: (-assistant.score_units(candidates[pk].score), pk))


def assistant_note(*, proposal: assistant.Proposal, pk: int, waitlist: Sequence[int]) -> str:
    """A decision's note when it comes from the assistant: its explanation in one sentence,
    and for the waitlisted their place on the waitlist."""
    why = proposal.explanations[pk]
    if pk in waitlist:
        note = _("Selection assistant: waitlisted, %(place)s of %(size)s by score; %(why)s") % {
            "place": list(waitlist).index(pk) + 1,
            "size": len(waitlist),
            "why": why,
        }
    else:
        note = _("Selection assistant: %(why)s") % {"why": why}
    return note[:NOTE_LENGTH]


def apply_proposal(
    *,
    cohort: Cohort,
    by: Any,
    proposal: assistant.Proposal,
    waitlist_size: int = DEFAULT_WAITLIST_SIZE,
) -> Applied:
    """Write the proposal as draft decisions: the selected accepted (with a stipend when their
    participation depends on one), the next ``waitlist_size`` best not pinned out waitlisted,
    the rest declined. Each note is the assistant's explanation. Nobody is told yet.
    """
    require_manager(user=by, cohort=cohort)
    if waitlist_size < 0:
        raise SelectionRefused(_("The waitlist size must be 0 or more."))
    with transaction.atomic():
        refuse_when_published(locked_selection(cohort))
        nominations = {
            nomination.pk: nomination
            for nomination in Nomination.objects.select_for_update().filter(
                cohort=cohort, status=Status.UNDER_REVIEW
            )
        }
        candidates = {c.id: c for c in assistant_candidates(cohort=cohort)}
        if set(proposal.explanations) != set(nominations):
            raise SelectionRefused(
                _("The nominations under review changed since the assistant ran: run it again.")
            )
        pinned_out = {pk for pk, way in pins_of(cohort=cohort).items() if way == Pin.Direction.OUT}
        rest = _ranked_rest(candidates, selected=proposal.selected)
        waitlist = [pk for pk in rest if pk not in pinned_out][:waitlist_size]
        outcomes = {pk: Outcome.ACCEPTED for pk in proposal.selected}
        outcomes |= {pk: Outcome.WAITLISTED for pk in waitlist}
        now = timezone.now()
        for pk in sorted(nominations):
            outcome = outcomes.get(pk, Outcome.DECLINED)
            write_decision(
                nomination=nominations[pk],
                by=by,
                outcome=outcome,
                stipend_awarded=outcome == Outcome.ACCEPTED and candidates[pk].needs_stipend,
                note=assistant_note(proposal=proposal, pk=pk, waitlist=waitlist),
                at=now,
            )
    counts = Counter(outcomes.get(pk, Outcome.DECLINED) for pk in nominations)
    return Applied(
        accepted=counts[Outcome.ACCEPTED],
        waitlisted=counts[Outcome.WAITLISTED],
        declined=counts[Outcome.DECLINED],
    )
