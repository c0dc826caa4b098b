"""The demo cohort: the 2024 MetLib call's real timeline with fictional libraries and people.

Everything here is keyed on a natural key and written with ``update_or_create``, so loading it
twice leaves exactly the rows that loading it once did. This module loads the cohort, its
libraries and its people; the parts of the demo that belong to other apps live in their own
``demo`` module (``demo.nominations`` for the call and the nominations), and the ``load_demo``
management command runs them after :func:`load_demo`. That keeps the import direction of the
apps: nominations import cohorts, never the other way round.

Every library and every person below is invented; only the cities and the call are real.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import BasePasswordHasher, get_hasher, make_password
from django_countries import countries

from cohorts.geography import geography_of
from cohorts.models import Cohort, Library, Membership, Programme, Role, Theme
from metlib.models import User

from .data import read

# Demo only: every demo account shares this password so a first look needs no sign-up.
# Never load the demo into a database that real people use.
DEMO_PASSWORD = "metlib-demo-2024"  # noqa: S105

FACILITATOR_EMAIL = "facilitator@demo.metlib.example"
ADMIN_EMAIL = "admin@demo.metlib.example"
MANAGER_EMAIL = "manager@demo.metlib.example"

PROGRAMME_SLUG = "metlib-learning-circle"
COHORT_SLUG = "metlib-2024"
COHORT_ZONE = zoneinfo.ZoneInfo("America/New_York")

# The ten themes of the 2024 call for nominations, in the call's order.
THEMES: tuple[str, ...] = tuple(read("call-2024")["themes"])


class DemoLibrary(NamedTuple):
    name: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    population: int  # people in the urban area, rounded


# Invented libraries in real cities (demo/data/libraries.toml).
LIBRARIES = tuple(DemoLibrary(**row) for row in read("libraries")["library"])


class DemoPerson(NamedTuple):
    email: str
    display_name: str
    role: Role
    time_zone: str
    language: str
    library: str  # a name from LIBRARIES, or "" for nobody's library


# Invented people whose names exercise diacritics and scripts (demo/data/people.toml).
PEOPLE = tuple(
    DemoPerson(**{"library": "", **row, "role": Role(row["role"])})
    for row in read("people")["person"]
)


@dataclass(frozen=True)
class DemoResult:
    """What :func:`load_demo` loaded, for the command to report."""

    cohort: Cohort
    libraries: int
    countries: int
    continents: int
    people: int  # the cohort's demo members; the admin account is not counted
    facilitator_email: str
    admin_email: str
    password: str
    # The demo's libraries themselves, for the parts of the demo that other apps load.
    library_rows: tuple[Library, ...] = ()


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def load_programme() -> Programme:
    """Create or update the MetLib Learning Circle programme."""
    programme, _ = Programme.objects.update_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "name": "MetLib Learning Circle",
            "organisation": "IFLA Metropolitan Libraries Section",
        },
    )
    return programme


def load_cohort(*, programme: Programme) -> Cohort:
    """Create or update the 2024-25 cohort with the dates of the 2024 call for nominations."""
    cohort, _ = Cohort.objects.update_or_create(
        slug=COHORT_SLUG,
        defaults={
            "programme": programme,
            "name": "MetLib Learning Circle 2024\N{EN DASH}25",
            "time_zone": COHORT_ZONE.key,
            "nominations_open_at": dt.datetime(2024, 1, 8, 9, 0, tzinfo=COHORT_ZONE),
            "nominations_deadline": dt.datetime(2024, 2, 15, 23, 59, tzinfo=COHORT_ZONE),
            "announcement_date": dt.date(2024, 2, 19),
            "programme_start": dt.date(2024, 4, 1),
            "programme_end": dt.date(2025, 3, 31),
            "capacity_min": 15,
            "capacity_max": 20,
            "stipends_available": 3,
        },
    )
    return cohort


def load_themes(*, cohort: Cohort) -> list[Theme]:
    """Create or update the call's themes on ``cohort``, numbered in the call's order."""
    return [
        Theme.objects.update_or_create(cohort=cohort, name=name, defaults={"position": position})[0]
        for position, name in enumerate(THEMES, start=1)
    ]


def load_libraries() -> list[Library]:
    """Create or update the fictional libraries of :data:`LIBRARIES` in the directory."""
    return [
        Library.objects.update_or_create(
            name=library.name,
            city=library.city,
            country=library.country,
            defaults={"city_population": library.population},
        )[0]
        for library in LIBRARIES
    ]


@cache
def _demo_password_hash(hasher: BasePasswordHasher) -> str:
    """DEMO_PASSWORD hashed once per process (and per hasher setting) with a fixed salt.

    The demo has dozens of accounts and a slow hash each would make every load take
    minutes. The password is printed for everyone anyway, so one fixed-salt hash can serve
    every account, and a reload compares strings instead of hashing again.
    """
    return make_password(DEMO_PASSWORD, salt="metlibdemo2024", hasher=hasher)


def load_account(
    *,
    email: str,
    display_name: str,
    time_zone: str = "UTC",
    language: str = "en",
    admin: bool = False,
) -> User:
    """Create or update one demo account with a verified primary address and DEMO_PASSWORD."""
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "display_name": display_name,
            "time_zone": time_zone,
            "language": language,
            "is_active": True,
            "is_staff": admin,
            "is_superuser": admin,
        },
    )
    encoded = _demo_password_hash(get_hasher())
    if user.password != encoded:
        user.password = encoded
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def load_people(*, cohort: Cohort, libraries: list[Library]) -> list[Membership]:
    """Create or update the demo's facilitator, advisors and mentors and their memberships."""
    by_name = {library.name: library for library in libraries}
    memberships = []
    for person in PEOPLE:
        user = load_account(
            email=person.email,
            display_name=person.display_name,
            time_zone=person.time_zone,
            language=person.language,
        )
        membership, _ = Membership.objects.update_or_create(
            user=user,
            cohort=cohort,
            role=person.role,
            defaults={"library": by_name[person.library] if person.library else None},
        )
        memberships.append(membership)
    return memberships


