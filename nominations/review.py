"""Review by the advisory group: the criteria, opening review (the call closes, nominations
lock, advisors get their share), the advisors' scores as drafts and submissions, conflicts
of interest, closing selection, and who may see whose scores.

Views, admin actions and tasks all call these; each refusal is a :class:`ReviewRefused`
whose messages are in words for the person who asked, and leaves the database as it was.
"""

import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Membership, Role
from cohorts.permissions import Perm, cohort_perms, has_cohort_perm

from .assignment import Pair, assign_all, assign_balanced
from .models import Criterion, Nomination, Recommendation, Review, Score, Selection

logger = logging.getLogger(__name__)

Status = Review.Status
SCALE = range(1, 6)


class ReviewRefused(Exception):
    """The change cannot be made; ``messages`` say why, and nothing was changed.

    ``fields`` maps a form field to the reasons that belong beside it: a criterion's score
    is named by :func:`score_field`, other fields by their own name. Every reason beside a
    field is also in ``messages``.
    """

    def __init__(self, messages: list[str], *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.fields = fields or {}


def score_field(criterion_id: int) -> str:
    """The name of a criterion's score in the review form and in ``ReviewRefused.fields``."""
    return f"score_{criterion_id}"


def _require(*, user: Any, cohort: Cohort, perm: Perm) -> None:
    if not has_cohort_perm(user=user, cohort=cohort, perm=perm):
        raise PermissionDenied


# --- The selection and its criteria -------------------------------------------------------------


def selection_of(cohort: Cohort) -> Selection:
    """The cohort's selection settings and stage, made with the defaults on first use."""
    selection, _created = Selection.objects.get_or_create(cohort=cohort)
    return selection


def selection_is_closed(cohort: Cohort) -> bool:
    return Selection.objects.filter(cohort=cohort, closed_at__isnull=False).exists()


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion as the facilitator wants it; ``pk`` is None for a new one."""

    pk: int | None
    name: str
    description: str = ""
    position: int = 0


def set_criteria(*, cohort: Cohort, by: Any, criteria: Sequence[CriterionSpec]) -> list[Criterion]:
    """Make the cohort's criteria exactly ``criteria``: add, rename, reorder, remove.

    Criteria can be added or removed only until review opens (scores already given must
    keep meaning the same thing); names, descriptions and order can change any time before
    selection closes. Raises ``PermissionDenied`` unless ``by`` manages the cohort.
    """
    _require(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT)
    specs = [
        CriterionSpec(
            pk=spec.pk,
            name=spec.name.strip(),
            description=spec.description.strip(),
            position=spec.position,
        )
        for spec in criteria
    ]
    problems: list[str] = []
    names = [spec.name.casefold() for spec in specs]
    if any(not spec.name for spec in specs):
        problems.append(_("Every criterion needs a name."))
    if len(set(names)) != len(names):
        problems.append(_("Two criteria cannot have the same name."))
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection_of(cohort).pk)
        existing = {criterion.pk: criterion for criterion in cohort.criteria.all()}
        kept = {spec.pk for spec in specs if spec.pk is not None}
        if kept - existing.keys():
            problems.append(_("A criterion was removed meanwhile: reload the page."))
        changes_the_set = kept != existing.keys() or any(spec.pk is None for spec in specs)
        if changes_the_set and selection.review_opened_at is not None:
            problems.append(
                _("Review has opened: criteria can no longer be added or removed, only renamed.")
            )
        if selection.closed_at is not None:
            problems.append(_("Selection is closed: the criteria can no longer change."))
        if problems:
            raise ReviewRefused(problems)
        Criterion.objects.filter(cohort=cohort).exclude(pk__in=kept).delete()
        # Names are unique per cohort: park the kept ones on a placeholder first, so that
        # swapping two names does not trip over the constraint half-way.
        for pk in kept:
            Criterion.objects.filter(pk=pk).update(name=f"~{pk}~{uuid.uuid4().hex}")
        saved = []
        for spec in specs:
            criterion = existing.get(spec.pk) if spec.pk else Criterion(cohort=cohort)
            criterion.name = spec.name
            criterion.description = spec.description
            criterion.position = spec.position
            criterion.save()
            saved.append(criterion)
    return sorted(saved, key=lambda criterion: (criterion.position, criterion.pk))


# --- Opening review -----------------------------------------------------------------------------


def cohort_advisors(cohort: Cohort) -> list[Any]:
    """The cohort's advisors, in a fixed order (by account)."""
    return [
        membership.user
        for membership in Membership.objects.filter(cohort=cohort, role=Role.ADVISOR)
        .select_related("user")
        .order_by("user_id")
    ]


@dataclass(frozen=True)
class ReviewOpening:
    """What opening review did."""

    locked: int  # submitted nominations now under review
    drafts_left_out: int
    reviews_created: int
    reviews_moved: int  # untouched reviews handed to a less loaded advisor (balanced share)
    kept_apart: int  # nominations kept from an advisor of their library or who nominated them
    deadline_was: datetime | None  # the call's deadline, when opening review moved it to now


def opening_preview(*, cohort: Cohort) -> dict[str, int]:
    """What opening review would take in and leave out, for the page that asks."""
    counts: dict[str, int] = defaultdict(int)
    for row in Nomination.objects.filter(cohort=cohort).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return {
        "to_lock": counts[Nomination.Status.SUBMITTED],
        "under_review": counts[Nomination.Status.UNDER_REVIEW],
        "drafts": counts[Nomination.Status.DRAFT],
        "withdrawn": counts[Nomination.Status.WITHDRAWN],
        "advisors": Membership.objects.filter(cohort=cohort, role=Role.ADVISOR).count(),
        "criteria": cohort.criteria.count(),
    }


def _opening_problems(
    *, cohort: Cohort, assignment: str, reviewers_per_nomination: int, advisors: int, now: datetime
) -> tuple[list[str], dict[str, list[str]]]:
    problems: list[str] = []
    fields: dict[str, list[str]] = {}

    def beside(field: str, reason: str) -> None:
        problems.append(reason)
        fields.setdefault(field, []).append(reason)

    if now < cohort.nominations_open_at:
        problems.append(_("The call for nominations has not opened yet."))
    if not advisors:
        problems.append(
            _("The cohort has no advisors yet: add them to the cohort before opening review.")
        )
    if not cohort.criteria.exists():
        problems.append(_("Define at least one criterion before opening review."))
    if assignment not in Selection.Assignment.values:
        beside("assignment", _("Choose how nominations are assigned."))
    elif assignment == Selection.Assignment.BALANCED:
        if not 1 <= reviewers_per_nomination <= 20:
            beside(
                "reviewers_per_nomination",
                _("Choose between 1 and 20 advisors per nomination."),
            )
        elif advisors and reviewers_per_nomination > advisors:
            beside(
                "reviewers_per_nomination",
                ngettext(
                    "The cohort has %(count)s advisor: a nomination cannot go to %(wanted)s.",
                    "The cohort has %(count)s advisors: a nomination cannot go to %(wanted)s.",
                    advisors,
                )
                % {"count": advisors, "wanted": reviewers_per_nomination},
            )
    return problems, fields


def open_review(
    *, cohort: Cohort, by: Any, assignment: str, reviewers_per_nomination: int
) -> ReviewOpening:
    """Close the call, lock the submitted nominations and assign them to the advisors.

    The call closes now if its deadline is still ahead (the old deadline is recorded in
    the cohort's admin history). Every submitted nomination goes under review; drafts and
    withdrawn nominations are left out. Each advisor gets an assigned review of every
    nomination (``all``) or each nomination goes to ``reviewers_per_nomination`` advisors
    with loads as even as possible (``balanced``).

    Safe to run again: no review is made twice; a nomination let in since, an advisor who
    joined since, or a declared conflict of interest gets its share on the next run.
    Raises ``PermissionDenied`` unless ``by`` manages the cohort.
    """
    _require(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT)
    now = timezone.now()
    with transaction.atomic():
        # One opening at a time per cohort: the second waits and then finds nothing to do.
        selection = Selection.objects.select_for_update().get(pk=selection_of(cohort).pk)
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        advisors = cohort_advisors(cohort)
        problems, fields = _opening_problems(
            cohort=cohort,
            assignment=assignment,
            reviewers_per_nomination=reviewers_per_nomination,
            advisors=len(advisors),
            now=now,
        )
        if selection.closed_at is not None:
            problems.insert(0, _("Selection is closed: reopen it before assigning reviews."))
        if problems:
            raise ReviewRefused(problems, fields=fields)

        deadline_was = _close_call(cohort=cohort, by=by, now=now)
        locked = Nomination.objects.filter(
            cohort=cohort, status=Nomination.Status.SUBMITTED
        ).update(status=Nomination.Status.UNDER_REVIEW, updated_at=now)
        drafts = Nomination.objects.filter(cohort=cohort, status=Nomination.Status.DRAFT).count()

        selection.assignment = assignment
        if assignment == Selection.Assignment.BALANCED:
            selection.reviewers_per_nomination = reviewers_per_nomination
        if selection.review_opened_at is None:
            selection.review_opened_at = now
            selection.review_opened_by = by
        selection.save()

        nomination_ids = list(
            Nomination.objects.filter(cohort=cohort, status=Nomination.Status.UNDER_REVIEW)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        advisor_ids = [advisor.pk for advisor in advisors]
        barred = automatic_conflicts(cohort=cohort, nomination_ids=nomination_ids)
        if assignment == Selection.Assignment.ALL:
            created, moved = assign_all(
                nomination_ids=nomination_ids, advisor_ids=advisor_ids, barred=barred
            )
        else:
            created, moved = assign_balanced(
                nomination_ids=nomination_ids,
                advisor_ids=advisor_ids,
                per_nomination=reviewers_per_nomination,
                barred=barred,
            )
    return ReviewOpening(
        locked=locked,
        drafts_left_out=drafts,
        reviews_created=created,
        reviews_moved=moved,
        kept_apart=len(barred),
        deadline_was=deadline_was,
    )


def automatic_conflicts(*, cohort: Cohort, nomination_ids: list[int]) -> frozenset[Pair]:
    """(nomination, advisor) pairs never to be assigned: a nominee from the advisor's own
    library, or one the advisor nominated. A review of such a pair nobody has started is
    removed (it was assigned before this rule, or before the advisor's library was known)."""
    libraries = dict(
        Membership.objects.filter(
            cohort=cohort, role=Role.ADVISOR, library__isnull=False
        ).values_list("user_id", "library_id")
    )
    advisors = set(
        Membership.objects.filter(cohort=cohort, role=Role.ADVISOR).values_list(
            "user_id", flat=True
        )
    )
    barred = set()
    for pk, library_id, nominator_id in Nomination.objects.filter(
        pk__in=nomination_ids
    ).values_list("pk", "library_id", "nominator_id"):
        barred |= {(pk, a) for a, lib in libraries.items() if lib == library_id}
        if nominator_id in advisors:
            barred.add((pk, nominator_id))
    for nomination_id, advisor_id in barred:
        Review.objects.filter(
            nomination_id=nomination_id, advisor_id=advisor_id, status=Status.ASSIGNED
        ).delete()
    return frozenset(barred)


def _close_call(*, cohort: Cohort, by: Any, now: datetime) -> datetime | None:
    """Bring a deadline still ahead forward to now; return the deadline it had, if moved."""
    if cohort.nominations_deadline <= now:
        return None
    deadline_was = cohort.nominations_deadline
    cohort.nominations_deadline = now
    cohort.save(update_fields=["nominations_deadline"])
    message = (
        "The call closed early when review opened: "
        f"its deadline was {deadline_was:%Y-%m-%d %H:%M %Z}."
    )
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[cohort],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
    logger.info("Cohort %s: %s", cohort.pk, message)
    return deadline_was


# --- An advisor's review ------------------------------------------------------------------------


def _locked_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("nomination__cohort")
        .get(pk=review.pk)
    )


def _editing_problems(*, review: Review, by: Any) -> list[str]:
    """Why ``by`` cannot change ``review`` at all now, whatever they typed."""
    cohort = review.nomination.cohort
    if review.advisor_id != getattr(by, "pk", None):
        return [_("This nomination is not assigned to you.")]
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.REVIEW_NOMINATIONS):
        return [_("You are no longer an advisor of this cohort.")]
    if selection_is_closed(cohort):
        return [_("Selection is closed: reviews can no longer be changed.")]
    if review.nomination.status != Nomination.Status.UNDER_REVIEW:
        return [
            _("This nomination is %(status)s: it can no longer be reviewed.")
            % {"status": review.nomination.get_status_display().lower()}
        ]
    return []


