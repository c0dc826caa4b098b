"""A feed answered from the cache never shows what has changed since: every change a person's
calendar shows makes the next poll read the database again."""

import datetime as dt

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Membership, MentoringGroup, Role
from sessions import feed_cache
from sessions.feeds import feed_of, rotate_feed
from sessions.models import Event, GuestSpeaker, PreparationItem
from tests.factories import CohortFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, display_name="Aino Virtanen")


@pytest.fixture
def event(cohort):
    return EventFactory(cohort=cohort, title="Urban mobility")


def url_of(person) -> str:
    feed = feed_of(person=person)
    return reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})


def warm(client, url) -> str:
    """Fetch the feed until the cache answers it, and return its text."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def events_in(text: str) -> dict[str, vobject.base.Component]:
    calendar = vobject.readOne(text)
    return {ev.summary.value: ev for ev in calendar.contents.get("vevent", [])}


def test_a_warm_feed_is_answered_without_a_query(
    client, event, participant, django_assert_num_queries
):
    url = url_of(participant)
    text = warm(client, url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content.decode() == text
    assert again["ETag"]
    assert again["Last-Modified"]


def _rename(event):
    event.title = "Renamed session"
    event.save()


def _cancel(event):
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.save()


def _move(event):
    event.starts_at += dt.timedelta(days=1)
    event.ends_at += dt.timedelta(days=1)
    event.sequence += 1
    event.save()


def _add_event(event):
    EventFactory(cohort=event.cohort, title="A new session")


def _delete(event):
    event.delete()


def _presenter(event):
    event.presenters.add(UserFactory(display_name="Zofia Presenter"))


def _presenter_renamed(event):
    presenter = UserFactory(display_name="Before Rename")
    event.presenters.add(presenter)
    presenter.display_name = "After Rename"
    presenter.save()


def _guest(event):
    GuestSpeaker.objects.create(event=event, name="Guest Speaker", affiliation="Library X")


def _reading(event):
    PreparationItem.objects.create(event=event, title="Read the new report", minutes=30)


def _cohort_moved_to_another_zone(event):
    event.cohort.time_zone = "Europe/Helsinki"
    event.cohort.save()


CHANGES = {
    "renamed": (_rename, lambda text: "Renamed session" in text),
    "cancelled": (_cancel, lambda text: "STATUS:CANCELLED" in text),
    "moved": (_move, lambda text: "SEQUENCE:1" in text),
    "added": (_add_event, lambda text: "A new session" in text),
    "deleted": (_delete, lambda text: "Urban mobility" not in text),
    "presenter": (_presenter, lambda text: "Zofia Presenter" in text),
    "presenter renamed": (_presenter_renamed, lambda text: "After Rename" in text),
    "guest speaker": (_guest, lambda text: "Guest Speaker" in text),
    "preparation": (_reading, lambda text: "Read the new report" in text),
    "cohort zone": (_cohort_moved_to_another_zone, lambda text: "Europe/Helsinki" in text),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_feed_shows_reaches_the_next_poll(client, event, participant, change):
    url = url_of(participant)
    before = warm(client, url)
    make, seen = CHANGES[change]
    assert not seen(before)
    make(event)
    assert seen(client.get(url).content.decode().replace("\r\n ", ""))


def test_joining_and_leaving_change_the_events(client, event, participant, make_member):
    other = CohortFactory()
    EventFactory(cohort=other, title="Elsewhere")
    url = url_of(participant)
    assert "Elsewhere" not in warm(client, url)
    joined = Membership.objects.create(user=participant, cohort=other, role=Role.PARTICIPANT)
    assert "Elsewhere" in client.get(url).content.decode()
    warm(client, url)
    joined.delete()
    assert "Elsewhere" not in client.get(url).content.decode()


def test_a_mentoring_group_member_sees_the_group_session(client, cohort, participant, make_member):
    group = MentoringGroup.objects.create(
        cohort=cohort, name="Group A", mentor=make_member(cohort, Role.MENTOR)
    )
    EventFactory(
        cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group, title="Group session"
    )
    url = url_of(participant)
    assert "Group session" not in warm(client, url)
    group.members.add(participant)
    assert "Group session" in client.get(url).content.decode()
    warm(client, url)
    group.members.remove(participant)
    assert "Group session" not in client.get(url).content.decode()


def test_a_rotated_or_wrong_secret_is_refused_even_when_warm(
    client, event, participant, django_assert_num_queries
):
    url = url_of(participant)
    warm(client, url)
    wrong = reverse("feeds:feed", kwargs={"person_id": participant.pk, "secret": "guess"})
    with django_assert_num_queries(0):
        refused = client.get(wrong)
    assert refused.status_code == 404
    assert refused.content == b""
    rotate_feed(person=participant)
    assert client.get(url).status_code == 404
    assert client.get(url_of(participant)).status_code == 200


def test_a_deactivated_person_feed_stops(client, event, participant):
    url = url_of(participant)
    warm(client, url)
    participant.is_active = False
    participant.save()
    assert client.get(url).status_code == 404


def test_signing_in_does_not_make_every_feed_stale(
    client, event, participant, django_assert_num_queries
):
    someone = UserFactory()
    url = url_of(participant)
    warm(client, url)
    someone.last_login = timezone.now()
    someone.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_an_answer_built_before_a_commit_is_not_kept_after_it(
    event, participant, django_capture_on_commit_callbacks
):
    """A poll that reads the database while a change is being committed keeps its answer
    under the generation in between, which the commit then retires."""
    secret = feed_of(person=participant).secret
    answer = feed_cache.FeedAnswer(etag="before", last_modified=None, body=b"old")

    def kept() -> feed_cache.FeedAnswer | None:
        return feed_cache.lookup(person_id=participant.pk, secret=secret, language="en").answer

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Changing"
        event.save()  # in the test's transaction: the commit is still to come
        during = feed_cache.lookup(person_id=participant.pk, secret=secret, language="en")
        feed_cache.remember(
            person_id=participant.pk,
            secret=secret,
            language="en",
            generation=during.generation,
            answer=answer,
        )
        assert kept() == answer
    assert kept() is None


def test_nothing_is_kept_without_a_shared_cache(
    client, event, participant, settings, django_assert_num_queries
):
    """Each process's in-memory cache is its own: a change in one would not reach another."""
    settings.CACHE_SHARED = False
    url = url_of(participant)
    warm(client, url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
