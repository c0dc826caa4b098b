"""The demo cohort's selection: criteria, the advisors' reviews, decisions and their publication.

It picks up where :mod:`demo.nominations` stops. Review opens the morning after the 2024
deadline: every submitted nomination goes to three of the six demo advisors, assigned by the
real balanced assignment (:func:`nominations.assignment.assign_balanced`) with the automatic
conflicts opening review applies (:func:`nominations.review.automatic_conflicts`): no advisor
is handed their own library's nominee or one they nominated. One advisor declares a conflict
of interest of her own, with a note, and that nomination goes to another advisor; every other
review is submitted with scores, a recommendation and a short comment. The facilitator pins
out, saying why, the nominations whose candidate never confirmed, runs the real selection
assistant (:mod:`nominations.selection`) for the 18 places the 2024 cohort had, and its
explanation becomes each decision's note: 18 accepted, a few waitlisted (with their place on
the waitlist), the rest declined, the stipends going to accepted candidates who need one.
The results are published on 19 February 2024, the call's announcement date.

The scores are pseudo-random but fixed: each comes from a generator seeded with natural keys
(the nomination's creation token, the advisor's address, the criterion's name), not with
database ids, so every load on every database gives the same scores, and with them the same
ranking, proposal and decisions.

The demo writes the publication directly instead of calling
:func:`nominations.selection.publish_selection`: publishing stamps "now" and queues a result
mail to every candidate and nominator, and the demo needs the 2024 dates and no mail to
invented addresses. It still enrols the accepted with
:func:`nominations.selection.enrol_participant`, the code publishing uses, then gives each of
them the demo password (:func:`demo.people.load_account`) so one can sign in as a participant.

Everything is keyed on a natural key (a nomination and an advisor, a nomination and an
action…) and written with ``update_or_create``, so loading twice leaves exactly the rows that
loading once did, with the same primary keys.
"""

import datetime as dt
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cohorts.models import Cohort
from metlib.models import User
from nominations import assistant, selection
from nominations.assignment import assign_balanced
from nominations.models import (
    Criterion,
    Decision,
    DecisionEvent,
    Nomination,
    Pin,
    Recommendation,
    Review,
    Score,
    Selection,
)
from nominations.review import automatic_conflicts

from .nominations import NOMINATORS, OUTCOMES
from .people import COHORT_ZONE, load_account

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action

CRITERIA = (
    (
        "Motivation",
        "How much the candidate wants to learn from peers and share their own work all year.",
    ),
    (
        "Relevance of the project to urban transformation",
        "How closely the project touches the city's growth, equity, sustainability or civic life.",
    ),
    (
        "Expected impact",
        "What the candidate, their library and the circle stand to gain from their taking part.",
    ),
)

# The 2024 cohort had 18 participants; the call asks for 15-20, so the demo's facilitator
# gives the assistant 18 places rather than the cohort's maximum of 20.
PLACES = 18
MIN_COUNTRIES = 8
WAITLIST_SIZE = 4
REVIEWERS_PER_NOMINATION = 3

# The story's moments, in the cohort's zone.
REVIEW_OPENED_AT = dt.datetime(2024, 2, 16, 14, 0, tzinfo=COHORT_ZONE)
CLOSED_AT = dt.datetime(2024, 2, 18, 15, 0, tzinfo=COHORT_ZONE)
DECIDED_AT = dt.datetime(2024, 2, 18, 16, 30, tzinfo=COHORT_ZONE)
PUBLISHED_AT = dt.datetime(2024, 2, 19, 9, 0, tzinfo=COHORT_ZONE)

# Part of every seed; changing it changes every score, and with them the whole selection.
SEED = "metlib-demo-2024-selection"
NOT_APPLICABLE_CHANCE = 0.02
PIN_REASON = "the candidate never confirmed the nomination"
# The one conflict of interest an advisor declares herself: the automatic ones (her own
# library's nominee, her own nominee) are never assigned to her in the first place.
DECLARED_CONFLICT = (
    "freja.sondergard@demo.metlib.example",
    "I co-wrote this project's funding application with the candidate last year.",
)

