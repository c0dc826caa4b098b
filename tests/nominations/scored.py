"""Many reviewed and decided nominations at once, for the ranking's and diversity's query-count
tests: bulk inserts, so 500 nominations with their reviews take a moment, not a minute."""

from django.utils import timezone

from nominations.models import Decision, Nomination, ProjectKind, Review, Score

from ..factories import NominationFactory

REVIEW_CYCLE = [
    Review.Status.SUBMITTED,
    Review.Status.SUBMITTED,
    Review.Status.DRAFT,
    Review.Status.ASSIGNED,
    Review.Status.CONFLICT,
]
STATUS_CYCLE = [
    Nomination.Status.UNDER_REVIEW,
    Nomination.Status.UNDER_REVIEW,
    Nomination.Status.DRAFT,
    Nomination.Status.WITHDRAWN,
]
OUTCOME_CYCLE = [Decision.Outcome.ACCEPTED, Decision.Outcome.WAITLISTED, Decision.Outcome.DECLINED]
KINDS = list(ProjectKind.values)


def add_scored_nominations(
    *, cohort, count, libraries, themes, advisors, criteria, nominator, decided_by
) -> list[Nomination]:
    """``count`` nominations in several statuses, countries and kinds, each reviewed by every
    advisor in several review statuses (n/a scores included), some decided."""
    now = timezone.now()
    created = Nomination.objects.bulk_create(
        [
            NominationFactory.build(
                cohort=cohort,
                nominator=nominator,
                library=libraries[i % len(libraries)],
                status=STATUS_CYCLE[i % len(STATUS_CYCLE)],
                submitted_at=now,
                project_kind=KINDS[i % len(KINDS)],
                stipend_conditional=i % 4 == 0,
            )
            for i in range(count)
        ]
    )
    through = Nomination.themes.through
    through.objects.bulk_create(
        [
            through(nomination_id=nomination.pk, theme_id=theme.pk)
            for i, nomination in enumerate(created)
            for theme in themes[: 1 + i % len(themes)]
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(
                nomination=nomination,
                advisor=advisor,
                status=REVIEW_CYCLE[(i + j) % len(REVIEW_CYCLE)],
                submitted_at=now,
            )
            for i, nomination in enumerate(created)
            for j, advisor in enumerate(advisors)
        ]
    )
    Score.objects.bulk_create(
        [
            Score(
                review=review,
                criterion=criterion,
                value=None if (i + k) % 7 == 0 else 1 + (i + k) % 5,
            )
            for i, review in enumerate(reviews)
            if review.status in (Review.Status.SUBMITTED, Review.Status.DRAFT)
            for k, criterion in enumerate(criteria)
        ]
    )
    Decision.objects.bulk_create(
        [
            Decision(
                nomination=nomination,
                outcome=OUTCOME_CYCLE[i % len(OUTCOME_CYCLE)],
                stipend_awarded=i % 6 == 0,
                decided_by=decided_by,
                decided_at=now,
                published_at=now if i % 2 else None,
            )
            for i, nomination in enumerate(created)
            if i % 3 != 2
        ]
    )
    return created
