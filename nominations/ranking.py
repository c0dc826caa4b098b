"""The selection's ranking: every nomination's review scores, aggregated; who still owes reviews.

Reads only. The scores of a whole cohort come in one query and are aggregated here in Python,
so the ranking costs the same few queries for 20 or 500 nominations.

How a nomination's score is made, and why:

- each *submitted* review gets its own mean over the criteria it scored; a criterion marked
  "not applicable" (an empty score) is left out, never counted as 0;
- the nomination's mean is the mean of those review means, so every advisor weighs the same
  however many criteria they found applicable; median and spread are taken over them too;
- reviews still assigned or in draft are *missing* (a draft's scores never count); a conflict of
  interest is counted on its own: it is not owed, and it is not a score.
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from cohorts.permissions import Perm, cohort_perms
from metlib.models import User

from .models import Criterion, Nomination, Review, Selection

Status = Nomination.Status
ReviewStatus = Review.Status

# Nominations whose review has started or ended; a submitted one joins them once review opens.
REVIEWED_STATUSES = (Status.UNDER_REVIEW, Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)
OWED_STATUSES = (ReviewStatus.ASSIGNED, ReviewStatus.DRAFT)
PLACES = 9


def ranked_pool(*, cohort: Cohort) -> QuerySet[Nomination]:
    """The nominations the ranking and the diversity view count: under review or decided, and
    the submitted ones while review has not opened yet (so the facilitator sees them early).

    Drafts and withdrawn nominations are never in it. Whether review has opened is read in the
    same query, through a join on the cohort's selection settings.
    """
    return Nomination.objects.filter(cohort=cohort).filter(
        Q(status__in=REVIEWED_STATUSES)
        | Q(status=Status.SUBMITTED, cohort__selection__review_opened_at__isnull=True)
    )


@dataclass(frozen=True)
class RankedNomination:
    """One nomination's place in the ranking and the numbers behind it.

    ``mean`` is what the selection assistant optimises (None while no submitted review scored
    anything). ``rank`` is its place by mean, ties sharing a place ("1, 2, 2, 4").
    """

    nomination: Nomination
    review_means: tuple[float, ...]
    reviews: int  # submitted reviews, including any whose every criterion was "not applicable"
    missing: int  # assigned or draft reviews
    conflicts: int
    criterion_means: dict[int, float | None] = field(default_factory=dict)  # by criterion id
    rank: int | None = None

    # Rounded far below what anyone reads, so means equal on paper compare equal (ties).
    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.review_means), PLACES) if self.review_means else None

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.review_means), PLACES) if self.review_means else None

    @property
    def spread(self) -> float | None:
        """Population standard deviation of the review means: 0 with one review."""
        return round(statistics.pstdev(self.review_means), PLACES) if self.review_means else None

    @property
    def lowest(self) -> float | None:
        return min(self.review_means) if self.review_means else None

    @property
    def highest(self) -> float | None:
        return max(self.review_means) if self.review_means else None

    @property
    def name(self) -> str:
        return str(self.nomination)

    @property
    def country_name(self) -> str:
        library = self.nomination.library
        return str(library.country.name) if library else ""

    @property
    def outcome(self) -> str:
        """The outcome of the (draft or published) decision, or "" while undecided."""
        decision = getattr(self.nomination, "decision", None)
        return decision.outcome if decision else ""

    def criterion_row(self, criteria: Iterable[Criterion]) -> list[float | None]:
        """The criterion means in the order of ``criteria`` (for a table's columns)."""
        return [self.criterion_means.get(criterion.pk) for criterion in criteria]


@dataclass
class _Tally:
    scores_by_review: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_criterion: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    submitted: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    conflicts: set[int] = field(default_factory=set)


def _tallies(*, cohort: Cohort) -> dict[int, _Tally]:
    """Every review of the cohort with its scores, in one query (a review without scores is a
    row of its own, with empty score columns)."""
    rows = Review.objects.filter(nomination__cohort=cohort).values_list(
        "nomination_id", "pk", "status", "scores__criterion_id", "scores__value"
    )
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for nomination_id, review_id, status, criterion_id, value in rows:
        tally = tallies[nomination_id]
        if status in OWED_STATUSES:
            tally.missing.add(review_id)
        elif status == ReviewStatus.CONFLICT:
            tally.conflicts.add(review_id)
        elif status == ReviewStatus.SUBMITTED:
            tally.submitted.add(review_id)
            if value is not None:
                tally.scores_by_review[review_id].append(value)
                tally.by_criterion[criterion_id].append(value)
    return tallies


def _ranked(nomination: Nomination, tally: _Tally) -> RankedNomination:
    return RankedNomination(
        nomination=nomination,
        # Sorted, so equal sets of review means always add up to the very same float.
        review_means=tuple(
            sorted(statistics.fmean(values) for values in tally.scores_by_review.values())
        ),
        reviews=len(tally.submitted),
        missing=len(tally.missing),
        conflicts=len(tally.conflicts),
        criterion_means={
            criterion: statistics.fmean(values) for criterion, values in tally.by_criterion.items()
        },
    )


def _with_ranks(ranked: list[RankedNomination]) -> list[RankedNomination]:
    """The ranking in its default order, each with its competition rank by mean."""
    ordered = sort_ranking(ranked, sort=DEFAULT_SORT)
    result: list[RankedNomination] = []
    for position, entry in enumerate(ordered, start=1):
        rank = None if entry.mean is None else position
        if rank is not None and result and result[-1].mean == entry.mean:
            rank = result[-1].rank
        result.append(replace(entry, rank=rank))
    return result


def rank_nominations(*, cohort: Cohort, recused: Any = None) -> list[RankedNomination]:
    """Every nomination of :func:`ranked_pool` with its aggregated scores, best mean first
    (ties by nomination id; unscored ones last). Two queries: the nominations (with their
    library and any decision) and every review of the cohort with its scores.

    With ``recused`` (an advisor), the nominations they declared a conflict on are left out
    and the others ranked without them, so not even a gap in the ranks tells their place."""
    nominations = ranked_pool(cohort=cohort).select_related("library", "decision")
    if recused is not None:
        conflicts = Review.objects.filter(advisor=recused, status=ReviewStatus.CONFLICT)
        nominations = nominations.exclude(pk__in=conflicts.values("nomination_id"))
    tallies = _tallies(cohort=cohort)
    return _with_ranks(
        [_ranked(nomination, tallies.get(nomination.pk, _Tally())) for nomination in nominations]
    )


def mean_scores(*, cohort: Cohort) -> dict[int, float | None]:
    """Each ranked nomination's mean review score by nomination id (None: no score yet), as the
    selection assistant takes it."""
    return {entry.nomination.pk: entry.mean for entry in rank_nominations(cohort=cohort)}


def cohort_criteria(*, cohort: Cohort) -> list[Criterion]:
    """The cohort's criteria in their order: the ranking's per-criterion columns."""
    return list(Criterion.objects.filter(cohort=cohort).order_by("position", "pk"))


# --- Sorting ----------------------------------------------------------------------------------

DEFAULT_SORT = "-mean"

SORT_KEYS: dict[str, Callable[[RankedNomination], Any]] = {
    "mean": lambda entry: entry.mean,
    "median": lambda entry: entry.median,
    "spread": lambda entry: entry.spread,
    "reviews": lambda entry: entry.reviews,
    "missing": lambda entry: entry.missing,
    "name": lambda entry: entry.name.casefold(),
    "country": lambda entry: entry.country_name.casefold() or None,
}

# The direction a column sorts in when its header is first followed: best and most first,
# names A to Z.
FIRST_DIRECTION = {
    "mean": "-",
    "median": "-",
    "spread": "-",
    "reviews": "-",
    "missing": "-",
    "name": "",
    "country": "",
}


def valid_sort(value: str | None) -> str:
    """``value`` if it names a sort (``mean`` ascending, ``-mean`` descending…), else the
    default."""
    if value and value.removeprefix("-") in SORT_KEYS:
        return value
    return DEFAULT_SORT


def _tie_break(entry: RankedNomination) -> tuple[bool, float, int]:
    mean = entry.mean
    return (mean is None, -(mean or 0.0), entry.nomination.pk)


def sort_ranking(ranked: Sequence[RankedNomination], *, sort: str) -> list[RankedNomination]:
    """The ranking sorted by one column (``-`` in front: descending). Empty values (no score,
    no country) go last either way; ties go to the higher mean, then the lower nomination id."""
    sort = valid_sort(sort)
    descending = sort.startswith("-")
    key = SORT_KEYS[sort.removeprefix("-")]
    ordered = sorted(ranked, key=_tie_break)
    present = [entry for entry in ordered if key(entry) is not None]
    empty = [entry for entry in ordered if key(entry) is None]
    # sorted() is stable in both directions, so equal values keep the tie-break order.
    return sorted(present, key=key, reverse=descending) + empty


# --- Who still owes reviews -------------------------------------------------------------------


class AdvisorReviews(NamedTuple):
    advisor: User
    owed: int
    submitted: int


def owed_reviews(*, cohort: Cohort) -> list[AdvisorReviews]:
    """The advisors who still owe reviews (assigned or draft) of ranked nominations, with how
    many they owe and how many they have submitted; most owed first. One query."""
    of_cohort = Q(
        reviews__nomination__in=ranked_pool(cohort=cohort).values("pk"),
    )
    advisors = (
        User.objects.filter(of_cohort)
        .annotate(
            owed=Count("reviews", filter=Q(reviews__status__in=OWED_STATUSES)),
            submitted=Count("reviews", filter=Q(reviews__status=ReviewStatus.SUBMITTED)),
        )
        .filter(owed__gt=0)
        .order_by("-owed", "display_name", "email")
    )
    return [
        AdvisorReviews(advisor=advisor, owed=advisor.owed, submitted=advisor.submitted)
        for advisor in advisors
    ]


# --- Who may see the ranking ------------------------------------------------------------------


def ranking_for(*, cohort: Cohort, user: Any) -> list[RankedNomination]:
    """The ranking as ``user`` may see it: whole for whoever decides the selection; for an
    advisor, without the nominations they recused themselves from, and their conflicts made
    final (they have now seen the others' scores). Call after :func:`ranking_refusal`."""
    if Perm.DECIDE_SELECTION in cohort_perms(user=user, cohort=cohort):
        return rank_nominations(cohort=cohort)
    Review.objects.filter(
        advisor=user, nomination__cohort=cohort, others_seen_at__isnull=True
    ).update(others_seen_at=timezone.now())
    return rank_nominations(cohort=cohort, recused=user)


def ranking_refusal(*, cohort: Cohort, user: Any) -> str | None:
    """Why ``user`` may not see the ranking now, or None when they may.

    Whoever decides the selection always may. An advisor may once they have submitted all their
    own reviews (so the others' scores cannot sway theirs), and never while the cohort keeps
    scores hidden from advisors.
    """
    perms = cohort_perms(user=user, cohort=cohort)
    if Perm.DECIDE_SELECTION in perms:
        return None
    if Perm.VIEW_NOMINATIONS not in perms:
        return _("Only the cohort's facilitators and advisors see the ranking.")
    if Selection.objects.filter(cohort=cohort, scores_hidden=True).exists():
        return _(
            "In this selection advisors' scores are kept hidden from each other throughout, "
            "so the ranking is for the facilitators only."
        )
    owed = Review.objects.filter(
        advisor=user, nomination__in=ranked_pool(cohort=cohort), status__in=OWED_STATUSES
    ).count()
    if owed:
        return ngettext(
            "You will see the ranking once you have submitted all your own reviews: "
            "%(count)d is still to submit.",
            "You will see the ranking once you have submitted all your own reviews: "
            "%(count)d are still to submit.",
            owed,
        ) % {"count": owed}
    return None


# --- The reviews export -----------------------------------------------------------------------


def reviews_csv_rows(*, cohort: Cohort) -> Iterator[list[object]]:
    """The header, then one row per review of a ranked nomination, best rank first: the
    nomination, its rank and mean, the advisor, their score on each criterion ("n/a": not
    applicable), their review's mean, recommendation, comment and conflict note. For the
    facilitators only (advisors' names are in it). Four queries, however many reviews."""
    criteria = cohort_criteria(cohort=cohort)
    yield [
        "nomination_id",
        "candidate",
        "library",
        "country",
        "rank",
        "nomination_mean",
        "advisor",
        "review_status",
        *(criterion.name for criterion in criteria),
        "review_mean",
        "recommendation",
        "comment",
        "conflict_note",
        "submitted_at",
    ]
    ranked = rank_nominations(cohort=cohort)
    reviews = defaultdict(list)
    for review in (
        Review.objects.filter(nomination__in=[entry.nomination for entry in ranked])
        .select_related("advisor")
        .prefetch_related("scores")
        .order_by("advisor__display_name", "advisor_id")
    ):
        reviews[review.nomination_id].append(review)
    for entry in ranked:
        for review in reviews[entry.nomination.pk]:
            given = {score.criterion_id: score.value for score in review.scores.all()}
            values = [v for v in given.values() if v is not None]
            yield [
                entry.nomination.pk,
                entry.nomination.candidate_name,
                entry.nomination.library.name if entry.nomination.library else "",
                entry.country_name,
                entry.rank if entry.rank is not None else "",
                "" if entry.mean is None else round(entry.mean, 4),
                str(review.advisor),
                review.status,
                *(_score_cell(given, criterion) for criterion in criteria),
                round(statistics.fmean(values), 4)
                if values and review.status == ReviewStatus.SUBMITTED
                else "",
                review.recommendation,
                review.comment,
                review.conflict_note,
                review.submitted_at or "",
            ]


def _score_cell(given: dict[int, int | None], criterion: Criterion) -> object:
    if criterion.pk not in given:
        return ""
    value = given[criterion.pk]
    return "n/a" if value is None else value
