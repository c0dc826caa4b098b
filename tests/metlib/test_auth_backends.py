"""The sign-in backends read the signed-in person by one statement, as the ORM would."""

import pytest
from django.contrib.auth import get_backends
from django.forms.models import model_to_dict
from django.urls import reverse

from metlib.auth_backends import AccountBackend, ModelBackend, user_by_id
from metlib.models import User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_person_read_is_the_one_the_orm_reads(django_assert_num_queries):
    person = UserFactory(
        display_name="Ana Silva", time_zone="America/Sao_Paulo", language="fr", share_email=True
    )
    with django_assert_num_queries(1):
        read = user_by_id(person.pk)
    orm = User.objects.get(pk=person.pk)
    assert model_to_dict(read) == model_to_dict(orm)
    assert read.password == orm.password
    assert read.last_login == orm.last_login
    assert read.date_joined == orm.date_joined
    assert read._state.adding is False
    assert read._state.db == "default"
    # The session's check (the password's hash) holds for the person read.
    assert read.get_session_auth_hash() == orm.get_session_auth_hash()


@pytest.mark.parametrize("backend", [ModelBackend, AccountBackend])
def test_each_backend_gives_active_people_only(backend):
    active, inactive = UserFactory(), UserFactory(is_active=False)
    assert backend().get_user(active.pk) == active
    assert backend().get_user(inactive.pk) is None
    assert backend().get_user(10**9) is None


def test_allauth_signs_people_in_through_its_backend():
    """allauth picks its own backend (an isinstance check) for the session it opens."""
    from allauth.account.auth_backends import AuthenticationBackend

    assert [type(b) for b in get_backends()] == [ModelBackend, AccountBackend]
    assert isinstance(get_backends()[1], AuthenticationBackend)


def test_a_signed_in_page_shows_the_person_the_backend_read(client):
    person = UserFactory(display_name="Ana Silva")
    client.force_login(person)
    html = client.get(reverse("profile")).content.decode()
    assert "Ana Silva" in html
    client.logout()
    assert client.get(reverse("profile")).status_code == 302


def test_a_deactivated_person_is_signed_out_at_the_next_page(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("profile")).status_code == 200
    User.objects.filter(pk=person.pk).update(is_active=False)
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