def save_review(
    *,
    review: Review,
    by: Any,
    scores: Mapping[int, int | None],
    comment: str,
    recommendation: str,
    submit: bool,
) -> Review:
    """Save an advisor's review as a draft, or submit it.

    ``scores`` maps a criterion's id to 1–5, or to None for "not applicable"; a criterion
    left out is not answered yet. A draft needs nothing; a submission needs every criterion
    answered and a recommendation. Only the review's own advisor may save it, only while
    selection is open and not after declaring a conflict of interest. Saving a draft of a
    submitted review makes it a draft again. Raises :class:`ReviewRefused`, changing nothing.
    """
    comment = comment.strip()
    with transaction.atomic():
        locked = _locked_review(review)
        cohort = locked.nomination.cohort
        problems = _editing_problems(review=locked, by=by)
        if problems:
            raise ReviewRefused(problems)
        if locked.status == Status.CONFLICT:
            raise ReviewRefused(
                [_("You declared a conflict of interest: withdraw it before reviewing.")]
            )
        criteria = list(cohort.criteria.all())
        problems, fields = _score_problems(
            criteria=criteria, scores=scores, recommendation=recommendation, submit=submit
        )
        if problems:
            raise ReviewRefused(problems, fields=fields)
        locked.scores.all().delete()
        Score.objects.bulk_create(
            [
                Score(review=locked, criterion_id=criterion_id, value=value)
                for criterion_id, value in scores.items()
            ]
        )
        locked.comment = comment
        locked.recommendation = recommendation
        locked.status = Status.SUBMITTED if submit else Status.DRAFT
        locked.submitted_at = timezone.now() if submit else None
        locked.save(
            update_fields=["comment", "recommendation", "status", "submitted_at", "updated_at"]
        )
    return locked


