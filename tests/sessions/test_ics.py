"""Calendar output: .ics per event and the secret subscription feed, read back with vobject."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
import vobject
from dateutil import tz as dateutil_tz
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import MentoringGroup, Role
from sessions.feeds import events_for_person, feed_of, rotate_feed
from sessions.models import CalendarFeed, Event, PreparationItem
from tests.factories import EventFactory, UserFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = pytest.mark.django_db


def feed_url(feed: CalendarFeed) -> str:
    return reverse("feeds:feed", kwargs={"person_id": feed.person_id, "secret": feed.secret})


def parse(response) -> vobject.base.Component:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return vobject.readOne(response.content.decode())


def vevents(cal) -> dict[str, vobject.base.Component]:
    return {ev.uid.value: ev for ev in cal.contents.get("vevent", [])}


def local(year, month, day, hour=9):
    return dt.datetime(year, month, day, hour, tzinfo=NEW_YORK)


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT)


@pytest.fixture
def event(cohort, participant):
    event = EventFactory(
        cohort=cohort,
        title="Urban mobility",
        starts_at=local(2031, 3, 20),
        ends_at=local(2031, 3, 20, 11),
        description="We talk about the new central library.",
    )
    event.presenters.add(participant)
    PreparationItem.objects.create(
        event=event, title="Read the case study", url="https://example.org/case", minutes=25
    )
    return event


def test_feed_parses_with_vobject_and_keeps_uids(client, event, participant):
    feed = feed_of(person=participant)
    first = vevents(parse(client.get(feed_url(feed))))
    second = vevents(parse(client.get(feed_url(feed))))
    uid = str(event.uid)
    assert set(first) == set(second) == {uid}
    vevent = first[uid]
    assert vevent.summary.value == "Urban mobility"
    assert vevent.sequence.value == "0"
    assert vevent.status.value == "CONFIRMED"
    assert vevent.location.value == "https://video.example/metlib"
    description = vevent.description.value
    assert "https://video.example/metlib" in description
    assert str(participant) in description
    assert "Read the case study" in description
    assert "25 min" in description
    assert "https://example.org/case" in description
    assert vevent.url.value.endswith(f"/cohorts/{event.cohort.slug}/")


def test_vtimezone_and_local_times_across_dst(client, cohort, participant):
    march = EventFactory(
        cohort=cohort, starts_at=local(2031, 3, 20), ends_at=local(2031, 3, 20, 11)
    )
    november = EventFactory(
        cohort=cohort, starts_at=local(2031, 11, 20), ends_at=local(2031, 11, 20, 11)
    )
    assert march.starts_at.astimezone(dt.UTC).hour != november.starts_at.astimezone(dt.UTC).hour
    response = client.get(feed_url(feed_of(person=participant)))
    cal = parse(response)
    zones = cal.contents.get("vtimezone", [])
    assert [zone.tzid.value for zone in zones] == ["America/New_York"]
    text = response.content.decode()
    assert "DTSTART;TZID=America/New_York:20310320T090000" in text
    assert "DTSTART;TZID=America/New_York:20311120T090000" in text
    events = sorted(vevents(cal).values(), key=lambda ev: ev.dtstart.value.replace(tzinfo=None))
    # vobject keeps only the first RDATE of each VTIMEZONE rule, so its offsets are not
    # trusted here: the wall-clock times are, and the VTIMEZONE goes through dateutil's parser.
    assert [ev.dtstart.value.replace(tzinfo=None) for ev in events] == [
        dt.datetime(2031, 3, 20, 9),
        dt.datetime(2031, 11, 20, 9),
    ]
    assert all(ev.dtend.value.hour == 11 for ev in events)
    block = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE") + len("END:VTIMEZONE")]
    zone = dateutil_tz.tzical(io.StringIO(block)).get("America/New_York")
    utc_hours = [ev.dtstart.value.replace(tzinfo=zone).astimezone(dt.UTC).hour for ev in events]
    assert utc_hours == [13, 14]


def test_round_trip_through_vobject(client, event, participant):
    cal = parse(client.get(feed_url(feed_of(person=participant))))
    again = vobject.readOne(cal.serialize())
    before, after = vevents(cal), vevents(again)
    assert set(before) == set(after)
    for uid, ev in before.items():
        assert after[uid].dtstart.value == ev.dtstart.value
        assert after[uid].sequence.value == ev.sequence.value
        assert after[uid].description.value == ev.description.value


def test_sequence_raised_after_a_move(client, event, participant):
    url = feed_url(feed_of(person=participant))
    uid = str(event.uid)
    assert vevents(parse(client.get(url)))[uid].sequence.value == "0"
    event.starts_at += dt.timedelta(days=1)
    event.ends_at += dt.timedelta(days=1)
    event.sequence += 1
    event.status = Event.Status.MOVED
    event.save()
    moved = vevents(parse(client.get(url)))[uid]
    assert moved.sequence.value == "1"
    assert moved.dtstart.value.replace(tzinfo=None) == dt.datetime(2031, 3, 21, 9)
    assert moved.status.value == "CONFIRMED"


def test_cancelled_event_kept_as_cancelled(client, event, participant):
    event.status = Event.Status.CANCELLED
    event.sequence += 1
    event.save()
    ev = vevents(parse(client.get(feed_url(feed_of(person=participant)))))[str(event.uid)]
    assert ev.status.value == "CANCELLED"
    assert ev.sequence.value == "1"


def test_conditional_get(client, event, participant):
    url = feed_url(feed_of(person=participant))
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    # No Last-Modified: a date cannot follow a change that touched no timestamp (a bulk
    # update), so a calendar app that asks by date alone always gets the calendar.
    assert "Last-Modified" not in first
    last_modified = "Mon, 01 Jan 2124 00:00:00 GMT"

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert by_date.status_code == 200

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2), tick=False):
        event.title = "Renamed"
        event.sequence = 1
        event.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_304_does_not_build_the_calendar(client, event, participant, monkeypatch):
    url = feed_url(feed_of(person=participant))
    etag = client.get(url)["ETag"]

    def boom(**kwargs):
        raise AssertionError("calendar built for a 304")

    monkeypatch.setattr("sessions.feed_views.calendar_for", boom)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_wrong_id_secret_or_rotated_all_look_the_same(client, event, participant, cohort):
    feed = feed_of(person=participant)
    old_url = feed_url(feed)
    wrong_secret = client.get(
        reverse("feeds:feed", kwargs={"person_id": participant.pk, "secret": "nope"})
    )
    wrong_id = client.get(
        reverse("feeds:feed", kwargs={"person_id": 999_999, "secret": feed.secret})
    )
    rotate_feed(person=participant)
    rotated = client.get(old_url)
    for response in (wrong_secret, wrong_id, rotated):
        assert response.status_code == 404
        assert response.content == b""
        assert response["Content-Type"] == wrong_secret["Content-Type"]
    assert client.get(feed_url(CalendarFeed.objects.get(person=participant))).status_code == 200


def test_no_one_reads_another_persons_feed(client, event, participant, cohort, make_member):
    other = make_member(cohort, Role.PARTICIPANT)
    mine, theirs = feed_of(person=participant), feed_of(person=other)
    with_my_secret = reverse("feeds:feed", kwargs={"person_id": other.pk, "secret": mine.secret})
    assert client.get(with_my_secret).status_code == 404
    client.force_login(participant)
    assert client.get(with_my_secret).status_code == 404
    assert client.get(feed_url(theirs)).status_code == 200  # only with their own secret


def test_mentoring_sessions_only_reach_their_group(cohort, make_member):
    mentor = make_member(cohort, Role.MENTOR)
    other_mentor = make_member(cohort, Role.MENTOR)
    in_group = make_member(cohort, Role.PARTICIPANT)
    outside = make_member(cohort, Role.PARTICIPANT)
    facilitator = make_member(cohort, Role.FACILITATOR)
    stranger = UserFactory()
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(in_group)
    session = EventFactory(cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group)
    monthly = EventFactory(cohort=cohort)

    def sees(person):
        return set(events_for_person(person=person))

    assert sees(in_group) == sees(mentor) == sees(facilitator) == {session, monthly}
    assert sees(outside) == sees(other_mentor) == {monthly}
    assert sees(stranger) == set()


def test_event_ics_for_members_only(client, event, participant, cohort):
    url = reverse("feeds:event_ics", kwargs={"uid": event.uid})
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(participant)
    response = client.get(url)
    assert "attachment" in response["Content-Disposition"]
    cal = parse(response)
    assert list(vevents(cal)) == [str(event.uid)]
    assert cal.vtimezone.tzid.value == "America/New_York"
    assert vobject.readOne(cal.serialize()).vevent.uid.value == str(event.uid)


def test_uid_does_not_depend_on_the_site_address(client, event, participant, settings):
    """Moving the site to a new domain must not duplicate every subscribed event."""
    feed = feed_of(person=participant)
    before = set(vevents(parse(client.get(feed_url(feed)))))
    settings.SITE_URL = "https://calendar.new-home.example"
    after = set(vevents(parse(client.get(feed_url(feed)))))
    assert before == after == {str(event.uid)}


def test_subscribe_page_and_rotation(client, participant):
    url = reverse("feeds:subscribe")
    assert client.get(url).status_code == 302
    client.force_login(participant)
    page = client.get(url).content.decode()
    old = feed_of(person=participant)
    assert f"webcal://127.0.0.1:8000{feed_url(old)}" in page
    assert f"http://127.0.0.1:8000{feed_url(old)}" in page
    assert page.count("<h1") == 1
    for app in ("Google", "Apple", "Outlook"):
        assert app in page
    assert "several hours" in page

    response = client.post(url, {"rotate": "1"})
    assert response.status_code == 302
    new = CalendarFeed.objects.get(person=participant)
    assert new.secret != old.secret
    page = client.get(url).content.decode()
    assert feed_url(new) in page
    assert feed_url(old) not in page


def test_feed_queries_do_not_grow_with_events(client, cohort, participant, make_member):
    url = feed_url(feed_of(person=participant))

    def add_events(count):
        for _ in range(count):
            event = EventFactory(cohort=cohort)
            event.presenters.add(make_member(cohort))
            PreparationItem.objects.create(event=event, title="Read", minutes=10)

    client.get(url)  # both polls below find an answer kept before a change
    add_events(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_events(195)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(vevents(parse(response))) == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("count", [5, 200])
def test_feed_query_count(client, cohort, participant, django_assert_num_queries, count):
    url = feed_url(feed_of(person=participant))
    client.get(url)  # once per process: whether the digest function is in the database
    for _ in range(count):
        EventFactory(cohort=cohort)
    # The data version (it moved since the answer was kept), then feed + owner + data
    # version + digest, events, presenters, preparation, guest speakers
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    # Polled again, warm or conditional: the data version alone, whatever the year's size.
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