COMMENTS = {
    Recommendation.STRONGLY: (
        "A clear fit: “{project}” is the kind of work the circle exists to share.",
        "Strong on every count; the candidate would bring a great deal to the group.",
    ),
    Recommendation.RECOMMEND: (
        "A solid nomination; “{project}” would add to the group's discussions.",
        "Good motivation and a relevant project; I would be glad to see them in the circle.",
    ),
    Recommendation.NEUTRAL: (
        "Relevant, but the nomination says little about what the candidate would bring back.",
        "A worthwhile project; its link to urban transformation could be clearer.",
    ),
    Recommendation.NOT: (
        "“{project}” is at an early stage; a later cohort may suit it better.",
        "The motivation is thin for a year-long commitment.",
    ),
}


class DemoSelectionError(Exception):
    """The demo's selection does not tell the story it should (18 accepted, ≥ 8 countries)."""


@dataclass(frozen=True)
class DemoSelection:
    """What :func:`load_selection` loaded, for the command to report."""

    reviews: int  # submitted reviews
    conflicts: int  # declared by an advisor
    kept_apart: int  # (nomination, advisor) pairs the automatic conflicts never assigned
    not_applicable: int  # scores left empty as "not applicable"
    accepted: tuple[Nomination, ...]  # best score first
    waitlisted: int
    declined: int
    countries: int  # of the accepted
    continents: int  # of the accepted
    stipends: int
    participant: User  # the best-scored accepted candidate, to sign in as


def load_criteria(*, cohort: Cohort) -> list[Criterion]:
    """Create or update the cohort's three criteria, in order."""
    return [
        Criterion.objects.update_or_create(
            cohort=cohort, name=name, defaults={"description": description, "position": position}
        )[0]
        for position, (name, description) in enumerate(CRITERIA, start=1)
    ]


def load_selection_settings(*, cohort: Cohort, facilitator: User) -> Selection:
    """Create or update the cohort's selection settings, opened on the morning after the
    deadline and closed once the reviews were in."""
    selection_row, _created = Selection.objects.update_or_create(
        cohort=cohort,
        defaults={
            "assignment": Selection.Assignment.BALANCED,
            "reviewers_per_nomination": REVIEWERS_PER_NOMINATION,
            "scores_hidden": False,
            "max_per_country": 3,
            "min_project_kinds": 4,
            "represent_every_continent": True,
            "review_opened_at": REVIEW_OPENED_AT,
            "review_opened_by": facilitator,
            "closed_at": CLOSED_AT,
        },
    )
    return selection_row