def _score_problems(
    *,
    criteria: list[Criterion],
    scores: Mapping[int, int | None],
    recommendation: str,
    submit: bool,
) -> tuple[list[str], dict[str, list[str]]]:
    problems: list[str] = []
    fields: dict[str, list[str]] = {}

    def beside(field: str, reason: str) -> None:
        problems.append(reason)
        fields.setdefault(field, []).append(reason)

    by_id = {criterion.pk: criterion for criterion in criteria}
    for criterion_id, value in scores.items():
        criterion = by_id.get(criterion_id)
        if criterion is None:
            problems.append(
                _("Criterion %(id)s is not one of this cohort's criteria.") % {"id": criterion_id}
            )
        elif value is not None and (type(value) is not int or value not in SCALE):
            beside(
                score_field(criterion_id),
                _("%(criterion)s: choose a score from 1 to 5, or “not applicable”.")
                % {"criterion": criterion.name},
            )
    if recommendation and recommendation not in Recommendation.values:
        beside("recommendation", _("Choose one of the recommendations offered."))
    if submit:
        for criterion in criteria:
            if criterion.pk not in scores:
                beside(
                    score_field(criterion.pk),
                    _("%(criterion)s: choose a score, or “not applicable”, before submitting.")
                    % {"criterion": criterion.name},
                )
        if not recommendation:
            beside("recommendation", _("Choose a recommendation before submitting."))
    return problems, fields


