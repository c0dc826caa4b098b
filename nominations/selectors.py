"""Reads about nominations that pages outside the pipeline share."""

from django.db.models import QuerySet

from .models import Nomination


def nominations_by(*, user) -> QuerySet[Nomination]:
    """A nominator's nominations, the most recent cohort first."""
    return (
        Nomination.objects.filter(nominator=user)
        .select_related("cohort", "library")
        .order_by("-cohort__nominations_deadline", "-updated_at")
    )
