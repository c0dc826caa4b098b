"""A cohort's team managed in the app: managers appoint facilitators, facilitators invite
advisors and mentors by email, each invited once by mail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cohorts import team as service
from cohorts.models import Membership, Role
from metlib.models import Email, User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(cohort):
    person = UserFactory(email="manager@example.org")
    cohort.programme.managers.add(person)
    return person


def team_url(cohort):
    return reverse("cohorts:team", kwargs={"cohort_slug": cohort.slug})


def test_facilitator_invites_an_advisor_by_email_who_gets_one_mail(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(
        team_url(cohort), {"email": "New.Advisor@Example.org", "role": "advisor"}, follow=True
    )
    assert "new.advisor@example.org is advisor of this cohort" in response.content.decode()
    person = User.objects.get(email="new.advisor@example.org")
    assert Membership.objects.filter(user=person, cohort=cohort, role=Role.ADVISOR).exists()
    mail = Email.objects.get(to="new.advisor@example.org")
    assert cohort.name in mail.subject
    assert "/accounts/login/code/" in mail.body_text
    client.post(team_url(cohort), {"email": "new.advisor@example.org", "role": "advisor"})
    assert Email.objects.filter(to="new.advisor@example.org").count() == 1


def test_the_team_page_says_who_has_not_signed_in_yet(client, cohort, facilitator):
    service.appoint_member(cohort=cohort, email="mentor@example.org", role="mentor", by=facilitator)
    client.force_login(facilitator)
    html = client.get(team_url(cohort)).content.decode()
    assert "mentor@example.org" in html
    assert "Not yet" in html


def test_a_facilitator_cannot_appoint_a_facilitator_and_keeps_what_was_typed(
    client, cohort, facilitator
):
    client.force_login(facilitator)
    response = client.post(team_url(cohort), {"email": "friend@example.org", "role": "facilitator"})
    assert response.status_code == 400
    assert 'value="friend@example.org"' in response.content.decode()
    assert not User.objects.filter(email="friend@example.org").exists()
    with pytest.raises(PermissionDenied):
        service.appoint_member(
            cohort=cohort, email="friend@example.org", role="facilitator", by=facilitator
        )


def test_a_programme_manager_appoints_a_facilitator(client, cohort, manager):
    client.force_login(manager)
    client.post(team_url(cohort), {"email": "fac@example.org", "role": "facilitator"})
    assert Membership.objects.filter(
        user__email="fac@example.org", cohort=cohort, role=Role.FACILITATOR
    ).exists()
    assert Email.objects.filter(to="fac@example.org").count() == 1


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 300 + "@example.org"])
def test_a_bad_address_is_refused_without_error(client, cohort, facilitator, email):
    client.force_login(facilitator)
    response = client.post(team_url(cohort), {"email": email, "role": "mentor"})
    assert response.status_code == 400
    assert Membership.objects.filter(cohort=cohort).count() == 1


def test_ending_a_role(client, cohort, facilitator, make_member):
    mentor = make_member(cohort, Role.MENTOR)
    membership = Membership.objects.get(user=mentor, cohort=cohort)
    client.force_login(facilitator)
    url = reverse(
        "cohorts:team_remove", kwargs={"cohort_slug": cohort.slug, "membership_id": membership.pk}
    )
    response = client.post(url, follow=True)
    assert "is no longer mentor of this cohort" in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_participant_s_place_is_not_ended_on_the_team_page(
    client, cohort, facilitator, make_member
):
    participant = make_member(cohort, Role.PARTICIPANT)
    membership = Membership.objects.get(user=participant, cohort=cohort)
    client.force_login(facilitator)
    url = reverse(
        "cohorts:team_remove", kwargs={"cohort_slug": cohort.slug, "membership_id": membership.pk}
    )
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_programme_page_lists_its_cohorts_for_its_managers_only(
    client, cohort, manager, facilitator
):
    url = reverse("cohorts:programme", kwargs={"programme_slug": cohort.programme.slug})
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert cohort.name in html
    assert reverse("circle:next_cohort", kwargs={"cohort_slug": cohort.slug}) in html
    client.force_login(facilitator)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_team_page_queries_do_not_grow(
    client, cohort, facilitator, make_member, size, django_assert_num_queries
):
    for _ in range(size):
        make_member(cohort, Role.MENTOR)
    client.force_login(facilitator)
    with django_assert_num_queries(3):  # user, the cohort with their roles, the team
        assert client.get(team_url(cohort)).status_code == 200


def test_home_links_a_manager_to_their_programme(client, cohort, manager):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert reverse("cohorts:programme", kwargs={"programme_slug": cohort.programme.slug}) in html


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Facilitator", "Advisor", "Mentor"]),
        ("fr", ["Animateur", "Conseiller", "Mentor"]),
        ("ru", ["Фасилитатор", "Эксперт", "Наставник"]),
    ],
)
def test_the_role_choices_read_as_labels_and_messages_keep_lowercase(
    client, cohort, manager, language, labels
):
    manager.language = language
    manager.save(update_fields=["language"])
    client.force_login(manager)
    html = client.get(team_url(cohort)).content.decode()
    for value, label in zip(["facilitator", "advisor", "mentor"], labels, strict=True):
        assert f'<option value="{value}">{label}</option>' in html
    if language == "en":
        response = client.post(
            team_url(cohort), {"email": "mentor@example.org", "role": "mentor"}, follow=True
        )
        assert "mentor@example.org is mentor of this cohort" in response.content.decode()
        assert "<td>Mentor<form" in response.content.decode()  # the team's table, capitalised
