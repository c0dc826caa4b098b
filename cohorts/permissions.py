"""The one place that answers "may this person do this in this cohort?".

Roles come from :class:`~cohorts.models.Membership`, plus one above the cohorts: the
managers of a programme (``Programme.managers``) may do everything in each of its cohorts,
start its next cohort and appoint its facilitators. A facilitator of one cohort is nobody in
another. Superusers may do everything; staff status alone grants nothing here.

Who sees people across cohorts (the directory, histories, alumni) — the rule, decided:

- a programme's managers see all of its cohorts' people in full;
- a facilitator sees their own cohorts' people in full and, of other cohorts, only what
  the public may see (listed libraries; no contact email, no nomination outcome);
- an advisor sees the nominations of the cohorts they review, and no other cohort's;
- alumni (every participant of any of a programme's cohorts) are listed for the programme's
  managers and for facilitators of its cohorts; an alum's email is shown to the managers, to
  the facilitators of the alum's own cohort, and to others only when the alum chose to share
  it (the roster's setting, ``User.share_email``);
- nobody enumerates people by id: a person's page is reached from a list the viewer may
  see, and a page for someone outside it answers "not found".
"""

from collections.abc import Callable
from enum import StrEnum
from functools import cache, wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse

from metlib.fixed_statements import instance, selected_columns

from .models import Cohort, Membership, Programme, Role


class Perm(StrEnum):
    VIEW_COHORT = "view_cohort"
    VIEW_ROSTER = "view_roster"
    MANAGE_COHORT = "manage_cohort"
    VIEW_NOMINATIONS = "view_nominations"
    REVIEW_NOMINATIONS = "review_nominations"
    DECIDE_SELECTION = "decide_selection"
    RECORD_ATTENDANCE = "record_attendance"
    ISSUE_CERTIFICATES = "issue_certificates"
    # Above one cohort: start the next one, appoint facilitators. Programme managers only.
    MANAGE_PROGRAMME = "manage_programme"


# A pseudo-role: manager of the cohort's programme (not a Membership, so not in Role).
MANAGER = "manager"


GRANTS: dict[str, frozenset[Perm]] = {
    MANAGER: frozenset(Perm),
    Role.FACILITATOR: frozenset(Perm) - {Perm.MANAGE_PROGRAMME},
    Role.ADVISOR: frozenset(
        {Perm.VIEW_COHORT, Perm.VIEW_ROSTER, Perm.VIEW_NOMINATIONS, Perm.REVIEW_NOMINATIONS}
    ),
    Role.MENTOR: frozenset({Perm.VIEW_COHORT, Perm.VIEW_ROSTER, Perm.RECORD_ATTENDANCE}),
    Role.PARTICIPANT: frozenset({Perm.VIEW_COHORT, Perm.VIEW_ROSTER}),
}

_CACHE_ATTR = "_cohort_roles_cache"

# Each role as a bit, for reading all of a person's roles in a cohort as one number.
_ROLE_BITS = {role: 1 << i for i, role in enumerate([*Role.values, MANAGER])}


def _roles_sql() -> str:
    """SQL giving, for the cohort row of the outer query, the sum of the bits of the roles
    the person (the one parameter, twice) holds in it: one subquery each for memberships and
    programme managers, plain SQL that PostgreSQL and SQLite both read. Written out rather
    than built from five ``Exists``: those cost more to build and compile than the two
    queries (the cohort, then the roles) that a cohort's page made before."""
    cohort = Cohort._meta.db_table
    bits = " ".join(f"WHEN '{role}' THEN {_ROLE_BITS[role]}" for role in Role.values)
    return (
        f"(SELECT COALESCE(SUM(CASE m.role {bits} ELSE 0 END), 0)"  # noqa: S608 - constants
        f" FROM {Membership._meta.db_table} m"
        f' WHERE m.cohort_id = "{cohort}"."id" AND m.user_id = %s)'
        f" + (SELECT COUNT(*) * {_ROLE_BITS[MANAGER]}"
        f" FROM {Programme.managers.through._meta.db_table} pm"
        f' WHERE pm.programme_id = "{cohort}"."programme_id" AND pm.user_id = %s)'
    )


def _with_role_bits(cohorts: QuerySet[Cohort], *, user: Any) -> QuerySet[Cohort]:
    # The unique constraints (user, cohort, role) and (programme, user) keep each bit single.
    return cohorts.annotate(_role_bits=RawSQL(_roles_sql(), [user.pk, user.pk]))  # noqa: S611


def _roles_of(bits: int) -> frozenset[str]:
    return frozenset(role for role, bit in _ROLE_BITS.items() if bits & bit)


