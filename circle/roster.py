"""Reads for a cohort's roster: who is in it, where from, with which project, and what of them
each viewer may see.

A participant's project is the nomination that enrolled them (``Nomination.participant``,
read by :func:`nominations.selectors.projects_of`, as every other page does).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cohorts.models import Cohort, Library, Membership, Role
from cohorts.permissions import Perm, has_cohort_perm
from nominations.models import Nomination
from nominations.selectors import projects_of

# Participants first: they are who the roster is for; then who guides and who runs the year.
ROLE_ORDER = (Role.PARTICIPANT, Role.MENTOR, Role.ADVISOR, Role.FACILITATOR)
UNKNOWN_PLACE = "—"


@dataclass
class RosterEntry:
    """One person of a cohort as a given viewer may see them."""

    user: Any
    roles: list[str] = field(default_factory=list)
    library: Library | None = None
    project: Nomination | None = None
    email: str = ""

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str
    count: int
    x: int = 0
    width: int = 0


@dataclass(frozen=True)
class ContinentCount:
    name: str
    count: int
    countries: list[CountryCount]
    y: int = 0
    width: int = 0


@dataclass(frozen=True)
class Overview:
    """Participants by continent and country, laid out for a server-drawn SVG."""

    continents: list[ContinentCount]
    total: int
    width: int
    height: int
    bar_x: int


def may_see_emails(*, viewer: Any, cohort: Cohort) -> bool:
    """Facilitators (and superusers) see every member's address; others only shared ones."""
    return has_cohort_perm(user=viewer, cohort=cohort, perm=Perm.MANAGE_COHORT)


def roster_entries(
    *, cohort: Cohort, viewer: Any, user_id: int | None = None
) -> dict[int, RosterEntry]:
    """Every member of ``cohort`` (or only ``user_id``) as ``viewer`` may see them, by user id."""
    memberships = Membership.objects.filter(cohort=cohort).select_related("user", "library")
    if user_id is not None:
        memberships = memberships.filter(user_id=user_id)
    entries: dict[int, RosterEntry] = {}
    for membership in memberships.order_by("user__display_name", "user__email", "role"):
        entry = entries.setdefault(membership.user_id, RosterEntry(user=membership.user))
        entry.roles.append(membership.role)
        entry.library = entry.library or membership.library
    projects = projects_of(cohort=cohort, user_ids=list(entries))
    all_emails = may_see_emails(viewer=viewer, cohort=cohort)
    for pk, entry in entries.items():
        entry.roles.sort(key=lambda role: ROLE_ORDER.index(Role(role)))
        entry.project = projects.get(pk)
        if entry.library is None and entry.project is not None:
            entry.library = entry.project.library
        if all_emails or entry.user.share_email or entry.user.pk == viewer.pk:
            entry.email = entry.user.email
    return entries


def roster_sections(entries: dict[int, RosterEntry]) -> list[tuple[str, list[RosterEntry]]]:
    """(role label, people) for each role present, participants first."""
    sections = []
    for role in ROLE_ORDER:
        people = [entry for entry in entries.values() if role in entry.roles]
        if people:
            sections.append((_section_title(role), people))
    return sections


def _section_title(role: Role) -> str:
    return {
        Role.PARTICIPANT: _("Participants"),
        Role.MENTOR: _("Mentors"),
        Role.ADVISOR: _("Advisors"),
        Role.FACILITATOR: _("Facilitators"),
    }[role]


def participant_overview(
    entries: dict[int, RosterEntry], *, unit: int = 24, bar_x: int = 150, row: int = 34
) -> Overview:
    """Participants counted by continent and country, with each bar's place in the drawing."""
    by_continent: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for entry in entries.values():
        if Role.PARTICIPANT not in entry.roles:
            continue
        library = entry.library
        code = library.country.code if library else ""
        continent = (library.geography.continent_name if library else "") or _("Not known")
        names[code] = library.country.name if library else UNKNOWN_PLACE
        by_continent[continent][code] += 1
    continents = []
    ordered = sorted(by_continent.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    for index, (continent, countries) in enumerate(ordered):
        x = bar_x
        laid_out = []
        for code, count in sorted(countries.items(), key=lambda c: (-c[1], names[c[0]])):
            laid_out.append(CountryCount(code, names[code], count, x=x, width=count * unit))
            x += count * unit
        total = sum(countries.values())
        continents.append(
            ContinentCount(continent, total, laid_out, y=index * row, width=total * unit)
        )
    widest = max((c.width for c in continents), default=0)
    return Overview(
        continents=continents,
        total=sum(c.count for c in continents),
        width=bar_x + max(widest, 10 * unit) + 40,  # a few people do not fill the page
        height=max(len(continents), 1) * row,
        bar_x=bar_x,
    )
