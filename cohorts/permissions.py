"""The one place that answers "may this person do this in this cohort?".

Roles come only from :class:`~cohorts.models.Membership`. A facilitator of one cohort is
nobody in another. Superusers may do everything; staff status alone grants nothing here.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import Cohort, Membership, Role


class Perm(StrEnum):
    VIEW_COHORT = "view_cohort"
    VIEW_ROSTER = "view_roster"
    MANAGE_COHORT = "manage_cohort"
    VIEW_NOMINATIONS = "view_nominations"
    REVIEW_NOMINATIONS = "review_nominations"
    DECIDE_SELECTION = "decide_selection"
    RECORD_ATTENDANCE = "record_attendance"
    ISSUE_CERTIFICATES = "issue_certificates"


GRANTS: dict[str, frozenset[Perm]] = {
    Role.FACILITATOR: frozenset(Perm),
    Role.ADVISOR: frozenset(
        {Perm.VIEW_COHORT, Perm.VIEW_ROSTER, Perm.VIEW_NOMINATIONS, Perm.REVIEW_NOMINATIONS}
    ),
    Role.MENTOR: frozenset({Perm.VIEW_COHORT, Perm.VIEW_ROSTER, Perm.RECORD_ATTENDANCE}),
    Role.PARTICIPANT: frozenset({Perm.VIEW_COHORT, Perm.VIEW_ROSTER}),
}

_CACHE_ATTR = "_cohort_roles_cache"


def cohort_roles(*, user: Any, cohort: Cohort) -> frozenset[str]:
    """The roles ``user`` holds in ``cohort``, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if cohort.pk not in cache:
        cache[cohort.pk] = frozenset(
            Membership.objects.filter(user=user, cohort=cohort).values_list("role", flat=True)
        )
    return cache[cohort.pk]


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships change within one request."""
    user.__dict__.pop(_CACHE_ATTR, None)


def cohort_perms(*, user: Any, cohort: Cohort) -> frozenset[Perm]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return frozenset(Perm)
    perms: set[Perm] = set()
    for role in cohort_roles(user=user, cohort=cohort):
        perms |= GRANTS[role]
    return frozenset(perms)


def has_cohort_perm(*, user: Any, cohort: Cohort, perm: Perm) -> bool:
    return perm in cohort_perms(user=user, cohort=cohort)


def cohort_perm_required(perm: Perm) -> Callable[..., Callable[..., HttpResponse]]:
    """Decorate a view taking ``cohort_slug``: load the cohort and check ``perm``.

    Anonymous visitors go to the login page; signed-in people without the permission get 403.
    The view receives the cohort as ``request.cohort``.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, cohort_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            cohort = get_object_or_404(Cohort.objects.select_related("programme"), slug=cohort_slug)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_cohort_perm(user=request.user, cohort=cohort, perm=perm):
                raise PermissionDenied
            request.cohort = cohort  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
