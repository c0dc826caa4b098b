"""Mentoring groups: a suggestion that balances sizes and mixes countries, and applying it.

The suggestion is deterministic. Participants are sorted by (continent, sub-region, country,
user id) and dealt round-robin to the mentors (sorted by user id). Participants of one country
are therefore consecutive and land in different groups whenever the country has no more
participants than there are groups; neighbouring countries of one sub-region are spread the
same way. Sizes differ by at most one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Cohort, Membership, MentoringGroup, Role
from .permissions import Perm, has_cohort_perm


class MentoringProblem(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SuggestedGroup:
    mentor: Any
    members: list[Any] = field(default_factory=list)


def participant_memberships(*, cohort: Cohort) -> list[Membership]:
    """The cohort's participants with their user and library, in one query."""
    return list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .select_related("user", "library")
        .order_by("user_id")
    )


def mentor_memberships(*, cohort: Cohort) -> list[Membership]:
    return list(
        Membership.objects.filter(cohort=cohort, role=Role.MENTOR)
        .select_related("user")
        .order_by("user_id")
    )


def _place(membership: Membership) -> tuple[int, str, str, str, int]:
    """Sort key: known places first, then continent, sub-region, country, user id."""
    library = membership.library
    if library is None or not library.country:
        return (1, "", "", "", membership.user_id)
    geography = library.geography
    return (0, geography.continent, geography.subregion, library.country.code, membership.user_id)


def suggest_groups(
    *,
    cohort: Cohort,
    participants: Sequence[Membership] | None = None,
    mentors: Sequence[Membership] | None = None,
) -> list[SuggestedGroup]:
    """One group per mentor; participants dealt round-robin in order of place (see above)."""
    if mentors is None:
        mentors = mentor_memberships(cohort=cohort)
    if participants is None:
        participants = participant_memberships(cohort=cohort)
    groups = [SuggestedGroup(mentor=m.user) for m in sorted(mentors, key=lambda m: m.user_id)]
    if not groups:
        return []
    for index, membership in enumerate(sorted(participants, key=_place)):
        groups[index % len(groups)].members.append(membership.user)
    return groups


def _unique_name(mentor: Any, taken: set[str]) -> str:
    name = _("Group of %(mentor)s") % {"mentor": mentor}
    if name in taken:
        name = f"{name} ({mentor.email})"
    return name[:120]


@transaction.atomic
def apply_groups(
    *, cohort: Cohort, by: Any, groups: Iterable[SuggestedGroup]
) -> list[MentoringGroup]:
    """Make the cohort's mentoring groups hold exactly ``groups``' members.

    Each mentor's existing group (the first one, by name) keeps its name; a mentor without one
    gets "Group of <mentor>". Groups of the cohort not named in ``groups`` are emptied, so a
    participant is in one group at most. Only facilitators may do this.
    """
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied
    groups = list(groups)
    mentor_ids = set(
        Membership.objects.filter(cohort=cohort, role=Role.MENTOR).values_list("user_id", flat=True)
    )
    participant_ids = set(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT).values_list(
            "user_id", flat=True
        )
    )
    seen: set[int] = set()
    for group in groups:
        if group.mentor.pk not in mentor_ids:
            raise MentoringProblem(
                _("%(person)s is not a mentor of this cohort.") % {"person": group.mentor}
            )
        for member in group.members:
            if member.pk not in participant_ids:
                raise MentoringProblem(
                    _("%(person)s is not a participant of this cohort.") % {"person": member}
                )
            if member.pk in seen:
                raise MentoringProblem(
                    _("%(person)s is in more than one group.") % {"person": member}
                )
            seen.add(member.pk)
    existing = list(MentoringGroup.objects.filter(cohort=cohort).order_by("name", "pk"))
    by_mentor: dict[int, MentoringGroup] = {}
    for group in existing:
        by_mentor.setdefault(group.mentor_id, group)
    taken = {group.name for group in existing}
    result = []
    used: set[int] = set()
    for suggested in groups:
        group = by_mentor.get(suggested.mentor.pk)
        if group is None:
            name = _unique_name(suggested.mentor, taken)
            taken.add(name)
            group = MentoringGroup.objects.create(cohort=cohort, name=name, mentor=suggested.mentor)
        group.members.set(suggested.members)
        used.add(group.pk)
        result.append(group)
    for group in existing:
        if group.pk not in used:
            group.members.clear()
    return result
