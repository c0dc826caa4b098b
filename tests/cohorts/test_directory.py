import datetime as dt

import pytest
from django.urls import reverse

from cohorts.models import Role

from ..factories import (
    CohortFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ProgrammeFactory,
    UserFactory,
)
from .members import viewer_for


def libraries_url(**params):
    url = reverse("circle:libraries")
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def library_url(library):
    return reverse("circle:library", kwargs={"pk": library.pk})


def history_url(person):
    return reverse("circle:history", kwargs={"user_id": person.pk})


def past_cohort(year=2022, **fields):
    return CohortFactory(
        name=f"Learning Circle {year}",
        nominations_open_at=dt.datetime(year, 1, 1, tzinfo=dt.UTC),
        nominations_deadline=dt.datetime(year, 3, 1, tzinfo=dt.UTC),
        announcement_date=dt.date(year, 4, 1),
        programme_start=dt.date(year, 5, 1),
        programme_end=dt.date(year + 1, 3, 31),
        **fields,
    )


DIRECTORY_EXPECTATIONS = [
    ("anonymous", 302),
    (Role.PARTICIPANT, 403),
    ("other_participant", 403),
    (Role.MENTOR, 403),
    (Role.ADVISOR, 200),
    (Role.FACILITATOR, 200),
    ("staff", 200),
]


@pytest.mark.parametrize(("role_name", "status"), DIRECTORY_EXPECTATIONS)
def test_directory_answers_each_role(client, cohort, role_name, status):
    library = LibraryFactory()
    viewer = viewer_for(role_name, cohort)
    if viewer:
        client.force_login(viewer)
    assert client.get(libraries_url()).status_code == status
    assert client.get(library_url(library)).status_code == status


