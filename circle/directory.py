"""The library directory and people's history across cohorts: reads, and who may make them.

Who sees what (contacts are personal data, so the circle is small):

- the directory (every library, its nominations, participants and contacts) is for people who
  facilitate or advise any cohort, and for staff; everyone else is refused;
- email addresses of contacts, and the outcome of each nomination, only for facilitators of
  any cohort and staff;
- a person's history: the person themselves, facilitators of any cohort, and staff.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries import countries

from cohorts.models import Cohort, Library, Membership, Role
from nominations.models import Nomination

DIRECTORY_ROLES = (Role.FACILITATOR, Role.ADVISOR)
PAGE_SIZE = 50


def _holds_role(*, user: Any, roles: tuple[str, ...]) -> bool:
    # A programme's managers see all its cohorts, so everything facilitators see here.
    return (
        Membership.objects.filter(user=user, role__in=roles).exists()
        or user.managed_programmes.exists()
    )


def may_use_directory(*, user: Any) -> bool:
    """Facilitators and advisors of any cohort, programme managers, and staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or _holds_role(user=user, roles=DIRECTORY_ROLES)


def sees_contact_details(*, user: Any) -> bool:
    """Facilitators of any cohort, programme managers and staff see addresses, outcomes and
    people's histories."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or _holds_role(user=user, roles=(Role.FACILITATOR,))


def may_see_history(*, viewer: Any, person: Any) -> bool:
    return viewer.pk == person.pk or sees_contact_details(user=viewer)


def search_libraries(*, query: str = "") -> QuerySet[Library]:
    """Libraries whose name, city or country matches ``query``, with their counts."""
    libraries = Library.objects.filter(listed=True)
    query = query.strip()
    if query:
        codes = [code for code, name in countries if query.lower() in str(name).lower()]
        libraries = libraries.filter(
            Q(name__icontains=query)
            | Q(city__icontains=query)
            | Q(country__in=codes)
            | Q(country__iexact=query)
        )
    return libraries.annotate(
        nomination_count=Count(
            "nominations",
            filter=~Q(nominations__status=Nomination.Status.DRAFT),
            distinct=True,
        ),
        participant_count=Count(
            "memberships",
            filter=Q(memberships__role=Role.PARTICIPANT),
            distinct=True,
        ),
    ).order_by("name", "city", "pk")


@dataclass
class Contact:
    """Someone linked to a library, with each role they had and in which cohort."""

    name: str
    email: str
    user_id: int | None = None
    roles: list[tuple[str, Cohort]] = field(default_factory=list)


@dataclass(frozen=True)
class LibraryRecord:
    library: Library
    nominations: list[Nomination]
    memberships: list[Membership]
    contacts: list[Contact]


def _in(cohort_id: int, ids: frozenset[int] | None) -> bool:
    return ids is None or cohort_id in ids


def library_record(
    *,
    library: Library,
    full: frozenset[int] | None = None,
    reviewed: frozenset[int] = frozenset(),
) -> LibraryRecord:
    """A library's nominations (drafts left out) and people over the years, newest first, as
    a viewer may see them (cohorts/permissions.py): nominations of the cohorts seen in
    ``full`` (None: all) or ``reviewed``, with their outcome only in ``full``; people and
    contacts of the ``full`` cohorts only. Each nomination carries ``in_full``."""
    nominations = [
        nomination
        for nomination in library.nominations.exclude(status=Nomination.Status.DRAFT)
        .select_related("cohort")
        .order_by("-cohort__programme_start", "candidate_name", "pk")
        if _in(nomination.cohort_id, full) or nomination.cohort_id in reviewed
    ]
    for nomination in nominations:
        nomination.in_full = _in(nomination.cohort_id, full)
    memberships = [
        membership
        for membership in library.memberships.select_related("user", "cohort").order_by(
            "-cohort__programme_start", "role", "user__display_name", "user__email"
        )
        if _in(membership.cohort_id, full)
    ]
    contacts: dict[str, Contact] = {}

    def add(*, email: str, name: str, role: str, cohort: Cohort, user_id: int | None) -> None:
        contact = contacts.setdefault(email.lower(), Contact(name=name, email=email))
        contact.user_id = contact.user_id or user_id
        if (role, cohort) not in contact.roles:
            contact.roles.append((role, cohort))

    for membership in memberships:
        add(
            email=membership.user.email,
            name=str(membership.user),
            role=membership.get_role_display(),
            cohort=membership.cohort,
            user_id=membership.user_id,
        )
    for nomination in nominations:
        email = nomination.nominator_email or ""
        if email and nomination.in_full:
            label = nomination.nominator_role or str(
                Nomination._meta.get_field("nominator").verbose_name
            )
            add(
                email=email,
                name=nomination.nominator_name or email,
                role=label,
                cohort=nomination.cohort,
                user_id=nomination.nominator_id,
            )
    ordered = sorted(contacts.values(), key=lambda c: (c.name.lower(), c.email))
    return LibraryRecord(library, nominations, memberships, ordered)


@dataclass
class HistoryRow:
    """What one person was in one cohort."""

    cohort: Cohort
    nominations: list[Nomination] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.cohort.programme_start.year

    @property
    def selected(self) -> bool:
        return any(n.status == Nomination.Status.ACCEPTED for n in self.nominations)

    @property
    def awaiting_decision(self) -> bool:
        """Nominated and the results not told yet: "not selected" would be wrong so far."""
        waiting = {Nomination.Status.SUBMITTED, Nomination.Status.UNDER_REVIEW}
        return not self.selected and any(n.status in waiting for n in self.nominations)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]

    def is_past(self, *, today: date | None = None) -> bool:
        return self.cohort.programme_end < (today or timezone.localdate())


def nominated_in(*, person: Any, cohorts: frozenset[int] | None) -> bool:
    """Whether ``person`` submitted a nomination to one of ``cohorts`` (None: any)."""
    submitted = Nomination.objects.filter(nominator=person).exclude(status=Nomination.Status.DRAFT)
    if cohorts is not None:
        submitted = submitted.filter(cohort_id__in=cohorts)
    return submitted.exists()


def person_history(*, person: Any, only: frozenset[int] | None = None) -> list[HistoryRow]:
    """Per cohort, newest first: nominated (as candidate), selected, and every role held;
    only the cohorts in ``only`` when given (what another viewer may see)."""
    addresses = {person.email.lower()}
    addresses |= {
        e.lower() for e in EmailAddress.objects.filter(user=person).values_list("email", flat=True)
    }
    rows: dict[int, HistoryRow] = {}
    nominations = (
        Nomination.objects.exclude(status=Nomination.Status.DRAFT)
        .annotate(candidate_address=Lower("candidate_email"))
        .filter(candidate_address__in=sorted(addresses))
        .select_related("cohort", "library")
        .order_by("pk")
    )
    for nomination in nominations:
        rows.setdefault(nomination.cohort_id, HistoryRow(nomination.cohort))
        rows[nomination.cohort_id].nominations.append(nomination)
    roles: dict[int, set[str]] = defaultdict(set)
    for membership in Membership.objects.filter(user=person).select_related("cohort"):
        rows.setdefault(membership.cohort_id, HistoryRow(membership.cohort))
        roles[membership.cohort_id].add(membership.role)
    order = [Role.FACILITATOR, Role.ADVISOR, Role.MENTOR, Role.PARTICIPANT]
    for cohort_id, held in roles.items():
        rows[cohort_id].roles = [role for role in order if role in held]
    if only is not None:
        rows = {pk: row for pk, row in rows.items() if pk in only}
    return sorted(
        rows.values(), key=lambda r: (-r.cohort.programme_start.toordinal(), r.cohort.name)
    )