def lock_for_review(*, cohort: Cohort) -> list[int]:
    """Put the submitted nominations under review, as opening review does; their ids in order.

    :func:`demo.nominations.load_nominations` sets them back to submitted on every load; the
    ones a previous load told their result are put back under review too, so this part of
    the demo can also be loaded again on its own. The decisions then move them on again.
    """
    Nomination.objects.filter(
        cohort=cohort, status__in=(Status.SUBMITTED, *selection.TOLD_STATUSES)
    ).update(status=Status.UNDER_REVIEW)
    return list(
        Nomination.objects.filter(cohort=cohort, status=Status.UNDER_REVIEW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def declare_conflicts(*, cohort: Cohort, advisors: Sequence[User]) -> int:
    """The advisor of :data:`DECLARED_CONFLICT` declares a conflict of interest on the first
    nomination handed to them (by nomination), with a note, as the review page asks; how
    many were newly declared (none once declared: the reload finds it)."""
    email, note = DECLARED_CONFLICT
    advisor = next((a for a in advisors if a.email == email), None)
    if advisor is None:
        return 0
    mine = Review.objects.filter(nomination__cohort=cohort, advisor=advisor)
    if mine.filter(status=Review.Status.CONFLICT).exists():
        return 0
    review = mine.order_by("nomination_id").first()
    if review is None:
        return 0
    review.scores.all().delete()
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.CONFLICT,
        recommendation="",
        comment="",
        conflict_note=note,
        submitted_at=None,
        created_at=REVIEW_OPENED_AT,
        updated_at=REVIEW_OPENED_AT + dt.timedelta(hours=2),
    )
    return 1


def assign_reviews(*, cohort: Cohort, advisors: Sequence[User]) -> tuple[int, int]:
    """Assign the nominations under review to three advisors each as opening review does:
    the real balanced assignment, with the automatic conflicts kept apart (no advisor gets
    their own library's nominee, or one they nominated). One advisor then declares a conflict
    of their own and the nomination goes to another. Returns (conflicts declared, pairs kept
    apart automatically)."""
    nomination_ids = lock_for_review(cohort=cohort)
    # Ordered by account, as opening review orders them: the same advisors every load.
    advisor_ids = sorted(advisor.pk for advisor in advisors)
    barred = automatic_conflicts(cohort=cohort, nomination_ids=nomination_ids)
    # A demo loaded before the rule may hold a barred review of any status: never keep one.
    stale = [
        pk
        for pk, nomination_id, advisor_id in Review.objects.filter(
            nomination_id__in=nomination_ids
        ).values_list("pk", "nomination_id", "advisor_id")
        if (nomination_id, advisor_id) in barred
    ]
    Review.objects.filter(pk__in=stale).delete()
    while True:
        assign_balanced(
            nomination_ids=nomination_ids,
            advisor_ids=advisor_ids,
            per_nomination=REVIEWERS_PER_NOMINATION,
            barred=barred,
        )
        if not declare_conflicts(cohort=cohort, advisors=advisors):
            break
    declared = Review.objects.filter(
        nomination__cohort=cohort, status=Review.Status.CONFLICT
    ).count()
    return declared, len(barred)


def demo_scores(
    *, nomination: Nomination, advisor: User, criteria: Sequence[Criterion]
) -> dict[int, int | None]:
    """An advisor's fixed pseudo-random scores of a nomination, by criterion id.

    A nomination has a strength of its own, so its advisors roughly agree; each score strays
    from it a little. Now and then a criterion is "not applicable" (None).
    """
    strength = random.Random(f"{SEED}:{nomination.creation_token}").uniform(2.0, 4.7)
    scores: dict[int, int | None] = {}
    for criterion in criteria:
        rng = random.Random(f"{SEED}:{nomination.creation_token}:{advisor.email}:{criterion.name}")
        value = min(5, max(1, round(strength + rng.gauss(0, 0.7))))
        scores[criterion.pk] = None if rng.random() < NOT_APPLICABLE_CHANCE else value
    return scores


def recommendation_for(scores: dict[int, int | None]) -> Recommendation:
    """The recommendation that goes with a review's scores."""
    given = [value for value in scores.values() if value is not None]
    mean = statistics.fmean(given) if given else 3.0
    if mean >= 4.3:
        return Recommendation.STRONGLY
    if mean >= 3.5:
        return Recommendation.RECOMMEND
    if mean >= 2.5:
        return Recommendation.NEUTRAL
    return Recommendation.NOT


def _submitted_at(*, index: int) -> dt.datetime:
    """When the review was submitted: spread over the two and a half review days."""
    return REVIEW_OPENED_AT + dt.timedelta(hours=2 + index * 7 % 44)


def load_review(*, review: Review, criteria: Sequence[Criterion], index: int) -> int:
    """Create or update one submitted review and its scores; how many are "not applicable"."""
    nomination = review.nomination
    scores = demo_scores(nomination=nomination, advisor=review.advisor, criteria=criteria)
    for criterion_id, value in scores.items():
        Score.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults={"value": value}
        )
    recommendation = recommendation_for(scores)
    choices = COMMENTS[recommendation]
    comment = choices[index % len(choices)].format(project=nomination.project_title)
    submitted_at = _submitted_at(index=index)
    # A queryset update: created_at and updated_at would otherwise say "now".
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.SUBMITTED,
        recommendation=recommendation,
        comment=comment,
        conflict_note="",
        submitted_at=submitted_at,
        created_at=REVIEW_OPENED_AT,
        updated_at=submitted_at,
    )
    return sum(value is None for value in scores.values())


