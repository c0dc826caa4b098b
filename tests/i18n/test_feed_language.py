"""A calendar feed is written in its owner's language, says so in Content-Language, and
another language is another ETag; the calendar app's own Accept-Language changes nothing."""

import pytest
from django.urls import reverse

from cohorts.models import Role
from sessions.feeds import feed_of
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, display_name="Aino Virtanen", language="fr")


@pytest.fixture
def url(cohort, participant):
    EventFactory(cohort=cohort, title="Urban mobility")
    feed = feed_of(person=participant)
    return reverse("feeds:feed", kwargs={"person_id": participant.pk, "secret": feed.secret})


@pytest.fixture
def in_french(french):
    french({"Details: %(url)s": "Détails : %(url)s"})


def test_feed_is_in_its_owners_language_whatever_the_app_asks(client, url, in_french):
    for _poll in range(2):  # built, then answered from the cache
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 200
        assert response["Content-Language"] == "fr"
        assert "Détails :" in response.content.decode()


def test_feed_in_another_language_has_another_etag(client, url, participant, in_french):
    before = client.get(url)
    participant.language = "en"
    participant.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Content-Language"] == "en"
    assert "Details:" in after.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_feed_of_a_language_not_offered_is_in_the_sites(client, url, settings):
    settings.LANGUAGES = [("en", "English")]  # French's catalogue is not there
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "en"
    assert "Details:" in response.content.decode()
