"""One language choice that holds: the footer's switch, the profile and sign-up agree."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from metlib.accounts import AccountAdapter

from ..factories import UserFactory


@pytest.fixture
def offered(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French"), ("ar", "Arabic")]


@pytest.fixture
def person(db):
    return UserFactory(language="en")


def _switch(client, language: str, next_path: str = "/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_path})


def test_switch_when_signed_in_changes_the_profile_and_the_pages(client, person, offered):
    client.force_login(person)
    response = _switch(client, "fr", reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    person.refresh_from_db()
    assert person.language == "fr"
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr"' in page.content.decode()


def test_switch_to_arabic_lays_the_page_out_right_to_left(client, person, offered):
    client.force_login(person)
    _switch(client, "ar")
    assert '<html lang="ar" dir="rtl">' in client.get(reverse("home")).content.decode()


def test_switch_when_signed_out_sets_the_cookie(client, db, offered):
    response = _switch(client, "fr")
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get(reverse("home"))["Content-Language"] == "fr"


def test_switch_to_a_language_not_offered_changes_nothing(client, person, offered):
    client.force_login(person)
    _switch(client, "ru")
    person.refresh_from_db()
    assert person.language == "en"
    assert client.get(reverse("home"))["Content-Language"] == "en"


def test_switch_by_get_changes_nothing(client, person, offered):
    client.force_login(person)
    response = client.get(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "en"


def test_profile_language_not_offered_gives_way_to_the_browsers(client, person, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    person.language = "ar"  # chosen while Arabic was offered; its catalogue has since gone
    person.save()
    client.force_login(person)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page["Content-Language"] == "fr"
    assert 'dir="rtl"' not in page.content.decode()


def test_profile_form_offers_only_the_offered_languages(client, person, offered):
    client.force_login(person)
    page = client.get(reverse("profile")).content.decode()
    assert 'value="fr"' in page
    assert 'value="ru"' not in page


def test_sign_up_keeps_the_language_being_read(rf, offered):
    from django.utils import translation

    with translation.override("fr"):
        assert AccountAdapter(rf.get("/")).new_user(rf.get("/")).language == "fr"
    with translation.override("ru"):  # not offered
        assert AccountAdapter(rf.get("/")).new_user(rf.get("/")).language == "en"