def declare_conflict(*, review: Review, by: Any, note: str = "") -> Review:
    """The advisor steps away from a nomination: scores and recommendation are deleted and
    they no longer see the other advisors' reviews of it. Undone by :func:`withdraw_conflict`
    while selection is open. Raises :class:`ReviewRefused`, changing nothing."""
    note = note.strip()
    with transaction.atomic():
        locked = _locked_review(review)
        problems = _editing_problems(review=locked, by=by)
        if problems:
            raise ReviewRefused(problems)
        if len(note) > 300:
            too_long = _("Describe the conflict in at most 300 characters.")
            raise ReviewRefused([too_long], fields={"note": [too_long]})
        locked.scores.all().delete()
        locked.status = Status.CONFLICT
        locked.conflict_note = note
        locked.recommendation = ""
        locked.submitted_at = None
        locked.save(
            update_fields=[
                "status",
                "conflict_note",
                "recommendation",
                "submitted_at",
                "updated_at",
            ]
        )
    return locked


def withdraw_conflict(*, review: Review, by: Any) -> Review:
    """Undo a declared conflict of interest: the review is assigned again, to start afresh."""
    with transaction.atomic():
        locked = _locked_review(review)
        problems = _editing_problems(review=locked, by=by)
        if not problems and locked.status != Status.CONFLICT:
            problems.append(_("No conflict of interest is declared on this nomination."))
        if not problems and locked.others_seen_at is not None:
            problems.append(
                _(
                    "You have seen the other advisors' scores in the ranking: this conflict of "
                    "interest is final and cannot be withdrawn."
                )
            )
        if problems:
            raise ReviewRefused(problems)
        locked.status = Status.ASSIGNED
        locked.conflict_note = ""
        locked.save(update_fields=["status", "conflict_note", "updated_at"])
    return locked


# --- Closing selection --------------------------------------------------------------------------


