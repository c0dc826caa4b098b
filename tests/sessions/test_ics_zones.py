"""VTIMEZONE blocks that an independent parser reads right: every event of a feed or an
invitation keeps its 09:00 local time and the UTC offset of that day, across clock changes,
in the north, in the south and where clocks never change."""

import datetime as dt
import io
import zoneinfo

import icalendar
import pytest
import vobject
from dateutil import tz as dateutil_tz
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts.models import Role
from metlib.models import Email
from sessions.feeds import events_digest, feed_of, feed_state
from sessions.ics_zones import vtimezone_ical, yearly_rule
from sessions.invitations import queue_invitations
from sessions.models import CalendarDelivery, Event
from tests.factories import CohortFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Dates on both sides of each clock change of 2031, and one in the next year.
DATES = {
    "America/New_York": [(2031, 3, 4), (2031, 3, 18), (2031, 5, 13), (2031, 10, 28),
                         (2031, 11, 11), (2032, 1, 13)],
    "Europe/London": [(2031, 3, 25), (2031, 4, 1), (2031, 10, 21), (2031, 10, 28),
                      (2032, 1, 13)],
    "Australia/Sydney": [(2031, 4, 1), (2031, 4, 8), (2031, 10, 1), (2031, 10, 8),
                         (2032, 1, 13)],
    "Asia/Kolkata": [(2031, 3, 4), (2031, 7, 1), (2031, 11, 11)],
}  # fmt: skip


@pytest.fixture(autouse=True)
def _vobject_reads_each_block_afresh():
    """vobject keeps the first VTIMEZONE it ever read for a TZID; forget them, so each test
    reads the block in front of it (and not a zone it could look up elsewhere)."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    saved = dict(registry)
    registry.clear()
    registry["UTC"] = saved["UTC"]
    yield
    registry.clear()
    registry.update(saved)


def nine_am(zone_name: str) -> list[dt.datetime]:
    zone = zoneinfo.ZoneInfo(zone_name)
    return [dt.datetime(*day, 9, tzinfo=zone) for day in DATES[zone_name]]


def year_in(zone_name: str):
    cohort = CohortFactory(time_zone=zone_name)
    events = [
        EventFactory(cohort=cohort, starts_at=moment, ends_at=moment + dt.timedelta(hours=2))
        for moment in nine_am(zone_name)
    ]
    return cohort, events


def assert_local_times(cal, zone_name: str) -> None:
    """Each VEVENT, as vobject reads it: 09:00 to 11:00 in the zone, at that day's offset
    (taken from zoneinfo), with the offset read from the calendar's own VTIMEZONE."""
    expected = {moment.date(): moment.utcoffset() for moment in nine_am(zone_name)}
    assert [zone.tzid.value for zone in cal.contents["vtimezone"]] == [zone_name]
    seen = {}
    for vevent in cal.contents["vevent"]:
        start, end = vevent.dtstart.value, vevent.dtend.value
        assert type(start.tzinfo).__module__.startswith("dateutil")  # the block, not pytz
        assert (start.hour, start.minute, end.hour) == (9, 0, 11)
        seen[start.date()] = start.utcoffset()
        assert end.utcoffset() == start.utcoffset()
    assert seen == expected


@pytest.mark.parametrize("zone_name", list(DATES))
def test_feed_times_read_by_vobject_across_clock_changes(client, zone_name):
    cohort, events = year_in(zone_name)
    person = UserFactory(time_zone="Europe/Helsinki")
    MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    response = client.get(url)
    assert response.status_code == 200
    cal = vobject.readOne(response.content.decode())
    assert len(cal.contents["vevent"]) == len(events)
    assert_local_times(cal, zone_name)
    if len(set(moment.utcoffset() for moment in nine_am(zone_name))) > 1:
        assert "RRULE:FREQ=YEARLY" in response.content.decode()


