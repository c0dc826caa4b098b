"""Who reviews which nomination: every advisor everything, or a balanced share.

Called by :func:`nominations.review.open_review` inside its transaction, with the selection
locked; the rules about when assignment may happen live there.
"""

from collections import defaultdict

from django.utils import timezone

from .models import Review

Status = Review.Status


Pair = tuple[int, int]  # (nomination id, advisor id)


def assign_all(
    *, nomination_ids: list[int], advisor_ids: list[int], barred: frozenset[Pair] = frozenset()
) -> tuple[int, int]:
    """Give every advisor a review of every nomination they have none of yet, except the
    ``barred`` pairs (an advisor's own library's nominee, or one they nominated).

    Returns (reviews created, reviews moved), the latter always 0 here.
    """
    existing = set(
        Review.objects.filter(nomination_id__in=nomination_ids).values_list(
            "nomination_id", "advisor_id"
        )
    )
    new = [
        Review(nomination_id=nomination_id, advisor_id=advisor_id)
        for nomination_id in nomination_ids
        for advisor_id in advisor_ids
        if (nomination_id, advisor_id) not in existing | barred
    ]
    Review.objects.bulk_create(new, ignore_conflicts=True)
    return len(new), 0


def assign_balanced(
    *,
    nomination_ids: list[int],
    advisor_ids: list[int],
    per_nomination: int,
    barred: frozenset[Pair] = frozenset(),
) -> tuple[int, int]:
    """Give each nomination ``per_nomination`` advisors, always the least loaded first.

    A load is an advisor's reviews that count (not declared a conflict). Giving each
    nomination in turn to the least loaded advisors (ties to the earlier account) keeps
    loads within one of each other; an advisor who declared a conflict on a nomination is
    never given it again, nor is an advisor a ``barred`` nomination. Afterwards, while loads
    still differ by more than one (an advisor joined since the last run), untouched reviews
    move from the most to the least loaded.
    Returns (reviews created, reviews moved).
    """
    rows = list(
        Review.objects.filter(nomination_id__in=nomination_ids).values_list(
            "pk", "nomination_id", "advisor_id", "status"
        )
    )
    advisors = set(advisor_ids)
    taken: dict[int, set[int]] = defaultdict(set)  # nomination → advisors with a row
    counting: dict[int, int] = defaultdict(int)  # nomination → advisors whose review counts
    load = dict.fromkeys(advisor_ids, 0)
    for nomination_id, advisor_id in barred:
        taken[nomination_id].add(advisor_id)  # never theirs: not given, never moved to them
    for _pk, nomination_id, advisor_id, status in rows:
        taken[nomination_id].add(advisor_id)
        if status != Status.CONFLICT and advisor_id in advisors:
            counting[nomination_id] += 1
            load[advisor_id] += 1

    new: list[tuple[int, int]] = []
    for nomination_id in nomination_ids:
        free = [a for a in advisor_ids if a not in taken[nomination_id]]
        need = per_nomination - counting[nomination_id]
        for advisor_id in sorted(free, key=lambda a: (load[a], a))[: max(need, 0)]:
            new.append((nomination_id, advisor_id))
            taken[nomination_id].add(advisor_id)
            load[advisor_id] += 1
    Review.objects.bulk_create(
        [Review(nomination_id=n, advisor_id=a) for n, a in new], ignore_conflicts=True
    )
    moved = _rebalance(nomination_ids=nomination_ids, load=load, taken=taken)
    return len(new), moved


def _rebalance(
    *, nomination_ids: list[int], load: dict[int, int], taken: dict[int, set[int]]
) -> int:
    """Move untouched reviews from the most to the least loaded advisor until within one.

    Only a review nobody has opened a draft on moves, so no advisor loses work.
    """
    untouched: dict[int, list[Review]] = defaultdict(list)
    for review in Review.objects.filter(
        nomination_id__in=nomination_ids, advisor_id__in=list(load), status=Status.ASSIGNED
    ).order_by("-nomination_id"):
        untouched[review.advisor_id].append(review)
    moved = 0
    while load:
        heaviest = max(load, key=lambda a: (load[a], -a))
        lightest = min(load, key=lambda a: (load[a], a))
        if load[heaviest] - load[lightest] <= 1:
            break
        candidate = next(
            (r for r in untouched[heaviest] if lightest not in taken[r.nomination_id]), None
        )
        if candidate is None:
            break  # conflicts leave nothing that could move; the loads stay as they are
        untouched[heaviest].remove(candidate)
        taken[candidate.nomination_id].discard(heaviest)
        taken[candidate.nomination_id].add(lightest)
        Review.objects.filter(pk=candidate.pk, status=Status.ASSIGNED).update(
            advisor_id=lightest, updated_at=timezone.now()
        )
        load[heaviest] -= 1
        load[lightest] += 1
        moved += 1
    return moved