def close_selection(*, cohort: Cohort, by: Any) -> Selection:
    """Close selection: from now on no review can change. Undone by :func:`reopen_selection`."""
    _require(user=by, cohort=cohort, perm=Perm.DECIDE_SELECTION)
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection_of(cohort).pk)
        if selection.review_opened_at is None:
            raise ReviewRefused([_("Review has not opened yet: there is nothing to close.")])
        if selection.closed_at is not None:
            raise ReviewRefused([_("Selection is already closed.")])
        selection.closed_at = timezone.now()
        selection.save(update_fields=["closed_at"])
    return selection


def reopen_selection(*, cohort: Cohort, by: Any) -> Selection:
    """Reopen a closed selection so advisors can change their reviews again, until the
    results are published."""
    _require(user=by, cohort=cohort, perm=Perm.DECIDE_SELECTION)
    with transaction.atomic():
        selection = Selection.objects.select_for_update().get(pk=selection_of(cohort).pk)
        if selection.published_at is not None:
            raise ReviewRefused([_("The results are published: selection cannot reopen.")])
        if selection.closed_at is None:
            raise ReviewRefused([_("Selection is not closed.")])
        selection.closed_at = None
        selection.save(update_fields=["closed_at"])
    return selection


# --- Reads --------------------------------------------------------------------------------------


def advisor_queue(*, cohort: Cohort, advisor: Any) -> QuerySet[Review]:
    """An advisor's reviews in the cohort, in the order they work through them."""
    return (
        Review.objects.filter(nomination__cohort=cohort, advisor=advisor)
        .select_related("nomination__library")
        .order_by("nomination__candidate_name", "nomination_id")
    )


def counts_toward_progress(review: Review) -> bool:
    """A review the advisor still owes or has given (not a conflict, not withdrawn)."""
    return (
        review.status != Status.CONFLICT and review.nomination.status != Nomination.Status.WITHDRAWN
    )


def neighbours(
    *, cohort: Cohort, advisor: Any, nomination_id: int
) -> tuple[int | None, int | None]:
    """The nominations before and after this one in the advisor's queue."""
    ids = list(
        advisor_queue(cohort=cohort, advisor=advisor).values_list("nomination_id", flat=True)
    )
    if nomination_id not in ids:
        return None, None
    at = ids.index(nomination_id)
    return (ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None)


def visible_reviews(*, nomination: Nomination, viewer: Any) -> list[Review]:
    """The reviews of ``nomination`` that ``viewer`` may read, scores prefetched.

    Facilitators see every review. An advisor sees the other advisors' submitted reviews
    only once they have submitted their own, and never when the cohort keeps scores hidden
    or they declared a conflict of interest. Anyone else (a nominator) sees none.
    """
    cohort = nomination.cohort
    perms = cohort_perms(user=viewer, cohort=cohort)
    reviews = (
        Review.objects.filter(nomination=nomination)
        .select_related("advisor")
        .prefetch_related("scores__criterion")
        .order_by("advisor__display_name", "advisor_id")
    )
    if Perm.DECIDE_SELECTION in perms:
        return list(reviews)
    if Perm.REVIEW_NOMINATIONS not in perms:
        return []
    own_submitted = Review.objects.filter(
        nomination=nomination, advisor=viewer, status=Status.SUBMITTED
    ).exists()
    if not own_submitted or Selection.objects.filter(cohort=cohort, scores_hidden=True).exists():
        return []
    return list(reviews.filter(status=Status.SUBMITTED).exclude(advisor=viewer))


@dataclass(frozen=True)
class ReviewRow:
    """One advisor's review in the facilitator's side-by-side table."""

    review: Review
    # Per criterion, in the criteria's order: (answered, score); a score of None answered
    # is "not applicable".
    scores: list[tuple[bool, int | None]]


def reviews_side_by_side(
    *, nomination: Nomination, viewer: Any
) -> tuple[list[Criterion], list[ReviewRow]] | None:
    """Every review of ``nomination`` with each advisor's scores per criterion, comment and
    conflict note, for whoever decides the selection; None for anyone else (an advisor sees
    the others' reviews on their own review page, without names). Two queries."""
    cohort = nomination.cohort
    if not has_cohort_perm(user=viewer, cohort=cohort, perm=Perm.DECIDE_SELECTION):
        return None
    criteria = list(Criterion.objects.filter(cohort=cohort).order_by("position", "pk"))
    rows = []
    for review in visible_reviews(nomination=nomination, viewer=viewer):
        given = {score.criterion_id: score.value for score in review.scores.all()}
        rows.append(
            ReviewRow(
                review=review,
                scores=[(c.pk in given, given.get(c.pk)) for c in criteria],
            )
        )
    return criteria, rows