def load_reviews(*, cohort: Cohort, criteria: Sequence[Criterion]) -> tuple[int, int]:
    """Submit every review that is not a conflict of interest; (reviews, "not applicable")."""
    reviews = (
        Review.objects.filter(nomination__cohort=cohort)
        .exclude(status=Review.Status.CONFLICT)
        .select_related("nomination", "advisor")
        .order_by("nomination_id", "advisor_id")
    )
    not_applicable = [
        load_review(review=review, criteria=criteria, index=index)
        for index, review in enumerate(reviews)
    ]
    return len(not_applicable), sum(not_applicable)


def load_pins(*, cohort: Cohort, facilitator: User) -> list[Pin]:
    """Pin out the nominations whose candidate never confirmed: nobody can know they will
    take part."""
    pins = []
    for nomination in Nomination.objects.filter(
        cohort=cohort, status=Status.UNDER_REVIEW, candidate_confirmed_at__isnull=True
    ).order_by("pk"):
        pin, _created = Pin.objects.update_or_create(
            nomination=nomination,
            defaults={"direction": Pin.Direction.OUT, "by": facilitator, "reason": PIN_REASON},
        )
        Pin.objects.filter(pk=pin.pk).update(at=CLOSED_AT)  # ``at`` is "now" on every save
        pins.append(pin)
    return pins


def propose(*, cohort: Cohort) -> tuple[assistant.Proposal, dict[int, assistant.Candidate]]:
    """The real assistant's proposal for the cohort's rules and pins, with :data:`PLACES`
    places; and the candidates it weighed, by nomination id."""
    candidates = selection.assistant_candidates(cohort=cohort)
    constraints = replace(selection.assistant_constraints(cohort=cohort), capacity_max=PLACES)
    proposal = assistant.propose_cohort(candidates=candidates, constraints=constraints)
    return proposal, {candidate.id: candidate for candidate in candidates}


def outcomes_of(
    *,
    proposal: assistant.Proposal,
    candidates: dict[int, assistant.Candidate],
    pinned_out: set[int],
) -> dict[int, str]:
    """Each candidate's outcome, as applying the proposal gives it: the selected accepted, the
    next :data:`WAITLIST_SIZE` best not pinned out waitlisted, the rest declined."""
    selected = set(proposal.selected)
    rest = sorted(
        (pk for pk in candidates if pk not in selected and pk not in pinned_out),
        key=lambda pk: (-assistant.score_units(candidates[pk].score), pk),
    )
    outcomes = dict.fromkeys(candidates, Outcome.DECLINED)
    outcomes |= dict.fromkeys(rest[:WAITLIST_SIZE], Outcome.WAITLISTED)
    outcomes |= dict.fromkeys(selected, Outcome.ACCEPTED)
    return outcomes


def load_decision(
    *,
    nomination: Nomination,
    outcome: str,
    stipend: bool,
    note: str,
    facilitator: User,
    decided_at: dt.datetime = DECIDED_AT,
    published_at: dt.datetime = PUBLISHED_AT,
) -> Decision:
    """Create or update one published decision and its two events: decided, then published."""
    decision, _created = Decision.objects.update_or_create(
        nomination=nomination,
        defaults={
            "outcome": outcome,
            "stipend_awarded": stipend,
            "note": note,
            "decided_by": facilitator,
            "decided_at": decided_at,
            "published_at": published_at,
        },
    )
    for action, at in ((Action.DECIDED, decided_at), (Action.PUBLISHED, published_at)):
        DecisionEvent.objects.update_or_create(
            nomination=nomination,
            action=action,
            defaults={
                "outcome": outcome,
                "stipend_awarded": stipend,
                "note": note,
                "by": facilitator,
                "at": at,
            },
        )
    return decision


