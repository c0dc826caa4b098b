"""Reads about cohorts that pages share."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import Cohort, Membership, Programme


def open_calls() -> QuerySet[Cohort]:
    """Cohorts whose published call for nominations is open now, soonest deadline first."""
    now = timezone.now()
    return (
        Cohort.objects.filter(
            call_published_at__isnull=False,
            nominations_open_at__lte=now,
            nominations_deadline__gt=now,
        )
        .select_related("programme")
        .order_by("nominations_deadline")
    )


def upcoming_calls() -> QuerySet[Cohort]:
    """Cohorts whose published call opens later, soonest first."""
    return (
        Cohort.objects.filter(
            call_published_at__isnull=False, nominations_open_at__gt=timezone.now()
        )
        .select_related("programme")
        .order_by("nominations_open_at")
    )


def memberships_of(*, user: Any) -> QuerySet[Membership]:
    """A person's memberships, newest cohort first, with cohort and programme loaded."""
    return (
        Membership.objects.filter(user=user)
        .select_related("cohort", "cohort__programme")
        .order_by("-cohort__programme_start", "cohort__name", "role")
    )


def managed_programmes(*, user: Any) -> QuerySet[Programme]:
    """The programmes ``user`` manages (every programme, for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Programme.objects.order_by("name")
    return Programme.objects.filter(managers=user).order_by("name")
