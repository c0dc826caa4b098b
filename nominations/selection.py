"""Selection: the facilitator's decisions, the selection assistant's wiring, publishing every
result at once, and promotion from the waitlist.

Decisions are drafts (``Decision.published_at`` empty) until the facilitator publishes them;
every change appends a :class:`~nominations.models.DecisionEvent`, so the audit trail says who
decided what, and when. Publishing marks the cohort's selection published at once and leaves
the telling to the ``nominations.publish_results`` task, which writes each result mail to the
outbox under a key of its own: pressing twice, or running the task twice, never mails twice.

Views, admin actions and tasks all call these; each refusal is a :class:`SelectionRefused`
whose message is in words for the facilitator, and leaves the database as it was.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts import geography
from cohorts.models import Cohort, Membership, Role
from cohorts.permissions import Perm, has_cohort_perm
from metlib.models import Email, User
from metlib.outbox import queue_templated_email

from . import assistant, ranking
from .models import Decision, DecisionEvent, Nomination, Pin, Selection

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action

# The next best after the selected go on the waitlist, up to this many; the rest are declined.
DEFAULT_WAITLIST_SIZE = 5
NOTE_LENGTH = 500
TOLD_STATUSES = (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)


class SelectionRefused(Exception):
    """The change cannot be made; ``message`` says why, and nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require(*, user: Any, cohort: Cohort) -> None:
    if not has_cohort_perm(user=user, cohort=cohort, perm=Perm.DECIDE_SELECTION):
        raise PermissionDenied


def selection_settings(cohort: Cohort) -> Selection:
    """The cohort's selection, or its defaults (unsaved) while nobody has touched it."""
    found = Selection.objects.filter(cohort=cohort).select_related("published_by").first()
    return found or Selection(cohort=cohort)


def _locked_selection(cohort: Cohort) -> Selection:
    """The cohort's selection under a row lock: decisions and publication take turns."""
    selection, _created = Selection.objects.get_or_create(cohort=cohort)
    return Selection.objects.select_for_update().get(pk=selection.pk)


def _refuse_when_published(selection: Selection) -> None:
    if selection.published_at is not None:
        raise SelectionRefused(
            _(
                "The results are published: decisions can no longer change. Someone on the "
                "waitlist can still be promoted."
            )
        )


# --- Decisions ---------------------------------------------------------------------------------


