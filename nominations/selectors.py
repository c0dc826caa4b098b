"""Reads about nominations that pages outside the pipeline share."""

from django.db.models import Count, Max, QuerySet

from cohorts.models import Cohort, Library

from .models import Nomination


def nominations_by(*, user) -> QuerySet[Nomination]:
    """A nominator's nominations, the most recent cohort first."""
    return (
        Nomination.objects.filter(nominator=user)
        .select_related("cohort", "library")
        .order_by("-cohort__nominations_deadline", "-updated_at")
    )


def blank_form_version(*, cohort: Cohort) -> str:
    """A value that changes whenever a blank nomination form would look different.

    The blank form shows the library directory and the cohort's themes; cached fragments of
    it are keyed on this, so adding or editing a library or a theme shows at once.
    """
    libraries = Library.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    themes = cohort.themes.aggregate(count=Count("id"), changed=Max("updated_at"))
    parts = (libraries["count"], libraries["changed"], themes["count"], themes["changed"])
    return "-".join(str(part.timestamp() if hasattr(part, "timestamp") else part) for part in parts)
