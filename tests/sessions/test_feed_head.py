"""HEAD on the feed and on .ics downloads answers like GET without the body; cancelled
sessions offer no "Add to your calendar"."""

import pytest
from django.urls import reverse

from cohorts.models import Role
from sessions.feeds import feed_of
from sessions.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT)


def test_head_on_the_feed_and_an_event_file(client, cohort, participant):
    event = EventFactory(cohort=cohort)
    secret = feed_of(person=participant).secret
    url = reverse("feeds:feed", kwargs={"person_id": participant.pk, "secret": secret})
    got, head = client.get(url), client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == got["ETag"]
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""
    assert client.head(url, headers={"If-None-Match": got["ETag"]}).status_code == 304
    client.force_login(participant)
    download = reverse("feeds:event_ics", kwargs={"uid": event.uid})
    assert client.head(download).status_code == 200
    assert client.post(download).status_code == 405


def test_no_add_to_calendar_on_a_cancelled_session(client, cohort, participant):
    live = EventFactory(cohort=cohort, title="Live session")
    gone = EventFactory(cohort=cohort, title="Gone session", status=Event.Status.CANCELLED)
    client.force_login(participant)
    page = client.get(reverse("feeds:mine")).content.decode()
    assert reverse("feeds:event_ics", kwargs={"uid": live.uid}) in page
    assert reverse("feeds:event_ics", kwargs={"uid": gone.uid}) not in page
    assert "Add Gone session to your calendar" not in page
