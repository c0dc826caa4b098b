"""The cohort's team page and the programme's page. Thin: parse, call :mod:`cohorts.team`."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import team as service
from .models import Membership, Programme, Role
from .permissions import Perm, cohort_perm_required, is_programme_manager
from .team_forms import AppointForm


def _roles(request: HttpRequest) -> list[Role]:
    return [
        role
        for role in service.TEAM_ROLES
        if service.may_appoint(by=request.user, cohort=request.cohort, role=role)
    ]


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """Facilitators, advisors and mentors: who they are, who has not signed in yet, add one."""
    cohort = request.cohort
    roles = _roles(request)
    form = AppointForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        membership = service.appoint_member(
            cohort=cohort,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
        messages.success(
            request,
            _("%(email)s is %(role)s of this cohort; an invitation is on its way.")
            % {"email": membership.user.email, "role": membership.get_role_display()},
        )
        return redirect("cohorts:team", cohort_slug=cohort.slug)
    members = service.team_of(cohort=cohort)
    removable = {role.value for role in roles}
    return render(
        request,
        "cohorts/team/team.html",
        {
            "cohort": cohort,
            "form": form,
            "members": [(m, m.role in removable) for m in members],
        },
        status=400 if form.errors else 200,
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def team_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    """End one person's role in the cohort."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "cohort"),
        pk=membership_id,
        cohort=request.cohort,
        role__in=service.TEAM_ROLES,
    )
    service.end_membership(membership=membership, by=request.user)
    messages.success(
        request,
        _("%(email)s is no longer %(role)s of this cohort.")
        % {"email": membership.user.email, "role": membership.get_role_display()},
    )
    return redirect("cohorts:team", cohort_slug=request.cohort.slug)


def programme(request: HttpRequest, programme_slug: str) -> HttpResponse:
    """A programme's cohorts, for its managers: where next year starts."""
    found = get_object_or_404(Programme, slug=programme_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_programme_manager(user=request.user, programme=found):
        raise Http404
    return render(
        request,
        "cohorts/team/programme.html",
        {
            "programme": found,
            "cohorts": list(found.cohorts.order_by("-programme_start")),
            "managers": list(found.managers.order_by("email")),
        },
    )
