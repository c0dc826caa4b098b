import pytest
from django.urls import reverse

from cohorts.models import Role
from cohorts.permissions import (
    MANAGER,
    Perm,
    cohort_perms,
    cohort_roles,
    cohort_with_roles,
    has_cohort_perm,
)

from ..factories import CohortFactory, MembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        (Role.FACILITATOR, Perm.MANAGE_COHORT, True),
        (Role.ADVISOR, Perm.REVIEW_NOMINATIONS, True),
        (Role.ADVISOR, Perm.MANAGE_COHORT, False),
        (Role.MENTOR, Perm.RECORD_ATTENDANCE, True),
        (Role.MENTOR, Perm.VIEW_NOMINATIONS, False),
        (Role.PARTICIPANT, Perm.VIEW_ROSTER, True),
        (Role.PARTICIPANT, Perm.VIEW_NOMINATIONS, False),
    ],
)
def test_role_grants_when_member(cohort, make_member, role, perm, expected):
    user = make_member(cohort, role)
    assert has_cohort_perm(user=user, cohort=cohort, perm=perm) is expected


def test_facilitator_of_one_cohort_is_nobody_in_another(cohort, facilitator):
    other = CohortFactory()
    assert cohort_perms(user=facilitator, cohort=other) == frozenset()


def test_staff_alone_grants_nothing_but_superuser_everything(cohort):
    staff = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert cohort_perms(user=staff, cohort=cohort) == frozenset()
    assert cohort_perms(user=superuser, cohort=cohort) == frozenset(Perm)


def test_roles_are_read_once_per_user_object(cohort, facilitator, django_assert_num_queries):
    with django_assert_num_queries(1):
        for perm in Perm:
            has_cohort_perm(user=facilitator, cohort=cohort, perm=perm)


def test_roles_read_with_the_cohort_are_the_roles_read_on_their_own(
    cohort, make_member, django_assert_num_queries
):
    advisor_and_mentor = make_member(cohort, Role.ADVISOR)
    MembershipFactory(user=advisor_and_mentor, cohort=cohort, role=Role.MENTOR)
    manager = UserFactory()
    cohort.programme.managers.add(manager)
    member_elsewhere = make_member(CohortFactory(), Role.FACILITATOR)
    expected = {
        advisor_and_mentor: {Role.ADVISOR, Role.MENTOR},
        manager: {MANAGER},
        member_elsewhere: set(),
    }
    for person, roles in expected.items():
        assert cohort_roles(user=person, cohort=cohort) == roles
        fresh = type(person).objects.get(pk=person.pk)  # nothing kept on it yet
        with django_assert_num_queries(1):
            loaded = cohort_with_roles(slug=cohort.slug, user=fresh)
            assert cohort_roles(user=fresh, cohort=loaded) == roles
            assert loaded.programme == cohort.programme
            assert loaded.programme.name == cohort.programme.name


def test_cohort_page_refuses_facilitator_of_another_cohort(client, cohort, facilitator):
    other = CohortFactory()
    client.force_login(facilitator)
    assert client.get(reverse("circle:detail", args=[cohort.slug])).status_code == 200
    assert client.get(reverse("circle:detail", args=[other.slug])).status_code == 403


def test_cohort_page_sends_visitors_to_login(client, cohort):
    response = client.get(reverse("circle:detail", args=[cohort.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_cohort_page_is_404_for_unknown_cohort(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("circle:detail", args=["no-such-cohort"])).status_code == 404


def test_cohort_page_lists_people_by_role(client, cohort, facilitator, make_member):
    make_member(cohort, Role.PARTICIPANT, display_name="Çağrı Öztürk")
    client.force_login(facilitator)
    page = client.get(reverse("circle:detail", args=[cohort.slug])).content.decode()
    assert "Çağrı Öztürk" in page
    assert "Participant" in page
