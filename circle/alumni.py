"""Reads for a programme's alumni: everyone who took part in any of its cohorts."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cohorts.models import Cohort, Library, Membership, Programme, Role
from cohorts.permissions import facilitated_cohorts, is_programme_manager, may_see_alum_email
from nominations.models import Nomination


@dataclass
class Alum:
    user: Any
    cohort: Cohort
    library: Library | None
    project: Nomination | None
    email: str


@dataclass(frozen=True)
class AlumniFilter:
    cohort: str = ""
    country: str = ""
    theme: str = ""


def alumni_of(*, programme: Programme, viewer: Any, only: AlumniFilter) -> list[Alum]:
    """The programme's participants, newest cohort first, as ``viewer`` may see them, in
    a fixed number of queries whatever their number."""
    memberships = (
        Membership.objects.filter(cohort__programme=programme, role=Role.PARTICIPANT)
        .select_related("user", "library", "cohort")
        .order_by("-cohort__programme_start", "user__display_name", "user__email")
    )
    if only.cohort:
        memberships = memberships.filter(cohort__slug=only.cohort)
    if only.country:
        memberships = memberships.filter(library__country=only.country)
    if only.theme:
        memberships = memberships.filter(nomination__themes__name=only.theme).distinct()
    memberships = list(memberships)
    projects = {
        n.participant_id: n
        for n in Nomination.objects.filter(participant__in=memberships).select_related("library")
    }
    manager = is_programme_manager(user=viewer, programme=programme)
    facilitated = facilitated_cohorts(user=viewer, programme=programme)
    alumni = []
    for membership in memberships:
        project = projects.get(membership.pk)
        user = membership.user
        visible = may_see_alum_email(
            manager=manager,
            facilitated=facilitated,
            cohort_id=membership.cohort_id,
            shared=user.share_email,
        )
        alumni.append(
            Alum(
                user=user,
                cohort=membership.cohort,
                library=membership.library or (project.library if project else None),
                project=project,
                email=user.email if visible else "",
            )
        )
    return alumni


def alumni_csv_rows(alumni: list[Alum]) -> list[list[str]]:
    header = [_("Name"), _("Cohort"), _("Library"), _("City"), _("Country"), _("Project")]
    rows = [[*header, _("Email")]]
    for alum in alumni:
        library = alum.library
        rows.append(
            [
                alum.user.display_name or "",
                alum.cohort.name,
                library.name if library else "",
                library.city if library else "",
                library.country.name if library else "",
                alum.project.project_title if alum.project else "",
                alum.email,
            ]
        )
    return rows