@pytest.mark.parametrize("zone_name", list(DATES))
def test_invitation_times_read_by_vobject_across_clock_changes(zone_name):
    cohort, events = year_in(zone_name)
    person = UserFactory()
    MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    CalendarDelivery.objects.create(person=person, choice=CalendarDelivery.Choice.INVITATIONS)
    queue_invitations(events=events, change="created")
    invitations = Email.objects.filter(to=person.email).exclude(calendar="")
    assert len(invitations) == len(events)
    expected = {moment.date(): moment.utcoffset() for moment in nine_am(zone_name)}
    seen = {}
    for email in invitations:
        cal = vobject.readOne(email.calendar)
        assert cal.method.value == "REQUEST"
        start = cal.vevent.dtstart.value
        assert (start.hour, start.minute) == (9, 0)
        seen[start.date()] = start.utcoffset()
    assert seen == expected


@pytest.mark.parametrize("zone_name", list(DATES))
def test_vtimezone_read_by_icalendar_and_dateutil(zone_name):
    block = vtimezone_ical(zone_name, 2031, 2032)
    by_icalendar = icalendar.Timezone.from_ical(block).to_tz(lookup_tzid=False)
    by_dateutil = dateutil_tz.tzical(io.StringIO(block.decode())).get(zone_name)
    for moment in nine_am(zone_name):
        wall = moment.replace(tzinfo=None)
        assert wall.replace(tzinfo=by_icalendar).utcoffset() == moment.utcoffset()
        assert wall.replace(tzinfo=by_dateutil).utcoffset() == moment.utcoffset()


def test_new_york_in_march_may_and_november_is_nine_am():
    block = vtimezone_ical("America/New_York", 2031, 2031).decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in block
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in block
    assert "RDATE" not in block


def test_southern_zone_has_daylight_time_in_its_summer():
    block = vtimezone_ical("Australia/Sydney", 2031, 2031).decode()
    daylight = block[block.index("BEGIN:DAYLIGHT") : block.index("END:DAYLIGHT")]
    assert "BYMONTH=10" in daylight
    assert "TZOFFSETTO:+1100" in daylight


def test_zone_without_clock_changes_has_one_standard_observance():
    block = vtimezone_ical("Asia/Kolkata", 2031, 2032).decode()
    assert block.count("BEGIN:STANDARD") == 1
    assert "DAYLIGHT" not in block
    assert "TZOFFSETTO:+0530" in block


def test_irregular_zone_lists_each_change_and_every_parser_follows():
    block = vtimezone_ical("Africa/Casablanca", 2031, 2031)
    assert b"RRULE" not in block
    assert b"RDATE" not in block
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + block
    calendar += b"END:VCALENDAR\r\n"
    readers = [
        icalendar.Timezone.from_ical(block).to_tz(lookup_tzid=False),
        vobject.readOne(calendar.decode()).vtimezone.gettzinfo(),
    ]
    zone = zoneinfo.ZoneInfo("Africa/Casablanca")
    offsets = set()
    for day in range(0, 365, 3):  # Ramadan moves the clock back for a month
        moment = dt.datetime(2031, 1, 1, 12, tzinfo=zone) + dt.timedelta(days=day)
        offsets.add(moment.utcoffset())
        for reader in readers:
            assert moment.replace(tzinfo=reader).utcoffset() == moment.utcoffset(), moment
    assert len(offsets) == 2


def test_yearly_rule_refuses_changes_in_different_months():
    from sessions.ics_zones import transitions

    new_york = transitions(zoneinfo.ZoneInfo("America/New_York"), first_year=2031, last_year=2031)
    assert yearly_rule(new_york) is None  # spring and autumn together are no single rule
    spring = [change for change in new_york if change.daylight]
    assert yearly_rule(spring) == {"freq": "yearly", "bymonth": 3, "byday": "2SU"}


def test_a_feed_across_two_zones_has_both_blocks(client):
    london, _ = year_in("Europe/London")
    sydney, _ = year_in("Australia/Sydney")
    person = UserFactory()
    for cohort in (london, sydney):
        MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    cal = vobject.readOne(client.get(url).content.decode())
    assert sorted(zone.tzid.value for zone in cal.contents["vtimezone"]) == [
        "Australia/Sydney",
        "Europe/London",
    ]
    offsets = {
        (vevent.dtstart.value.tzinfo is not None, vevent.dtstart.value.hour)
        for vevent in cal.contents["vevent"]
    }
    assert offsets == {(True, 9)}


