"""The data every scenario uses, made with the project's own factories (tests/factories.py).

One cohort whose call is open with its deadline a year away, its themes, a directory of
libraries, a facilitator, a nominator with a draft to edit, and 500 nominations in all for the
pipeline. Sessions are real database sessions, handed to the load generator as cookies.
"""

import datetime as dt
from dataclasses import dataclass

COHORT_SLUG = "bench-circle"
PIPELINE_SIZE = 500
THEMES = (
    "Urban transformation",
    "Community engagement",
    "Digital services",
    "Library buildings",
    "Partnerships",
    "Leadership",
)
COUNTRIES = ("FI", "DE", "BR", "IN", "ZA", "US", "CN", "KE", "CO", "AU", "FR", "NG", "ID", "MX")
# Statuses of the pipeline's nominations, repeated in this proportion.
STATUS_CYCLE = (
    ["submitted"] * 9 + ["under_review"] * 5 + ["draft"] * 2 + ["accepted", "waitlisted"]
) + ["declined", "withdrawn"]


@dataclass(frozen=True)
class Seeded:
    cohort_slug: str
    draft_pk: int  # the signed-in nominator's own draft
    draft_form_data: list[tuple[str, str]]  # every field of that draft, as the edit page posts it
    nominator_cookies: dict[str, str]
    facilitator_cookies: dict[str, str]
    pipeline_size: int


def seed() -> Seeded:
    """Fill the (new, empty) bench database; see the module docstring."""
    import factory.random
    from django.db import transaction
    from django.utils import timezone

    from cohorts.models import Role
    from tests import factories

    factory.random.reseed_random("metlib-bench")
    now = timezone.now()
    with transaction.atomic():
        cohort = factories.CohortFactory(
            slug=COHORT_SLUG,
            name="Bench Learning Circle",
            nominations_open_at=now - dt.timedelta(days=30),
            nominations_deadline=now + dt.timedelta(days=365),
        )
        factories.CallFactory(cohort=cohort)
        themes = [
            factories.ThemeFactory(cohort=cohort, name=name, position=position)
            for position, name in enumerate(THEMES)
        ]
        libraries = [
            factories.LibraryFactory(country=COUNTRIES[i % len(COUNTRIES)], name=f"Library {i}")
            for i in range(120)
        ]
        facilitator = _user("facilitator@bench.example")
        factories.MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
        nominator = _user("nominator@bench.example")
        draft = factories.NominationFactory(
            cohort=cohort, nominator=nominator, library=libraries[0], themes=themes[:2]
        )
        for i in range(1, PIPELINE_SIZE):
            status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
            factories.NominationFactory(
                cohort=cohort,
                nominator=_user(f"nominator{i}@bench.example"),
                library=libraries[i % len(libraries)],
                themes=[themes[i % len(themes)], themes[(i * 7 + 1) % len(themes)]],
                status=status,
                submitted_at=None if status == "draft" else now - dt.timedelta(hours=i),
            )
    return Seeded(
        cohort_slug=cohort.slug,
        draft_pk=draft.pk,
        draft_form_data=_form_data(draft),
        nominator_cookies=_session_cookies(nominator),
        facilitator_cookies=_session_cookies(facilitator),
        pipeline_size=PIPELINE_SIZE,
    )


def _user(email: str):
    from tests import factories

    # No password: hashing 500 of them would take minutes, and sessions are made directly.
    return factories.UserFactory(email=email, password=None)


def _form_data(nomination) -> list[tuple[str, str]]:
    """What the edit page's form posts back unchanged, field by field."""
    from django import forms

    from nominations.forms import NominationForm

    form = NominationForm(instance=nomination, cohort=nomination.cohort)
    data: list[tuple[str, str]] = []
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data.append((bound.html_name, "on"))
        elif isinstance(value, list | tuple):
            data.extend((bound.html_name, str(item)) for item in value)
        elif value is not None:
            data.append((bound.html_name, str(value)))
    return data


def _session_cookies(user) -> dict[str, str]:
    """A signed-in session for ``user``, stored in the database like any other."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