def cohort_roles(*, user: Any, cohort: Cohort) -> frozenset[str]:
    """The roles ``user`` holds in ``cohort`` (with :data:`MANAGER` for a manager of its
    programme), read in one query once per user object, or with the cohort itself
    (:func:`cohort_with_roles`)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if cohort.pk not in cache:
        bits = (
            _with_role_bits(Cohort.objects.filter(pk=cohort.pk), user=user)
            .values_list("_role_bits", flat=True)
            .first()
        )
        cache[cohort.pk] = _roles_of(bits or 0)
    return cache[cohort.pk]


@cache
def _cohort_statement() -> tuple[str, list[str], list[str]]:
    """The statement of :func:`cohort_with_roles`, with the cohort's and the programme's
    field names in the order it reads them; written once from the models."""
    cohort_columns, cohort_fields = selected_columns(Cohort)
    programme_columns, programme_fields = selected_columns(Programme)
    cohorts, programmes = (connection.ops.quote_name(m._meta.db_table) for m in (Cohort, Programme))
    sql = (
        f"SELECT {', '.join(cohort_columns + programme_columns)}, {_roles_sql()}"  # noqa: S608 - names from the models
        f' FROM {cohorts} JOIN {programmes} ON {programmes}."id" = {cohorts}."programme_id"'
        f' WHERE {cohorts}."slug" = %s'
    )
    return sql, cohort_fields, programme_fields


def cohort_with_roles(*, slug: str, user: Any) -> Cohort | None:
    """The cohort ``slug`` with its programme, ``user``'s roles in it remembered where
    :func:`cohort_roles` looks first; None when there is no such cohort.

    One statement, written once from the models: every cohort page starts here, and building
    the same query through the ORM on each visit took five times the instructions of this
    (callgrind: 2.8 M against 0.55 M). On SQLite, whose values need the ORM's conversions
    (dates are text), the ORM's query."""
    person = user.pk if getattr(user, "is_authenticated", False) else None
    if connection.vendor == "postgresql":
        found = _cohort_by_statement(slug=slug, person=person)
    else:
        cohort = (
            _with_role_bits(Cohort.objects.select_related("programme"), user=user)
            .filter(slug=slug)
            .first()
        )
        found = None if cohort is None else (cohort, cohort._role_bits)  # type: ignore[attr-defined]
    if found is None:
        return None
    cohort, bits = found
    if person is not None:
        user.__dict__.setdefault(_CACHE_ATTR, {})[cohort.pk] = _roles_of(bits)
    return cohort


def _cohort_by_statement(*, slug: str, person: int | None) -> tuple[Cohort, int] | None:
    sql, cohort_fields, programme_fields = _cohort_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [person, person, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(cohort_fields)
    cohort = instance(Cohort, cohort_fields, row[:split])
    programme = instance(Programme, programme_fields, row[split:-1])
    Cohort.programme.field.set_cached_value(cohort, programme)
    return cohort, row[-1]


def is_programme_manager(*, user: Any, programme: Programme) -> bool:
    """Whether ``user`` manages ``programme`` (superusers manage every programme)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or programme.managers.filter(pk=user.pk).exists()


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
            cohort = cohort_with_roles(slug=cohort_slug, user=request.user)
            if cohort is None:
                raise Http404("No such cohort.")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_cohort_perm(user=request.user, cohort=cohort, perm=perm):
                raise PermissionDenied
            request.cohort = cohort  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def may_see_alumni(*, user: Any, programme: Programme) -> bool:
    """A programme's alumni are for its managers and the facilitators of its cohorts."""
    if is_programme_manager(user=user, programme=programme):
        return True
    return Membership.objects.filter(
        user_id=user.pk, cohort__programme=programme, role=Role.FACILITATOR
    ).exists()


def facilitated_cohorts(*, user: Any, programme: Programme) -> set[int]:
    """Ids of the programme's cohorts ``user`` facilitates."""
    return set(
        Membership.objects.filter(
            user_id=user.pk, cohort__programme=programme, role=Role.FACILITATOR
        ).values_list("cohort_id", flat=True)
    )


def may_see_alum_email(
    *, manager: bool, facilitated: set[int], cohort_id: int, shared: bool
) -> bool:
    """Managers see every alum's address; a facilitator those of the cohorts they facilitate;
    of other cohorts, only addresses their owners chose to share."""
    return shared or manager or cohort_id in facilitated


def cohorts_seen_in_full(*, user: Any) -> frozenset[int] | None:
    """Ids of the cohorts whose people ``user`` sees in full across cohorts (the directory,
    histories): those they facilitate and every cohort of the programmes they manage.
    ``None`` means every cohort (staff and superusers, who keep the directory)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_staff or user.is_superuser:
        return None
    return frozenset(
        Cohort.objects.filter(
            Q(memberships__user=user, memberships__role=Role.FACILITATOR)
            | Q(programme__managers=user)
        ).values_list("pk", flat=True)
    )


def cohorts_reviewed(*, user: Any) -> frozenset[int]:
    """Ids of the cohorts ``user`` advises: they see those cohorts' nominations."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        Membership.objects.filter(user_id=user.pk, role=Role.ADVISOR).values_list(
            "cohort_id", flat=True
        )
    )