def test_library_page_is_404_for_unknown_library(client, cohort, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("circle:library", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize(
    ("role_name", "status"),
    [
        ("anonymous", 302),
        (Role.PARTICIPANT, 403),
        ("other_participant", 403),
        (Role.MENTOR, 403),
        (Role.ADVISOR, 403),
        (Role.FACILITATOR, 200),
        ("staff", 200),
    ],
)
def test_someone_elses_history_answers_each_role(client, cohort, role_name, status):
    person = UserFactory()
    MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    viewer = viewer_for(role_name, cohort)
    if viewer:
        client.force_login(viewer)
    assert client.get(history_url(person)).status_code == status


def test_history_of_unknown_person_is_403_for_participants_and_404_for_staff(client, cohort):
    client.force_login(viewer_for(Role.PARTICIPANT, cohort))
    assert client.get(reverse("circle:history", kwargs={"user_id": 999999})).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("circle:history", kwargs={"user_id": 999999})).status_code == 404


def test_my_history_sends_visitors_to_login(client, db):
    response = client.get(reverse("circle:my_history"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_my_history_lists_nominated_selected_and_every_role(client, db):
    person = UserFactory(email="ines@library.example")
    first, second, third = past_cohort(2021), past_cohort(2022), CohortFactory()
    NominationFactory(cohort=first, candidate_email="INES@library.example", status="declined")
    NominationFactory(cohort=second, candidate_email="ines@library.example", status="accepted")
    NominationFactory(cohort=third, candidate_email="ines@library.example", status="draft")
    MembershipFactory(user=person, cohort=second, role=Role.PARTICIPANT)
    MembershipFactory(user=person, cohort=third, role=Role.MENTOR)
    MembershipFactory(user=person, cohort=third, role=Role.ADVISOR)
    client.force_login(person)
    response = client.get(reverse("circle:my_history"))
    rows = [
        (row.year, row.cohort.name, len(row.nominations), row.selected, row.roles)
        for row in response.context["rows"]
    ]
    assert rows == [
        (third.programme_start.year, third.name, 0, False, [Role.ADVISOR, Role.MENTOR]),
        (2022, "Learning Circle 2022", 1, True, [Role.PARTICIPANT]),
        (2021, "Learning Circle 2021", 1, False, []),
    ]
    page = response.content.decode()
    assert "Advisor, mentor" in page
    past = page.split('id="past"')[1]
    assert "Learning Circle 2022" in past
    assert "Learning Circle 2021" not in past  # nominated only: not a member of it
    assert third.name not in past


def test_history_says_not_decided_while_the_selection_runs(client, cohort):
    person = UserFactory()
    NominationFactory(cohort=cohort, candidate_email=person.email, status="under_review")
    client.force_login(person)
    page = client.get(reverse("circle:my_history")).content.decode()
    assert "not decided yet" in page


def test_alumnus_can_still_open_a_finished_cohort(client, db):
    person = UserFactory()
    finished = past_cohort(2020)
    MembershipFactory(user=person, cohort=finished, role=Role.PARTICIPANT)
    client.force_login(person)
    assert client.get(finished.get_absolute_url()).status_code == 200
    roster = reverse("circle:roster", kwargs={"cohort_slug": finished.slug})
    assert client.get(roster).status_code == 200
    assert roster in client.get(reverse("circle:my_history")).content.decode()


def test_directory_search_matches_name_city_and_country_and_keeps_query(client, facilitator):
    LibraryFactory(name="Oodi Central", city="Helsinki", country="FI")
    LibraryFactory(name="Biblioteca Mário", city="São Paulo", country="BR")
    LibraryFactory(name="Gate Library", city="Nairobi", country="KE")
    client.force_login(facilitator)

    def names(**params):
        return {lib.name for lib in client.get(libraries_url(**params)).context["libraries"]}

    assert names(q="oodi") == {"Oodi Central"}
    assert names(q="paulo") == {"Biblioteca Mário"}
    assert names(q="kenya") == {"Gate Library"}
    assert len(names()) == 3
    assert 'value="kenya"' in client.get(libraries_url(q="kenya")).content.decode()


def test_directory_pages_by_fifty(client, facilitator):
    for index in range(55):
        LibraryFactory(name=f"Library {index:03}")
    client.force_login(facilitator)
    first = client.get(libraries_url(q="Library"))
    assert len(first.context["libraries"]) == 50
    assert "q=Library&amp;page=2" in first.content.decode()
    second = client.get(libraries_url(q="Library", page=2))
    assert [lib.name for lib in second.context["libraries"]] == [
        f"Library {index:03}" for index in range(50, 55)
    ]
    assert client.get(libraries_url(page="nonsense")).status_code == 200


def test_library_page_shows_nominations_participants_and_contacts(client, cohort, facilitator):
    library = LibraryFactory(name="Oodi Central")
    earlier = past_cohort(2022)
    NominationFactory(
        cohort=earlier,
        library=library,
        status="accepted",
        candidate_name="Aino Virtanen",
        nominator_name="Director Dahl",
        nominator_email="dahl@oodi.example",
    )
    NominationFactory(cohort=cohort, library=library, status="draft", candidate_name="Draft Dan")
    participant = UserFactory(display_name="Aino Virtanen", email="aino@oodi.example")
    MembershipFactory(user=participant, cohort=earlier, role=Role.PARTICIPANT, library=library)
    MembershipFactory(user=facilitator, cohort=earlier, role=Role.FACILITATOR)
    client.force_login(facilitator)
    page = client.get(library_url(library)).content.decode()
    assert "Aino Virtanen" in page
    assert "Learning Circle 2022" in page
    assert "Draft Dan" not in page
    assert "Director Dahl" in page
    assert "Library director" in page
    assert "dahl@oodi.example" in page
    assert "aino@oodi.example" in page
    assert "Accepted" in page
    assert history_url(participant) in page


def test_library_page_hides_emails_and_outcomes_from_advisors(client, cohort, make_member):
    library = LibraryFactory()
    NominationFactory(
        cohort=cohort, library=library, status="declined", nominator_email="dahl@oodi.example"
    )
    client.force_login(make_member(cohort, Role.ADVISOR))
    page = client.get(library_url(library)).content.decode()
    assert "dahl@oodi.example" not in page
    assert "Declined" not in page


def test_library_page_shows_admin_link_to_staff_only(client, cohort, make_member):
    library = LibraryFactory()
    admin_url = reverse("admin:cohorts_library_change", args=[library.pk])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert admin_url in client.get(library_url(library)).content.decode()
    client.force_login(make_member(cohort, Role.FACILITATOR))
    assert admin_url not in client.get(library_url(library)).content.decode()


def test_admin_link_needs_model_permission_for_plain_staff(client, cohort):
    library = LibraryFactory()
    client.force_login(UserFactory(is_staff=True))  # staff without any admin permission
    page = client.get(library_url(library)).content.decode()
    assert reverse("admin:cohorts_library_change", args=[library.pk]) not in page


@pytest.mark.parametrize("size", [5, 40])
def test_directory_queries_do_not_grow(client, facilitator, size, django_assert_num_queries):
    for _index in range(size):
        library = LibraryFactory()
        NominationFactory(library=library, status="submitted")
        MembershipFactory(library=library, role=Role.PARTICIPANT)
    client.force_login(facilitator)
    # the viewer, may they use it, the count, the page
    with django_assert_num_queries(4):
        response = client.get(libraries_url())
    assert len(response.context["libraries"]) == size


@pytest.mark.parametrize("size", [5, 40])
def test_library_page_queries_do_not_grow(client, facilitator, size, django_assert_num_queries):
    library = LibraryFactory()
    facilitator.managed_programmes.add(ProgrammeFactory())  # sees every cohort in full
    for _ in range(size):
        cohort = CohortFactory()
        NominationFactory(cohort=cohort, library=library, status="accepted")
        MembershipFactory(cohort=cohort, library=library, role=Role.PARTICIPANT)
    client.force_login(facilitator)
    # the viewer, may use, sees details, the library, cohorts seen in full, cohorts reviewed,
    # its nominations, its memberships
    with django_assert_num_queries(8):
        response = client.get(library_url(library))
    assert len(response.context["record"].nominations) == size


@pytest.mark.parametrize("size", [5, 40])
def test_history_queries_do_not_grow(client, db, size, django_assert_num_queries):
    person = UserFactory()
    for _ in range(size):
        cohort = CohortFactory()
        NominationFactory(cohort=cohort, candidate_email=person.email, status="accepted")
        MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    client.force_login(person)
    # the viewer, addresses, nominations, memberships
    with django_assert_num_queries(4):
        response = client.get(reverse("circle:my_history"))
    assert len(response.context["rows"]) == size


# --- The decided rule (cohorts/permissions.py): other cohorts only as the public sees them ---


def _other_cohort_record(library):
    other = past_cohort(2022)
    NominationFactory(
        cohort=other,
        library=library,
        status="accepted",
        candidate_name="Other Candidate",
        nominator_email="other-nominator@example.org",
    )
    person = UserFactory(display_name="Other Participant", email="other@example.org")
    MembershipFactory(user=person, cohort=other, role=Role.PARTICIPANT, library=library)
    return other, person


def test_a_facilitator_sees_other_cohorts_only_as_the_public_does(client, cohort, facilitator):
    library = LibraryFactory(name="Oodi Central")
    _other, person = _other_cohort_record(library)
    client.force_login(facilitator)
    page = client.get(library_url(library)).content.decode()
    assert "Oodi Central" in page
    for private in ("Other Candidate", "other-nominator@example.org", "Other Participant"):
        assert private not in page
    assert client.get(history_url(person)).status_code == 404


def test_a_programme_manager_sees_every_cohort_of_the_programme(client, cohort):
    library = LibraryFactory()
    _other, person = _other_cohort_record(library)
    manager = UserFactory()
    cohort.programme.managers.add(manager)
    client.force_login(manager)
    page = client.get(library_url(library)).content.decode()
    assert "Other Candidate" in page
    assert "other@example.org" in page
    assert client.get(history_url(person)).status_code == 200


def test_an_advisor_sees_nominations_of_the_cohorts_they_review_only(client, cohort, make_member):
    library = LibraryFactory()
    other, _person = _other_cohort_record(library)
    NominationFactory(cohort=cohort, library=library, status="submitted", candidate_name="Ours")
    advisor = make_member(cohort, Role.ADVISOR)
    client.force_login(advisor)
    page = client.get(library_url(library)).content.decode()
    assert "Ours" in page
    assert "Other Candidate" not in page
    MembershipFactory(user=advisor, cohort=other, role=Role.ADVISOR)
    assert "Other Candidate" in client.get(library_url(library)).content.decode()
