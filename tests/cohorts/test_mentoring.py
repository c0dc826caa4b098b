"""Mentoring groups: the suggestion, applying it, and the facilitator's and mentor's pages."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.mentoring import SuggestedGroup, apply_groups, suggest_groups
from cohorts.models import MentoringGroup, Role
from tests.factories import (
    EventFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["FI", "SE", "DE", "FR", "BR", "AR", "KE", "NG", "IN", "JP", "US", "CA"]


def add_participants(cohort, count, countries=COUNTRIES):
    users = []
    for index in range(count):
        library = LibraryFactory(country=countries[index % len(countries)])
        user = UserFactory()
        MembershipFactory(user=user, cohort=cohort, role=Role.PARTICIPANT, library=library)
        users.append(user)
    return users


def add_mentors(cohort, make_member, count):
    return [make_member(cohort, Role.MENTOR) for _ in range(count)]


def countries_of(cohort, group):
    libraries = {
        m.user_id: m.library.country.code
        for m in cohort.memberships.filter(role=Role.PARTICIPANT).select_related("library")
    }
    return [libraries[u.pk] for u in group.members]


def test_suggestion_balances_sizes_and_mixes_countries(cohort, make_member):
    add_mentors(cohort, make_member, 4)
    # 14 participants from 7 countries: two per country, four groups.
    add_participants(cohort, 14, countries=COUNTRIES[:7])
    groups = suggest_groups(cohort=cohort)
    sizes = [len(g.members) for g in groups]
    assert len(groups) == 4
    assert max(sizes) - min(sizes) <= 1
    assert sum(sizes) == 14
    for group in groups:
        assert max(Counter(countries_of(cohort, group)).values()) == 1


def test_suggestion_spreads_a_big_country_as_evenly_as_possible(cohort, make_member):
    add_mentors(cohort, make_member, 3)
    add_participants(cohort, 7, countries=["FI"])
    sizes = sorted(len(g.members) for g in suggest_groups(cohort=cohort))
    assert sizes == [2, 2, 3]


def test_suggestion_is_deterministic(cohort, make_member):
    add_mentors(cohort, make_member, 3)
    add_participants(cohort, 10)
    first = [(g.mentor.pk, [u.pk for u in g.members]) for g in suggest_groups(cohort=cohort)]
    second = [(g.mentor.pk, [u.pk for u in g.members]) for g in suggest_groups(cohort=cohort)]
    assert first == second


def test_no_mentors_no_groups(cohort):
    add_participants(cohort, 3)
    assert suggest_groups(cohort=cohort) == []


def test_apply_replaces_members_and_keeps_names(cohort, make_member, facilitator):
    mentor_a, mentor_b = add_mentors(cohort, make_member, 2)
    p1, p2, p3 = add_participants(cohort, 3)
    kept = MentoringGroup.objects.create(cohort=cohort, name="The harbour group", mentor=mentor_a)
    kept.members.set([p1, p2, p3])
    apply_groups(
        cohort=cohort,
        by=facilitator,
        groups=[SuggestedGroup(mentor_a, [p1]), SuggestedGroup(mentor_b, [p2, p3])],
    )
    kept.refresh_from_db()
    assert kept.name == "The harbour group"
    assert list(kept.members.order_by("pk")) == [p1]
    other = MentoringGroup.objects.get(cohort=cohort, mentor=mentor_b)
    assert other.name == f"Group of {mentor_b}"
    assert set(other.members.all()) == {p2, p3}


def test_only_facilitators_apply(cohort, make_member):
    (mentor,) = add_mentors(cohort, make_member, 1)
    participant = add_participants(cohort, 1)[0]
    with pytest.raises(PermissionDenied):
        apply_groups(cohort=cohort, by=mentor, groups=[SuggestedGroup(mentor, [participant])])
    assert not MentoringGroup.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADVISOR, Role.MENTOR])
def test_facilitator_page_refuses_others(client, cohort, make_member, role):
    client.force_login(make_member(cohort, role))
    url = reverse("circle:mentoring", kwargs={"cohort_slug": cohort.slug})
    assert client.get(url).status_code == 403
    assert client.post(url, {"use_suggestion": "1"}).status_code == 403


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADVISOR, Role.FACILITATOR])
def test_mentor_page_refuses_non_mentors(client, cohort, make_member, role):
    client.force_login(make_member(cohort, role))
    url = reverse("circle:mentoring_mine", kwargs={"cohort_slug": cohort.slug})
    assert client.get(url).status_code == 403


def test_facilitator_uses_the_suggestion(client, cohort, make_member, facilitator):
    add_mentors(cohort, make_member, 2)
    add_participants(cohort, 5)
    client.force_login(facilitator)
    url = reverse("circle:mentoring", kwargs={"cohort_slug": cohort.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Use the suggestion" in page.content
    response = client.post(url, {"use_suggestion": "1"})
    assert response.status_code == 302
    sizes = sorted(g.members.count() for g in MentoringGroup.objects.filter(cohort=cohort))
    assert sizes == [2, 3]


def test_facilitator_adjusts_by_hand_and_bad_input_keeps_values(
    client, cohort, make_member, facilitator
):
    mentor_a, mentor_b = add_mentors(cohort, make_member, 2)
    p1, p2 = add_participants(cohort, 2)
    client.force_login(facilitator)
    url = reverse("circle:mentoring", kwargs={"cohort_slug": cohort.slug})
    bad = client.post(url, {"adjust": "1", f"p{p1.pk}": str(mentor_b.pk), f"p{p2.pk}": "999999"})
    assert bad.status_code == 400
    assert not MentoringGroup.objects.exists()
    assert f'<option value="{mentor_b.pk}" selected>'.encode() in bad.content
    good = client.post(url, {"adjust": "1", f"p{p1.pk}": str(mentor_b.pk), f"p{p2.pk}": ""})
    assert good.status_code == 302
    group = MentoringGroup.objects.get(mentor=mentor_b)
    assert list(group.members.all()) == [p1]
    assert not MentoringGroup.objects.get(mentor=mentor_a).members.exists()


def test_mentor_page_shows_members_projects_and_sessions(client, cohort, make_member):
    (mentor,) = add_mentors(cohort, make_member, 1)
    library = LibraryFactory(name="Oodi", city="Helsinki", country="FI")
    member = UserFactory(email="aino@oodi.example")
    membership = MembershipFactory(
        user=member, cohort=cohort, role=Role.PARTICIPANT, library=library
    )
    NominationFactory(
        cohort=cohort,
        library=library,
        candidate_email="Aino@Oodi.example",
        status="accepted",
        project_title="A library on the harbour",
        participant=membership,
    )
    group = MentoringGroup.objects.create(cohort=cohort, name="Harbour", mentor=mentor)
    group.members.set([member])
    EventFactory(cohort=cohort, mentoring_group=group, kind="mentoring", title="First meeting")
    EventFactory(cohort=cohort, title="Not ours")
    client.force_login(mentor)
    page = client.get(reverse("circle:mentoring_mine", kwargs={"cohort_slug": cohort.slug}))
    assert page.status_code == 200
    content = page.content.decode()
    for text in ["Harbour", "Oodi", "Helsinki", "Finland", "A library on the harbour"]:
        assert text in content
    assert "First meeting" in content
    assert "Not ours" not in content
    assert "<time datetime=" in content


def _setup_groups(cohort, facilitator, make_member, participants):
    mentors = add_mentors(cohort, make_member, 3)
    users = add_participants(cohort, participants)
    apply_groups(cohort=cohort, by=facilitator, groups=suggest_groups(cohort=cohort))
    for user in users:
        membership = user.memberships.select_related("library").get(cohort=cohort)
        NominationFactory(
            cohort=cohort,
            library=membership.library,
            candidate_email=user.email,
            status="accepted",
            themes=[],
            participant=membership,
        )
    for group in MentoringGroup.objects.filter(cohort=cohort):
        EventFactory(cohort=cohort, mentoring_group=group, kind="mentoring")
    return mentors


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["circle:mentoring", "circle:mentoring_mine"])
def test_query_count_does_not_grow(client, make_member, django_assert_num_queries, page):
    from tests.factories import CohortFactory

    counts = []
    for participants in (6, 60):
        cohort = CohortFactory()
        facilitator = make_member(cohort, Role.FACILITATOR)
        mentors = _setup_groups(cohort, facilitator, make_member, participants)
        viewer = facilitator if page == "circle:mentoring" else mentors[0]
        client.force_login(viewer)
        url = reverse(page, kwargs={"cohort_slug": cohort.slug})
        client.get(url)  # warm caches (sessions, translations)
        counts.append(_count(client, url))
    with django_assert_num_queries(counts[0]):
        client.get(url)
    assert counts[0] == counts[1]
