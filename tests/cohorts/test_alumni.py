"""A programme's alumni: every participant of its cohorts, filterable, with a CSV; addresses
only as the directory rule allows."""

import pytest
from django.urls import reverse

from cohorts.models import Membership, Role

from ..factories import (
    CohortFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def alum(cohort, *, country="FI", share=False, email=None, theme=None):
    user = UserFactory(share_email=share, **({"email": email} if email else {}))
    library = LibraryFactory(country=country)
    membership = MembershipFactory(user=user, cohort=cohort, role=Role.PARTICIPANT, library=library)
    nomination = NominationFactory(
        cohort=cohort, library=library, participant=membership, project_title=f"Project {user.pk}"
    )
    if theme:
        nomination.themes.add(theme)
    return user


def alumni_url(cohort, query=""):
    return reverse("circle:alumni", kwargs={"programme_slug": cohort.programme.slug}) + query


@pytest.fixture
def manager(cohort):
    person = UserFactory(email="manager@example.org")
    cohort.programme.managers.add(person)
    return person


def test_a_manager_sees_every_cohort_s_alumni_with_library_project_and_email(
    client, cohort, manager
):
    older = CohortFactory(programme=cohort.programme)
    one, two = alum(cohort, email="one@example.org"), alum(older, email="two@example.org")
    client.force_login(manager)
    html = client.get(alumni_url(cohort)).content.decode()
    for person in (one, two):
        assert person.email in html
        assert f"Project {person.pk}" in html


def test_a_facilitator_sees_other_cohorts_addresses_only_when_shared(client, cohort, facilitator):
    older = CohortFactory(programme=cohort.programme)
    own = alum(cohort, email="own@example.org")
    hidden = alum(older, email="hidden@example.org")
    shared = alum(older, email="shared@example.org", share=True)
    client.force_login(facilitator)
    html = client.get(alumni_url(cohort)).content.decode()
    assert own.email in html
    assert shared.email in html
    assert hidden.email not in html
    assert f"Project {hidden.pk}" in html


def test_filters_by_cohort_country_and_theme(client, cohort, manager):
    older = CohortFactory(programme=cohort.programme)
    theme = ThemeFactory(cohort=cohort, name="Green libraries")
    finn = alum(cohort, country="FI", theme=theme)
    kenyan = alum(older, country="KE")
    client.force_login(manager)
    by_country = client.get(alumni_url(cohort, "?country=ke")).content.decode()
    assert f"Project {kenyan.pk}" in by_country
    assert f"Project {finn.pk}" not in by_country
    by_cohort = client.get(alumni_url(cohort, f"?cohort={cohort.slug}")).content.decode()
    assert f"Project {finn.pk}" in by_cohort
    assert f"Project {kenyan.pk}" not in by_cohort
    by_theme = client.get(alumni_url(cohort, "?theme=Green+libraries")).content.decode()
    assert f"Project {finn.pk}" in by_theme
    assert f"Project {kenyan.pk}" not in by_theme
    nonsense = client.get(alumni_url(cohort, "?country=%00%ff&cohort=<x>&theme=" + "x" * 500))
    assert nonsense.status_code == 200


def test_the_csv_has_a_row_per_alum(client, cohort, manager):
    alum(cohort, email="one@example.org")
    alum(cohort, email="two@example.org")
    client.force_login(manager)
    url = reverse("circle:alumni_csv", kwargs={"programme_slug": cohort.programme.slug})
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 3
    assert "one@example.org" in response.content.decode()


def test_participants_and_strangers_do_not_see_alumni(client, cohort, make_member):
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    assert client.get(alumni_url(cohort)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(alumni_url(cohort)).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_alumni_queries_do_not_grow(client, cohort, manager, size, django_assert_num_queries):
    for index in range(size):
        alum(cohort, country=("FI", "KE", "BR")[index % 3])
    client.force_login(manager)
    with django_assert_num_queries(10):
        assert client.get(alumni_url(cohort)).status_code == 200
    assert Membership.objects.filter(cohort=cohort).count() == size