def load_admin() -> User:
    """Create or update the demo's staff superuser, who may open the admin site."""
    return load_account(email=ADMIN_EMAIL, display_name="Demo Admin", admin=True)


def load_manager(*, programme: Programme) -> User:
    """Create or update the programme's manager, who starts its cohorts in the app."""
    manager = load_account(email=MANAGER_EMAIL, display_name="Demo Programme Manager")
    programme.managers.add(manager)
    return manager


def load_demo(*, stdout: TextIO | None = None) -> DemoResult:
    """Create or update the whole demo cohort; safe to run again and again.

    Run it inside a transaction so a failure leaves nothing half-loaded. When ``stdout`` is
    given, one line per kind of data is written to it.
    """
    programme = load_programme()
    cohort = load_cohort(programme=programme)
    themes = load_themes(cohort=cohort)
    _say(stdout, f"Cohort “{cohort.name}” ({cohort.slug}): {len(themes)} themes")

    libraries = load_libraries()
    codes = sorted({str(library.country) for library in libraries})
    continents = sorted({geography_of(code).continent for code in codes})
    _say(
        stdout,
        f"Libraries: {len(libraries)} in {len(codes)} countries on {len(continents)} continents "
        f"({', '.join(continents)})",
    )
    _say(stdout, f"Countries: {', '.join(sorted(countries.name(code) for code in codes))}")

    memberships = load_people(cohort=cohort, libraries=libraries)
    for role in Role:
        names = [str(m.user) for m in memberships if m.role == role]
        if names:
            _say(stdout, f"{str(role.label).capitalize()} ({len(names)}): {', '.join(names)}")
    admin = load_admin()
    _say(stdout, f"Admin: {admin.email}")
    manager = load_manager(programme=programme)
    _say(stdout, f"Programme manager: {manager.email}")

    return DemoResult(
        cohort=cohort,
        libraries=len(libraries),
        countries=len(codes),
        continents=len(continents),
        people=len(memberships),
        facilitator_email=FACILITATOR_EMAIL,
        admin_email=admin.email,
        password=DEMO_PASSWORD,
        library_rows=tuple(libraries),
    )
