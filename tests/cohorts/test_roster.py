import datetime as dt

import pytest
from django.urls import reverse

from cohorts.models import Membership, Role

from ..factories import (
    CohortFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    UserFactory,
)
from .members import viewer_for


def roster_url(cohort):
    return reverse("circle:roster", kwargs={"cohort_slug": cohort.slug})


def person_url(cohort, user):
    return reverse("circle:person", kwargs={"cohort_slug": cohort.slug, "user_id": user.pk})


def enrol(cohort, *, country="FI", share_email=False, **user_fields):
    """A participant as selection makes one: an accepted nomination and a membership."""
    library = LibraryFactory(country=country)
    user = UserFactory(share_email=share_email, **user_fields)
    membership = MembershipFactory(user=user, cohort=cohort, role=Role.PARTICIPANT, library=library)
    NominationFactory(
        cohort=cohort,
        library=library,
        candidate_email=user.email.upper(),
        status="accepted",
        project_kind="new_main_library",
        project_title=f"Harbour library of {user.display_name}",
        participant=membership,
    )
    return user


ROLE_EXPECTATIONS = [
    ("anonymous", 302),
    (Role.PARTICIPANT, 200),
    ("other_participant", 403),
    (Role.MENTOR, 200),
    (Role.ADVISOR, 200),
    (Role.FACILITATOR, 200),
    ("staff", 403),
]


@pytest.mark.parametrize(("role_name", "status"), ROLE_EXPECTATIONS)
def test_roster_answers_each_role(client, cohort, role_name, status):
    enrol(cohort)
    viewer = viewer_for(role_name, cohort)
    if viewer:
        client.force_login(viewer)
    response = client.get(roster_url(cohort))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("role_name", "status"), ROLE_EXPECTATIONS)
def test_person_page_answers_each_role(client, cohort, role_name, status):
    member = enrol(cohort)
    viewer = viewer_for(role_name, cohort)
    if viewer:
        client.force_login(viewer)
    assert client.get(person_url(cohort, member)).status_code == status


def test_person_page_is_404_for_someone_outside_the_cohort(client, cohort):
    viewer = enrol(cohort)
    outsider = enrol(CohortFactory())
    client.force_login(viewer)
    assert client.get(person_url(cohort, outsider)).status_code == 404


def test_roster_shows_library_place_and_project_of_each_participant(client, cohort):
    ana = enrol(cohort, country="BR", display_name="Ana Sílva")
    client.force_login(ana)
    page = client.get(roster_url(cohort)).content.decode()
    library = Membership.objects.get(user=ana).library
    assert "Ana Sílva" in page
    assert library.name in page
    assert library.city in page
    assert "Brazil" in page
    assert "New main library" in page
    assert "Harbour library of Ana Sílva" in page


def test_roster_hides_email_unless_shared(client, cohort):
    hidden = enrol(cohort, email="hidden@library.example")
    shown = enrol(cohort, email="shown@library.example", share_email=True)
    viewer = enrol(cohort)
    client.force_login(viewer)
    page = client.get(roster_url(cohort)).content.decode()
    assert shown.email in page
    assert hidden.email not in page
    assert hidden.email not in client.get(person_url(cohort, hidden)).content.decode()
    assert shown.email in client.get(person_url(cohort, shown)).content.decode()


def test_roster_shows_every_email_to_facilitators(client, cohort, facilitator):
    hidden = enrol(cohort, email="hidden@library.example")
    client.force_login(facilitator)
    assert hidden.email in client.get(roster_url(cohort)).content.decode()
    assert hidden.email in client.get(person_url(cohort, hidden)).content.decode()


def test_mentor_sees_only_shared_emails(client, cohort, make_member):
    hidden = enrol(cohort, email="hidden@library.example")
    client.force_login(make_member(cohort, Role.MENTOR))
    assert hidden.email not in client.get(roster_url(cohort)).content.decode()


def test_person_page_shows_biography_and_project(client, cohort):
    member = enrol(cohort, biography="Runs the maker spaces of 12 branches.")
    viewer = enrol(cohort)
    client.force_login(viewer)
    page = client.get(person_url(cohort, member)).content.decode()
    assert "Runs the maker spaces of 12 branches." in page
    assert f"Harbour library of {member.display_name}" in page
    assert page.count("<h1") == 1


def test_roster_overview_counts_participants_by_continent_and_country(client, cohort):
    for country in ("BR", "BR", "KE", "FI"):
        enrol(cohort, country=country)
    client.force_login(enrol(cohort, country="DE"))
    page = client.get(roster_url(cohort)).content.decode()
    assert 'role="img"' in page
    assert "<title" in page
    assert "<desc" in page
    assert "South America: 2 (Brazil 2)" in page
    assert "Europe: 2 (" in page
    assert "Finland 1" in page
    assert "Germany 1" in page
    assert "Africa: 1 (Kenya 1)" in page
    assert '<td class="num">5</td>' in page  # the table's total


def test_roster_links_print_stylesheet(client, cohort):
    client.force_login(enrol(cohort))
    page = client.get(roster_url(cohort)).content.decode()
    assert "css/people.css" in page


def test_finished_cohort_roster_still_readable(client, db):
    past = CohortFactory(
        nominations_open_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC),
        nominations_deadline=dt.datetime(2022, 3, 1, tzinfo=dt.UTC),
        announcement_date=dt.date(2022, 4, 1),
        programme_start=dt.date(2022, 5, 1),
        programme_end=dt.date(2023, 3, 31),
    )
    member = enrol(past, display_name="Alumna Ada")
    client.force_login(member)
    assert "Alumna Ada" in client.get(roster_url(past)).content.decode()
    assert client.get(past.get_absolute_url()).status_code == 200


def test_roster_shows_admin_link_to_staff_only(client, cohort, make_member):
    staff_facilitator = make_member(cohort, Role.FACILITATOR, is_staff=True, is_superuser=True)
    participant = enrol(cohort)
    admin_url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    client.force_login(staff_facilitator)
    assert admin_url in client.get(roster_url(cohort)).content.decode()
    user_admin = reverse("admin:metlib_user_change", args=[participant.pk])
    assert user_admin in client.get(person_url(cohort, participant)).content.decode()
    client.force_login(participant)
    assert admin_url not in client.get(roster_url(cohort)).content.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_roster_queries_do_not_grow_with_members(
    client, cohort, facilitator, size, django_assert_num_queries
):
    for index in range(size):
        enrol(cohort, country=("FI", "BR", "KE", "JP")[index % 4], share_email=index % 2 == 0)
    MembershipFactory(cohort=cohort, role=Role.MENTOR)
    client.force_login(facilitator)
    # the viewer, the cohort, the viewer's roles, memberships, the projects
    with django_assert_num_queries(4):
        response = client.get(roster_url(cohort))
    assert response.content.decode().count('class="card"') == size + 2


def test_roster_names_continents_in_the_viewers_language(client, cohort):
    enrol(cohort, country="KE")
    viewer = enrol(cohort, country="FI", language="de")
    client.force_login(viewer)

    page = client.get(roster_url(cohort)).content.decode()

    assert "Afrika (1)" in page
    assert "Europa (1)" in page
    assert "Africa" not in page