def test_feed_built_once_per_version(client, monkeypatch):
    cohort, events = year_in("America/New_York")
    person = UserFactory()
    MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    from sessions import feed_views

    built = []
    real = feed_views.calendar_for

    def counting(**kwargs):
        built.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(feed_views, "calendar_for", counting)
    first = client.get(url)
    again = client.get(url)
    assert first.content == again.content
    assert len(built) == 1
    events[0].title = "Renamed"
    events[0].sequence += 1
    events[0].save()
    changed = client.get(url)
    assert len(built) == 2
    assert b"SUMMARY:Renamed" in changed.content
    assert changed["ETag"] != first["ETag"]


def test_feed_state_in_one_query_and_the_same_until_a_change(
    cohort, make_member, django_assert_num_queries
):
    person = make_member(cohort, Role.PARTICIPANT)
    event = EventFactory(cohort=cohort)
    alone = UserFactory()  # no cohort, no events
    for someone in (person, alone):
        secret = feed_of(person=someone).secret
        with django_assert_num_queries(1):
            state = feed_state(person_id=someone.pk, secret=secret)
        assert state.person == someone
        assert state.version
        assert events_digest(person_id=someone.pk)[0]
        assert feed_state(person_id=someone.pk, secret="wrong") is None
    before = events_digest(person_id=person.pk)[0]
    Event.objects.filter(pk=event.pk).update(place="Room 2")  # no signal, no timestamp
    assert events_digest(person_id=person.pk)[0] != before


def test_304_in_one_query_and_a_change_elsewhere_builds_nothing(
    client, cohort, make_member, django_assert_num_queries
):
    person = make_member(cohort, Role.PARTICIPANT)
    EventFactory(cohort=cohort)
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):  # the data version: the kept answer is current
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):  # the body is kept too
        assert client.get(url).status_code == 200
    EventFactory(cohort=CohortFactory())  # a change elsewhere: this feed is still current
    with django_assert_num_queries(2):  # the version moved: the owner and the digest
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_digest_function_and_the_data_version_are_in_the_database():
    """``migrate`` made them; polls read the version with the owner, and call the function
    rather than send (and plan) the whole query when it moved."""
    from django.db import connection

    from sessions.feeds import VERSION_SQL, _proof_sql, _state_sql, digest_function

    name, _create = digest_function()
    _proof_sql.cache_clear()
    _state_sql.cache_clear()
    version, digest, _params = _proof_sql(connection.vendor)
    assert version == VERSION_SQL
    assert digest == f"{name}(%s)"
    assert VERSION_SQL in _state_sql(connection.vendor)[0]


def test_the_data_version_moves_with_every_kind_of_write(cohort, make_member):
    from sessions.feeds import events_digest

    person = make_member(cohort, Role.PARTICIPANT)
    event = EventFactory(cohort=cohort)

    def version() -> int:
        return events_digest(person_id=person.pk)[1]

    writes = [
        lambda: Event.objects.filter(pk=event.pk).update(place="Room 2"),
        lambda: event.presenters.add(UserFactory()),
        lambda: get_user_model().objects.filter(pk=person.pk).update(display_name="New name"),
        lambda: get_user_model().objects.filter(pk=person.pk).update(language="fr"),
        lambda: CohortFactory(),
        lambda: MembershipFactory(user=person, cohort=CohortFactory(), role=Role.PARTICIPANT),
    ]
    for write in writes:
        before = version()
        write()
        assert version() > before
    before = version()
    from django.utils import timezone

    get_user_model().objects.filter(pk=person.pk).update(last_login=timezone.now())
    assert version() == before  # a sign-in shows in no calendar


def test_the_function_and_the_query_give_the_same_digest(cohort, make_member):
    from django.db import connection

    from sessions import feeds

    person = make_member(cohort, Role.PARTICIPANT)
    EventFactory(cohort=cohort).presenters.add(UserFactory(display_name="Présentatrice"))
    feeds._proof_sql.cache_clear()
    by_function = feeds.events_digest(person_id=person.pk)[0]
    name, _create = feeds.digest_function()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION {name}(bigint)")
    feeds._proof_sql.cache_clear()
    try:
        assert feeds.events_digest(person_id=person.pk)[0] == by_function
    finally:
        feeds.make_digest_function()
