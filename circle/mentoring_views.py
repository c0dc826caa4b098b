"""Mentoring-group pages: the facilitator forms the groups, a mentor sees their own.

Thin: read, call :mod:`cohorts.mentoring`, render.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cohorts import mentoring
from cohorts.models import Membership, MentoringGroup, Role
from cohorts.permissions import Perm, cohort_perm_required, cohort_roles
from metlib.models import User
from nominations.selectors import projects_of
from sessions.models import Event


class GroupsForm(forms.Form):
    """One select per participant: which mentor's group they are in."""

    def __init__(self, *args, participants, mentors, initial_groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("No group"))] + [
            (str(m.user_id), str(m.user)) for m in mentors
        ]
        self.participants = participants
        for membership in participants:
            mentor_id = initial_groups.get(membership.user_id)
            self.fields[f"p{membership.user_id}"] = forms.ChoiceField(
                label=str(membership.user),
                choices=choices,
                required=False,
                initial=str(mentor_id) if mentor_id else "",
            )

    def rows(self):
        for membership in self.participants:
            yield membership, self[f"p{membership.user_id}"]

    def groups(self, mentors) -> list[mentoring.SuggestedGroup]:
        by_id = {m.user_id: mentoring.SuggestedGroup(mentor=m.user) for m in mentors}
        for membership in self.participants:
            chosen = self.cleaned_data.get(f"p{membership.user_id}")
            if chosen:
                by_id[int(chosen)].members.append(membership.user)
        return list(by_id.values())


def _current_groups(cohort) -> list[MentoringGroup]:
    return list(
        MentoringGroup.objects.filter(cohort=cohort)
        .select_related("mentor")
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("pk")))
        .order_by("name", "pk")
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The current groups beside the suggestion; use the suggestion or adjust by hand."""
    cohort = request.cohort
    participants = mentoring.participant_memberships(cohort=cohort)
    mentors = mentoring.mentor_memberships(cohort=cohort)
    current = _current_groups(cohort)
    placed: dict[int, int] = {}
    for group in current:
        for member in group.members.all():
            placed.setdefault(member.pk, group.mentor_id)
    suggestion = mentoring.suggest_groups(cohort=cohort, participants=participants, mentors=mentors)
    form = GroupsForm(
        request.POST if "adjust" in request.POST else None,
        participants=participants,
        mentors=mentors,
        initial_groups=placed,
    )
    status = 200
    if request.method == "POST":
        groups = None
        if "use_suggestion" in request.POST:
            groups = suggestion
        elif form.is_valid():
            groups = form.groups(mentors)
        if groups is not None:
            try:
                mentoring.apply_groups(cohort=cohort, by=request.user, groups=groups)
            except mentoring.MentoringProblem as problem:
                messages.error(request, problem.message)
            else:
                messages.success(request, _("The mentoring groups are saved."))
                return redirect("circle:mentoring", cohort_slug=cohort.slug)
        else:
            messages.error(request, _("Nothing is saved yet: correct the marked fields."))
        status = 400
    membership_of = {m.user_id: m for m in participants}
    current_rows = [
        {"group": group, "members": [membership_of.get(u.pk) for u in group.members.all()]}
        for group in current
    ]
    unplaced = [m for m in participants if m.user_id not in placed]
    suggestion_rows = [
        {"mentor": group.mentor, "members": [membership_of[u.pk] for u in group.members]}
        for group in suggestion
    ]
    return render(
        request,
        "circle/mentoring.html",
        {
            "cohort": cohort,
            "current": current_rows,
            "unplaced": unplaced,
            "suggestion": suggestion_rows,
            "form": form,
            "mentors": mentors,
        },
        status=status,
    )


@cohort_perm_required(Perm.VIEW_COHORT)
def mine(request: HttpRequest) -> HttpResponse:
    """A mentor's group(s): members with library and project, and the group's sessions."""
    cohort = request.cohort
    if Role.MENTOR not in cohort_roles(user=request.user, cohort=cohort):
        raise PermissionDenied
    groups = list(
        MentoringGroup.objects.filter(cohort=cohort, mentor=request.user)
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("pk")))
        .order_by("name", "pk")
    )
    member_ids = {u.pk for g in groups for u in g.members.all()}
    memberships = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT, user_id__in=member_ids)
        .select_related("user", "library")
        .order_by("user_id")
    )
    membership_of = {m.user_id: m for m in memberships}
    projects = projects_of(cohort=cohort, user_ids=[m.user_id for m in memberships])
    events: dict[int, list[Event]] = {}
    for event in Event.objects.filter(mentoring_group__in=groups).order_by("starts_at", "pk"):
        events.setdefault(event.mentoring_group_id, []).append(event)
    rows = [
        {
            "group": group,
            "members": [
                {
                    "user": user,
                    "library": getattr(membership_of.get(user.pk), "library", None),
                    "project": projects.get(user.pk),
                }
                for user in group.members.all()
            ],
            "events": events.get(group.pk, []),
        }
        for group in groups
    ]
    return render(request, "circle/mentoring_mine.html", {"cohort": cohort, "groups": rows})