def _record(
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


def _write_decision(
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
    _record(nomination=nomination, action=action, decision=decision, by=by, at=at)
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

    Nobody is told until :func:`publish_selection`. A stipend goes only with an acceptance
    (awarding more stipends than the cohort has is allowed: the diversity page warns).
    Refused once the results are published; promotion from the waitlist is the one change
    still possible then (:func:`promote_from_waitlist`).
    """
    cohort = nomination.cohort
    _require(user=by, cohort=cohort)
    _check_outcome(outcome=outcome, stipend_awarded=stipend_awarded)
    with transaction.atomic():
        _refuse_when_published(_locked_selection(cohort))
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != Status.UNDER_REVIEW:
            raise SelectionRefused(_("Only a nomination under review can be decided."))
        return _write_decision(
            nomination=locked,
            by=by,
            outcome=outcome,
            stipend_awarded=stipend_awarded,
            note=note.strip()[:NOTE_LENGTH],
            at=timezone.now(),
        )


def clear_decision(*, nomination: Nomination, by: Any) -> bool:
    """Remove a draft decision (the trail keeps it); False when there was none."""
    _require(user=by, cohort=nomination.cohort)
    with transaction.atomic():
        _refuse_when_published(_locked_selection(nomination.cohort))
        decision = Decision.objects.select_for_update().filter(nomination=nomination).first()
        if decision is None:
            return False
        _record(
            nomination=nomination,
            action=Action.CLEARED,
            decision=decision,
            by=by,
            at=timezone.now(),
        )
        decision.delete()
    return True


def pin(*, nomination: Nomination, by: Any, direction: str | None) -> Pin | None:
    """Pin a nomination under review in or out of the assistant's proposals; None unpins."""
    _require(user=by, cohort=nomination.cohort)
    if direction is not None and direction not in Pin.Direction.values:
        raise SelectionRefused(_("Pin a nomination in or out."))
    if not Nomination.objects.filter(pk=nomination.pk, status=Status.UNDER_REVIEW).exists():
        raise SelectionRefused(_("Only a nomination under review can be pinned."))
    if direction is None:
        Pin.objects.filter(nomination=nomination).delete()
        return None
    pinned, _created = Pin.objects.update_or_create(
        nomination=nomination, defaults={"direction": direction, "by": by}
    )
    return pinned


# --- The assistant -----------------------------------------------------------------------------


def review_scores(*, cohort: Cohort) -> dict[int, float | None]:
    """Each nomination's mean review score (None while unscored), as the ranking computes it."""
    return ranking.mean_scores(cohort=cohort)


def _candidate(nomination: Nomination, score: float | None) -> assistant.Candidate:
    library = nomination.library
    place = library.geography if library else geography.UNKNOWN
    return assistant.Candidate(
        id=nomination.pk,
        score=score,
        country=str(library.country.name) if library else _("Unknown country"),
        continent=place.continent or _("Unknown continent"),
        project_kind=str(nomination.get_project_kind_display()) or _("Unknown kind"),
        needs_stipend=nomination.stipend_conditional is True,
        label=nomination.candidate_name,
    )


def assistant_candidates(*, cohort: Cohort) -> list[assistant.Candidate]:
    """Every nomination under review as the assistant sees it, in nomination order."""
    scores = review_scores(cohort=cohort)
    nominations = (
        Nomination.objects.filter(cohort=cohort, status=Status.UNDER_REVIEW)
        .select_related("library")
        .order_by("pk")
    )
    return [_candidate(nomination, scores.get(nomination.pk)) for nomination in nominations]


def pins_of(*, cohort: Cohort) -> dict[int, str]:
    """Nomination id → "in" or "out", for the nominations under review."""
    return dict(
        Pin.objects.filter(
            nomination__cohort=cohort, nomination__status=Status.UNDER_REVIEW
        ).values_list("nomination_id", "direction")
    )


def assistant_constraints(*, cohort: Cohort) -> assistant.Constraints:
    """The rules of a run: capacity and stipends from the cohort, the rest from its selection
    settings, and the pins of the nominations under review."""
    selection = selection_settings(cohort)
    pins = pins_of(cohort=cohort)
    return assistant.Constraints(
        capacity_min=cohort.capacity_min,
        capacity_max=cohort.capacity_max,
        max_per_country=selection.max_per_country,
        stipends_available=cohort.stipends_available,
        min_project_kinds=selection.min_project_kinds,
        represent_every_continent=selection.represent_every_continent,
        pinned_in=frozenset(pk for pk, way in pins.items() if way == Pin.Direction.IN),
        pinned_out=frozenset(pk for pk, way in pins.items() if way == Pin.Direction.OUT),
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
    _require(user=by, cohort=cohort)
    if waitlist_size < 0:
        raise SelectionRefused(_("The waitlist size must be 0 or more."))
    with transaction.atomic():
        _refuse_when_published(_locked_selection(cohort))
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
            _write_decision(
                nomination=nominations[pk],
                by=by,
                outcome=outcome,
                stipend_awarded=outcome == Outcome.ACCEPTED and candidates[pk].needs_stipend,
                note=(_("Selection assistant: %(why)s") % {"why": proposal.explanations[pk]})[
                    :NOTE_LENGTH
                ],
                at=now,
            )
    counts = Counter(outcomes.get(pk, Outcome.DECLINED) for pk in nominations)
    return Applied(
        accepted=counts[Outcome.ACCEPTED],
        waitlisted=counts[Outcome.WAITLISTED],
        declined=counts[Outcome.DECLINED],
    )


# --- The decisions page ------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """One nomination on the decisions page: its score, draft or told decision, trail, pin."""

    nomination: Nomination
    score: float | None
    decision: Decision | None
    events: list[DecisionEvent]
    pin: str
    mails: list[Email] = field(default_factory=list)

    @property
    def can_be_promoted(self) -> bool:
        decision = self.decision
        return bool(decision and decision.published_at and decision.outcome == Outcome.WAITLISTED)


def _mail_keys(nomination: Nomination, outcome: str) -> list[str]:
    return [_key(nomination, outcome), _key(nomination, outcome, nominator=True)]


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
            counts["mails"] += len(_recipients(row.nomination))
    return Tally(**counts)


def publication_problems(*, selection: Selection, counts: Tally) -> list[str]:
    """Why the results cannot be published now (none: they can)."""
    if selection.published_at is not None:
        return [_already_published(selection)]
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


# --- Publishing --------------------------------------------------------------------------------


def _already_published(selection: Selection) -> str:
    when = date_format(timezone.localtime(selection.published_at), "DATETIME_FORMAT")
    if selection.published_by is None:
        return _("The results were already published on %(when)s. Nothing was sent again.") % {
            "when": when
        }
    return _(
        "The results were already published on %(when)s by %(person)s. Nothing was sent again."
    ) % {"when": when, "person": selection.published_by}


def publish_selection(*, cohort: Cohort, by: Any) -> int:
    """Publish every draft decision: the selection is marked published now, and the
    ``nominations.publish_results`` task (enqueued after commit) tells each applicant.

    Returns how many results are to be told. A second press is refused ("already
    published") and sends nothing; so is publishing while a nomination is undecided.
    """
    from .tasks import publish_results

    _require(user=by, cohort=cohort)
    with transaction.atomic():
        selection = _locked_selection(cohort)
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
    from .tasks import publish_results

    _require(user=by, cohort=cohort)
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
    _queue_result_mails(decision=decision, promoted=promoted)
    decision.published_at = now
    decision.save(update_fields=["published_at"])
    nomination.status = decision.outcome
    nomination.save(update_fields=["status", "updated_at"])
    action = Action.PROMOTED if promoted else Action.PUBLISHED
    _record(nomination=nomination, action=action, decision=decision, by=by, at=now)


def promote_from_waitlist(
    *, nomination: Nomination, by: Any, stipend_awarded: bool = False, note: str = ""
) -> Decision:
    """Accept someone who was told they are on the waitlist: their membership, their account,
    and one acceptance mail (the same key as any acceptance, so never a second one)."""
    _require(user=by, cohort=nomination.cohort)
    with transaction.atomic():
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
        decision.outcome = Outcome.ACCEPTED
        decision.stipend_awarded = stipend_awarded
        decision.note = note.strip()[:NOTE_LENGTH] or decision.note
        decision.decided_by = by
        decision.decided_at = timezone.now()
        decision.save()
        _tell(decision=decision, by=by, promoted=True)
    return decision


# --- Enrolment and the result mails ------------------------------------------------------------


def enrol_participant(*, nomination: Nomination) -> User:
    """The accepted candidate's account and participant membership, made once.

    The account is found by the candidate's address (a known address of anyone's, or an
    account's own) or made with an unusable password: they sign in by a code sent to that
    address. The address counts as verified when the candidate confirmed their nomination
    through the link mailed to it; otherwise signing in by code verifies it. The nomination
    keeps the membership it made (``Nomination.participant``), and a blank display name takes
    the candidate's name.
    """
    email = nomination.candidate_email.strip().lower()
    confirmed = nomination.candidate_confirmed_at is not None
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    user = address.user if address else User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, display_name=nomination.candidate_name[:150]
        )
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=confirmed,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif confirmed and not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    if not user.display_name.strip() and nomination.candidate_name.strip():
        # Certificates and the roster print the display name: never leave it blank.
        user.display_name = nomination.candidate_name.strip()[:150]
        user.save(update_fields=["display_name"])
    membership, _created = Membership.objects.get_or_create(
        user=user,
        cohort=nomination.cohort,
        role=Role.PARTICIPANT,
        defaults={"library": nomination.library},
    )
    linked = Nomination.objects.filter(participant=membership).exists()
    if not linked:  # a second accepted nomination of one person keeps the first as the project
        nomination.participant = membership
        nomination.save(update_fields=["participant"])
    return user


def _key(nomination: Nomination, outcome: str, *, nominator: bool = False) -> str:
    """The outbox key of a result mail: one per nomination, outcome and recipient, ever."""
    key = f"nomination:{nomination.pk}:result:{outcome}"
    return f"{key}:nominator" if nominator else key


def _recipients(nomination: Nomination) -> list[tuple[str, bool]]:
    """(address, is the nominator) of each result mail: the candidate, then the nominator
    unless they nominated themselves."""
    candidate = nomination.candidate_email.strip()
    nominator = (nomination.nominator_email or nomination.nominator.email).strip()
    recipients = [(candidate, False)]
    if nominator.lower() != candidate.lower():
        recipients.append((nominator, True))
    return recipients


def _queue_result_mails(*, decision: Decision, promoted: bool = False) -> None:
    nomination = decision.nomination
    cohort = nomination.cohort
    context = {
        "nomination": nomination,
        "cohort": cohort,
        "decision": decision,
        "promoted": promoted,
        "cohort_url": settings.SITE_URL + cohort.get_absolute_url(),
        "sign_in_url": settings.SITE_URL + reverse("account_request_login_code"),
        "nomination_url": settings.SITE_URL + reverse("nominations:detail", args=[nomination.pk]),
    }
    for address, to_nominator in _recipients(nomination):
        queue_templated_email(
            key=_key(nomination, decision.outcome, nominator=to_nominator),
            to=address,
            template=f"selection-{decision.outcome}",
            context={**context, "to_candidate": not to_nominator},
            # The candidate's language is unknown: the site's; the nominator's own otherwise.
            language=getattr(nomination.nominator, "language", None)
            if to_nominator
            else settings.LANGUAGE_CODE,
        )


def cohorts_with_untold_results() -> list[int]:
    """Ids of cohorts whose results are published but not yet told to everyone (a worker
    died, or the broker was down when the facilitator published)."""
    return list(
        Decision.objects.filter(
            nomination__cohort__selection__published_at__isnull=False,
            nomination__status=Status.UNDER_REVIEW,
            published_at__isnull=True,
        )
        .values_list("nomination__cohort_id", flat=True)
        .distinct()
    )
