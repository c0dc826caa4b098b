"""The person's own schedule page and the next event on the home page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import MentoringGroup, Role
from sessions.models import Event, GuestSpeaker, PreparationItem

from ..factories import CohortFactory, EventFactory, UserFactory

MINE = reverse("feeds:mine")


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, time_zone="Asia/Tokyo")


def test_participant_sees_own_cohorts_events_only(client, cohort, participant):
    ours = EventFactory(cohort=cohort, title="Ours: leadership")
    EventFactory(cohort=CohortFactory(), title="Theirs: budgeting")
    PreparationItem.objects.create(
        event=ours, title="Read the case study", url="https://read.example/case", minutes=25
    )
    GuestSpeaker.objects.create(event=ours, name="Ada Guest", affiliation="Oslo Library")
    ours.presenters.add(participant)
    client.force_login(participant)
    page = client.get(MINE).content.decode()
    assert "Ours: leadership" in page
    assert "Theirs: budgeting" not in page
    assert "Read the case study" in page
    assert "<caption>What to prepare for Ours: leadership</caption>" in page
    assert "https://read.example/case" in page
    assert "25" in page
    assert "Ada Guest" in page
    assert str(participant) in page
    assert reverse("feeds:event_ics", kwargs={"uid": ours.uid}) in page
    assert reverse("feeds:subscribe") in page
    assert "refresh slowly" in page
    assert page.count("<h1") == 1


def test_mentoring_session_only_reaches_its_group(client, cohort, make_member):
    mentor = make_member(cohort, Role.MENTOR)
    inside = make_member(cohort, Role.PARTICIPANT)
    outside = make_member(cohort, Role.PARTICIPANT)
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(inside)
    EventFactory(
        cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group, title="Group A meets"
    )
    for person, sees in ((inside, True), (mentor, True), (outside, False)):
        client.force_login(person)
        assert ("Group A meets" in client.get(MINE).content.decode()) is sees


def test_times_in_viewer_zone_with_cohort_zone_beside(client, cohort, participant):
    EventFactory(cohort=cohort, starts_at=dt.datetime(2031, 3, 4, 14, 0, tzinfo=dt.UTC))
    client.force_login(participant)
    page = client.get(MINE).content.decode()
    assert "Asia/Tokyo" in page
    assert "America/New_York" in page
    assert "2031-03-04T14:00:00+00:00" in page
    assert "March 2031" in page


def test_end_times_and_upcoming_before_past(client, cohort, participant):
    now = timezone.now()
    EventFactory(cohort=cohort, title="Was last month", starts_at=now - dt.timedelta(days=30))
    EventFactory(cohort=cohort, title="Was last week", starts_at=now - dt.timedelta(days=7))
    EventFactory(
        cohort=cohort,
        title="Comes next",
        starts_at=dt.datetime(2031, 3, 4, 14, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 3, 4, 16, 30, tzinfo=dt.UTC),
    )
    client.force_login(participant)
    page = client.get(MINE).content.decode()
    upcoming, past = page.split('id="past"')
    assert "Comes next" in upcoming
    assert "Was last" not in upcoming
    assert past.index("Was last week") < past.index("Was last month")  # latest first
    # 14:00–16:30 UTC: 23:00 to 01:30 the next day in Tokyo, with its end.
    assert "March 4, 2031, 11 p.m. – March 5, 2031, 1:30 a.m." in upcoming
    assert "March 4, 2031, 9 a.m. – 11:30 a.m." in upcoming  # New York


def test_nothing_upcoming_says_so(client, cohort, participant):
    EventFactory(cohort=cohort, starts_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(participant)
    page = client.get(MINE).content.decode()
    assert "Nothing is coming up for you." in page
    assert 'id="past"' in page


def test_cancelled_and_moved_are_marked(client, cohort, participant):
    EventFactory(cohort=cohort, title="Gone session", status=Event.Status.CANCELLED)
    EventFactory(cohort=cohort, title="Shifted session", status=Event.Status.MOVED)
    client.force_login(participant)
    page = client.get(MINE).content.decode()
    assert "<del>Gone session</del>" in page
    assert "Cancelled" in page
    assert "Moved" in page


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_home_shows_next_event(client, cohort, participant):
    soon = timezone.now() + dt.timedelta(days=3)
    EventFactory(cohort=cohort, title="Later session", starts_at=soon + dt.timedelta(days=20))
    EventFactory(cohort=cohort, title="Dropped", starts_at=soon, status=Event.Status.CANCELLED)
    nxt = EventFactory(cohort=cohort, title="Soonest session", starts_at=soon)
    PreparationItem.objects.create(event=nxt, title="Watch the intro", minutes=10)
    client.force_login(participant)
    page = client.get(reverse("home")).content.decode()
    assert "Your next event" in page
    section = page.split("Your next event", 1)[1].split("</section>", 1)[0]
    assert "Soonest session" in section
    assert "Later session" not in section
    assert "Dropped" not in section
    assert "Watch the intro" in section
    assert "<caption>What to prepare</caption>" in section
    assert "https://video.example/metlib" in section
    assert "America/New_York" in section
    assert MINE in page


def test_home_without_events_has_no_next_event(client, participant):
    client.force_login(participant)
    page = client.get(reverse("home")).content.decode()
    assert "Your next event" not in page
    assert MINE in page  # the header link


@pytest.mark.parametrize("count", [5, 60])
def test_schedule_queries_do_not_grow(
    client, cohort, participant, django_assert_num_queries, count
):
    presenter = UserFactory()
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(count):
        event = EventFactory(cohort=cohort, starts_at=start + dt.timedelta(days=7 * n))
        event.presenters.add(presenter)
        PreparationItem.objects.create(event=event, title=f"Read {n}", minutes=5)
        GuestSpeaker.objects.create(event=event, name=f"Guest {n}")
    client.force_login(participant)
    # the same count whatever the number of events: everything is prefetched
    with django_assert_num_queries(5):
        assert client.get(MINE).status_code == 200