def load_decisions(*, cohort: Cohort, facilitator: User) -> list[Decision]:
    """Pin, run the assistant and write its proposal as published decisions, each with the
    assistant's explanation as its note; the nominations take their outcome as status."""
    pinned_out = {pin.nomination_id for pin in load_pins(cohort=cohort, facilitator=facilitator)}
    proposal, candidates = propose(cohort=cohort)
    outcomes = outcomes_of(proposal=proposal, candidates=candidates, pinned_out=pinned_out)
    nominations = Nomination.objects.filter(pk__in=outcomes).order_by("pk")
    waitlist = sorted(
        (pk for pk, outcome in outcomes.items() if outcome == Outcome.WAITLISTED),
        key=lambda pk: (-assistant.score_units(candidates[pk].score), pk),
    )
    decisions = [
        load_decision(
            nomination=nomination,
            outcome=outcomes[nomination.pk],
            stipend=outcomes[nomination.pk] == Outcome.ACCEPTED
            and candidates[nomination.pk].needs_stipend,
            note=selection.assistant_note(proposal=proposal, pk=nomination.pk, waitlist=waitlist),
            facilitator=facilitator,
        )
        for nomination in nominations
    ]
    for outcome in Outcome.values:
        Nomination.objects.filter(
            pk__in=[pk for pk, chosen in outcomes.items() if chosen == outcome]
        ).update(status=outcome, updated_at=PUBLISHED_AT)
    return decisions


def enrol(*, nomination: Nomination) -> User:
    """Make the accepted candidate a participant with the code publishing uses, then give
    their account the demo password and a verified address."""
    user = selection.enrol_participant(nomination=nomination)
    return load_account(
        email=user.email,
        display_name=nomination.candidate_name,
        time_zone=NOMINATORS[nomination.library.name].time_zone,
    )


def publish(*, cohort: Cohort, facilitator: User) -> Selection:
    """Mark the selection published on the announcement date, without telling anyone."""
    published = Selection.objects.get(cohort=cohort)
    published.published_at = PUBLISHED_AT
    published.published_by = facilitator
    published.save(update_fields=["published_at", "published_by"])
    return published


def accepted_nominations(*, cohort: Cohort) -> list[Nomination]:
    """The accepted nominations, best review score first (ties: the earlier nomination)."""
    scores = selection.review_scores(cohort=cohort)
    accepted = Nomination.objects.filter(
        cohort=cohort, decision__outcome=Outcome.ACCEPTED
    ).select_related("library", "cohort")
    return sorted(accepted, key=lambda nomination: (-(scores[nomination.pk] or 0.0), nomination.pk))


def _check(accepted: Sequence[Nomination]) -> set[str]:
    countries = {str(nomination.library.country) for nomination in accepted}
    if len(accepted) != PLACES or len(countries) < MIN_COUNTRIES:
        raise DemoSelectionError(
            f"The demo selection accepted {len(accepted)} from {len(countries)} countries; "
            f"it should accept {PLACES} from at least {MIN_COUNTRIES}."
        )
    return countries


def load_selection(*, cohort: Cohort, advisors: Sequence[User], facilitator: User) -> DemoSelection:
    """Create or update the demo's whole selection, published on 19 February 2024; safe to
    run again and again. Run it after :func:`demo.nominations.load_nominations`, inside the
    same transaction. Raises :class:`DemoSelectionError` unless 18 are accepted from at least
    8 countries."""
    criteria = load_criteria(cohort=cohort)
    load_selection_settings(cohort=cohort, facilitator=facilitator)
    conflicts, kept_apart = assign_reviews(cohort=cohort, advisors=advisors)
    reviews, not_applicable = load_reviews(cohort=cohort, criteria=criteria)
    decisions = load_decisions(cohort=cohort, facilitator=facilitator)
    accepted = accepted_nominations(cohort=cohort)
    countries = _check(accepted)
    participants = [enrol(nomination=nomination) for nomination in accepted]
    publish(cohort=cohort, facilitator=facilitator)
    outcomes = [decision.outcome for decision in decisions]
    return DemoSelection(
        reviews=reviews,
        conflicts=conflicts,
        kept_apart=kept_apart,
        not_applicable=not_applicable,
        accepted=tuple(accepted),
        waitlisted=outcomes.count(Outcome.WAITLISTED),
        declined=outcomes.count(Outcome.DECLINED),
        countries=len(countries),
        continents=len({nomination.library.geography.continent for nomination in accepted}),
        stipends=sum(decision.stipend_awarded for decision in decisions),
        participant=participants[0],
    )


