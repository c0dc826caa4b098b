import pytest
from django.urls import reverse

from ..factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(display_name="Old Name", time_zone="UTC")


def test_profile_saves_name_zone_and_language(client, person, settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES  # French offered, as with its catalogue
    client.force_login(person)
    response = client.post(
        reverse("profile"),
        {"display_name": "Ελένη Παπαδοπούλου", "time_zone": "Europe/Athens", "language": "fr"},
        follow=True,
    )
    person.refresh_from_db()
    assert (person.display_name, person.time_zone, person.language) == (
        "Ελένη Παπαδοπούλου",
        "Europe/Athens",
        "fr",
    )
    assert response.status_code == 200


def test_profile_refuses_unknown_zone_and_keeps_what_was_typed(client, person):
    client.force_login(person)
    response = client.post(
        reverse("profile"),
        {"display_name": "New Name Typed", "time_zone": "Mars/Olympus_Mons", "language": "en"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a time zone we know" in page
    assert 'value="New Name Typed"' in page
    assert 'value="Mars/Olympus_Mons"' in page
    person.refresh_from_db()
    assert person.display_name == "Old Name"


def test_profile_offers_every_zone_as_suggestion(client, person):
    client.force_login(person)
    page = client.get(reverse("profile")).content.decode()
    assert 'list="id_time_zone-zones"' in page
    assert '<option value="America/Sao_Paulo">' in page


def test_profile_escapes_markup_in_names(client, person):
    client.force_login(person)
    client.post(
        reverse("profile"),
        {"display_name": "<script>alert(1)</script>", "time_zone": "UTC", "language": "en"},
    )
    page = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_profile_requires_sign_in(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_pages_are_shown_in_the_profile_language(client, person, settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES
    person.language = "fr"
    person.save()
    client.force_login(person)
    assert client.get(reverse("home"))["Content-Language"] == "fr"


def test_times_are_shown_in_the_profile_zone(client, cohort, person):
    person.time_zone = "Pacific/Auckland"
    person.save()
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert "Pacific/Auckland" in page


def test_visitor_zone_comes_from_the_browser_cookie_when_valid(client, cohort):
    client.cookies["tz"] = "Asia/Tokyo"
    assert "Asia/Tokyo" in client.get(reverse("home")).content.decode()
    client.cookies["tz"] = "Not/AZone"
    assert "Not/AZone" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_request_login_code", "account_reset_password"],
)
def test_allauth_pages_use_the_site_layout(client, db, name):
    page = client.get(reverse(name)).content.decode()
    assert 'class="skip-link"' in page
    assert page.count("<h1") == 1
    assert '<main id="main"' in page


def test_a_persons_language_does_not_stay_on_the_thread_after_their_request(
    client, person, settings
):
    from django.utils import translation

    settings.LANGUAGES = settings.PLANNED_LANGUAGES
    person.language = "es"
    person.save()
    client.force_login(person)
    before = translation.get_language()
    client.get(reverse("home"))
    assert translation.get_language() == before
