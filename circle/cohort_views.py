from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cohorts.models import Membership, Role
from cohorts.permissions import Perm, cohort_perm_required, cohort_perms, cohort_roles


@cohort_perm_required(Perm.VIEW_COHORT)
def detail(request: HttpRequest) -> HttpResponse:
    """A cohort's page for its members: its year and its people by role."""
    cohort = request.cohort
    members = (
        Membership.objects.filter(cohort=cohort)
        .select_related("user", "library")
        .order_by("role", "user__display_name", "user__email")
    )
    by_role = {role: [] for role in Role}
    for membership in members:
        by_role[Role(membership.role)].append(membership)
    return render(
        request,
        "circle/detail.html",
        {
            "cohort": cohort,
            "people": [(role.label, by_role[role]) for role in Role if by_role[role]],
            "perms": cohort_perms(user=request.user, cohort=cohort),
            "is_mentor": Role.MENTOR in cohort_roles(user=request.user, cohort=cohort),
            "is_participant": Role.PARTICIPANT in cohort_roles(user=request.user, cohort=cohort),
            "themes": list(cohort.themes.all()),
        },
    )