# --- The running cohort's selection (demo.today) -----------------------------------------------


@dataclass(frozen=True)
class RunningSelection:
    """What :func:`load_running_selection` loaded, for the command to report."""

    accepted: tuple[Nomination, ...]  # in the data file's order
    waitlisted: int
    declined: int
    stipends: int
    participants: tuple[User, ...]


def load_running_selection(
    *, cohort: Cohort, published_at: dt.datetime, facilitator: User
) -> RunningSelection:
    """The running cohort's selection, published at ``published_at``: each nomination's
    outcome as the data file gives it (demo/data/running.toml), the accepted enrolled with
    :func:`nominations.selection.enrol_participant`, a few on the waitlist. Nobody is told:
    no mail is queued. Safe to run again."""
    load_criteria(cohort=cohort)
    deadline = cohort.nominations_deadline
    Selection.objects.update_or_create(
        cohort=cohort,
        defaults={
            "assignment": Selection.Assignment.BALANCED,
            "reviewers_per_nomination": REVIEWERS_PER_NOMINATION,
            "review_opened_at": deadline + dt.timedelta(hours=14),
            "review_opened_by": facilitator,
            "closed_at": published_at - dt.timedelta(days=1),
            "published_at": published_at,
            "published_by": facilitator,
        },
    )
    nominations = {
        nomination.candidate_email.split("@")[0]: nomination
        for nomination in Nomination.objects.filter(cohort=cohort).select_related("library")
    }
    stipends = 0
    decisions = []
    for key, outcome in OUTCOMES.items():
        nomination = nominations[key]
        stipend = (
            outcome == Outcome.ACCEPTED
            and bool(nomination.stipend_reason)
            and cohort.may_receive_stipend(nomination.library)
            and stipends < cohort.stipends_available
        )
        stipends += stipend
        decisions.append(
            load_decision(
                nomination=nomination,
                outcome=outcome,
                stipend=stipend,
                note="",
                facilitator=facilitator,
                decided_at=published_at - dt.timedelta(hours=20),
                published_at=published_at,
            )
        )
        Nomination.objects.filter(pk=nomination.pk).update(status=outcome, updated_at=published_at)
    accepted = tuple(
        nominations[key] for key, outcome in OUTCOMES.items() if outcome == Outcome.ACCEPTED
    )
    participants = tuple(enrol(nomination=nomination) for nomination in accepted)
    outcomes = [decision.outcome for decision in decisions]
    return RunningSelection(
        accepted=accepted,
        waitlisted=outcomes.count(Outcome.WAITLISTED),
        declined=outcomes.count(Outcome.DECLINED),
        stipends=stipends,
        participants=participants,
    )


def load_open_selection(*, cohort: Cohort) -> Selection:
    """The open call's selection, prepared and not begun: its criteria and how nominations
    will be shared out. Review cannot open while the call is open (opening review closes
    the call), so no nomination is assigned yet."""
    load_criteria(cohort=cohort)
    selection_row, _created = Selection.objects.update_or_create(
        cohort=cohort,
        defaults={
            "assignment": Selection.Assignment.BALANCED,
            "reviewers_per_nomination": REVIEWERS_PER_NOMINATION,
            "review_opened_at": None,
            "review_opened_by": None,
            "closed_at": None,
            "published_at": None,
            "published_by": None,
        },
    )
    return selection_row
