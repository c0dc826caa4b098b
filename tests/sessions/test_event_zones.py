"""Events in their own place and time: the conference in Barcelona is typed, shown and
exported in Europe/Madrid while the cohort runs in New York, and independent parsers
read it right on both sides of the clock changes."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import vobject
from django.urls import reverse

from cohorts.models import Role
from sessions.feeds import feed_of
from sessions.models import Event
from tests.factories import EventFactory

UTC = zoneinfo.ZoneInfo("UTC")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vobject_reads_each_block_afresh():
    registry = vars(vobject.icalendar)["__tzidMap"]
    saved = dict(registry)
    registry.clear()
    registry["UTC"] = saved["UTC"]
    yield
    registry.clear()
    registry.update(saved)


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, time_zone="Asia/Tokyo")


def add_url(cohort):
    return reverse("calendar:add", kwargs={"cohort_slug": cohort.slug})


def feed(client, person):
    url = reverse(
        "feeds:feed", kwargs={"person_id": person.pk, "secret": feed_of(person=person).secret}
    )
    return client.get(url).content


CONFERENCE = {
    "title": "MetLib Conference",
    "kind": "conference",
    "time_zone": "Europe/Madrid",
    "starts_at": "2024-10-06T09:00",
    "ends_at": "2024-10-10T17:00",
}


def test_the_conference_is_typed_in_barcelona_time(client, cohort, facilitator):
    client.force_login(facilitator)
    assert client.post(add_url(cohort), CONFERENCE).status_code == 302
    conference = Event.objects.get(title="MetLib Conference")
    assert conference.time_zone == "Europe/Madrid"
    assert conference.starts_at == dt.datetime(2024, 10, 6, 7, 0, tzinfo=UTC)
    assert conference.ends_at == dt.datetime(2024, 10, 10, 15, 0, tzinfo=UTC)
    overview = client.get(reverse("calendar:overview", kwargs={"cohort_slug": cohort.slug}))
    assert "Europe/Madrid" in overview.content.decode()
    # Moving it reads and shows the times in Madrid too.
    move = reverse("calendar:move", kwargs={"cohort_slug": cohort.slug, "pk": conference.pk})
    page = client.get(move).content.decode()
    assert 'value="2024-10-06T09:00"' in page
    assert "Local time in Europe/Madrid." in page


def test_the_cohorts_own_zone_is_kept_blank(client, cohort, facilitator):
    client.force_login(facilitator)
    client.post(add_url(cohort), {**CONFERENCE, "time_zone": cohort.time_zone})
    conference = Event.objects.get()
    assert conference.time_zone == ""
    assert conference.starts_at == dt.datetime(2024, 10, 6, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "x" * 64, "../../etc", " "])
def test_an_unknown_zone_is_refused_beside_it_with_every_value_kept(
    client, cohort, facilitator, zone
):
    client.force_login(facilitator)
    response = client.post(add_url(cohort), {**CONFERENCE, "time_zone": zone})
    if zone.strip():
        assert response.status_code == 200
        html = response.content.decode()
        assert "is not a time zone we know" in html
        assert 'value="2024-10-06T09:00"' in html
        assert 'value="MetLib Conference"' in html
        assert not Event.objects.exists()
    else:
        assert response.status_code == 302  # blank: the cohort's zone


def test_feed_and_event_file_carry_madrid_with_its_vtimezone(client, cohort, participant):
    EventFactory(cohort=cohort, title="Monthly", starts_at=dt.datetime(2024, 10, 8, 13, tzinfo=UTC))
    conference = EventFactory(
        cohort=cohort,
        title="Conference",
        time_zone="Europe/Madrid",
        starts_at=dt.datetime(2024, 10, 6, 9, tzinfo=MADRID),
        ends_at=dt.datetime(2024, 10, 10, 17, tzinfo=MADRID),
    )
    cal = icalendar.Calendar.from_ical(feed(client, participant))
    assert sorted(str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Madrid",
    ]
    by_title = {str(vevent["SUMMARY"]): vevent for vevent in cal.walk("VEVENT")}
    start = by_title["Conference"]["DTSTART"]
    assert start.params["TZID"] == "Europe/Madrid"
    assert start.dt.replace(tzinfo=None) == dt.datetime(2024, 10, 6, 9, 0)
    assert by_title["Monthly"]["DTSTART"].params["TZID"] == "America/New_York"

    client.force_login(participant)
    download = client.get(reverse("feeds:event_ics", kwargs={"uid": conference.uid}))
    single = vobject.readOne(download.content.decode())
    assert [zone.tzid.value for zone in single.contents["vtimezone"]] == ["Europe/Madrid"]
    assert single.vevent.dtstart.value.utcoffset() == dt.timedelta(hours=2)
    assert single.vevent.dtstart.value.hour == 9


def test_madrid_across_its_clock_changes_read_by_vobject(client, cohort, participant):
    days = [(2031, 3, 25), (2031, 4, 1), (2031, 10, 21), (2031, 10, 28), (2032, 1, 13)]
    for day in days:
        starts = dt.datetime(*day, 9, tzinfo=MADRID)
        EventFactory(
            cohort=cohort,
            time_zone="Europe/Madrid",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )
    cal = vobject.readOne(feed(client, participant).decode())
    seen = {}
    for vevent in cal.contents["vevent"]:
        start = vevent.dtstart.value
        assert (start.hour, vevent.dtend.value.hour) == (9, 11)
        seen[start.date()] = start.utcoffset()
    expected = {dt.date(*day): dt.datetime(*day, 9, tzinfo=MADRID).utcoffset() for day in days}
    assert seen == expected
    assert set(expected.values()) == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def test_an_unknown_zone_is_refused_by_the_model_as_the_admin_saves_it(cohort):
    from django.core.exceptions import ValidationError

    event = EventFactory(cohort=cohort)
    event.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        event.full_clean()


def five_day_conference(cohort):
    return EventFactory(
        cohort=cohort,
        title="Conference",
        time_zone="Europe/Madrid",
        # Sunday 27 October 2024 is Madrid's clock change: each day still 09:00–17:00 there.
        starts_at=dt.datetime(2024, 10, 24, 9, tzinfo=MADRID),
        ends_at=dt.datetime(2024, 10, 28, 17, tzinfo=MADRID),
    )


def test_a_five_day_conference_is_exported_as_five_days_of_its_hours(client, cohort, participant):
    """One VEVENT (one UID for moves, cancels and invitations) of the first day's hours,
    repeated daily: every calendar app shows each day with its hours, in the reader's zone."""
    conference = five_day_conference(cohort)
    body = feed(client, participant)
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert vevent["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2024, 10, 24, 9)
    assert vevent["DTEND"].dt.replace(tzinfo=None) == dt.datetime(2024, 10, 24, 17)
    assert vevent["RRULE"]["FREQ"] == ["DAILY"]
    assert vevent["RRULE"]["COUNT"] == [5]
    assert str(vevent["UID"]) == str(conference.uid)
    parsed = vobject.readOne(body.decode()).vevent
    starts = list(parsed.getrruleset(addRDate=True))
    assert [start.astimezone(MADRID).replace(tzinfo=None) for start in starts] == [
        dt.datetime(2024, 10, day, 9) for day in range(24, 29)
    ]
    # Across the clock change, 09:00 in Madrid is 07:00 then 08:00 UTC.
    assert [start.astimezone(UTC).hour for start in starts] == [7, 7, 7, 8, 8]


def test_an_overnight_event_is_one_stretch(client, cohort, participant):
    EventFactory(
        cohort=cohort,
        starts_at=dt.datetime(2024, 10, 24, 20, tzinfo=MADRID),
        ends_at=dt.datetime(2024, 10, 25, 2, tzinfo=MADRID),
        time_zone="Europe/Madrid",
    )
    (vevent,) = icalendar.Calendar.from_ical(feed(client, participant)).walk("VEVENT")
    assert "RRULE" not in vevent
    assert vevent["DTEND"].dt.replace(tzinfo=None) == dt.datetime(2024, 10, 25, 2)


def test_pages_show_it_by_days_in_the_viewers_the_events_and_the_cohorts_zones(
    client, cohort, participant
):
    five_day_conference(cohort)
    client.force_login(participant)  # in Tokyo; the cohort runs in New York
    page = client.get(reverse("feeds:mine")).content.decode()
    assert "Oct. 24, 2024 to Oct. 28, 2024, 9 a.m. – 5 p.m. each day" in page
    assert "Europe/Madrid" in page
    assert "Oct. 24, 2024 to Oct. 28, 2024, 3 a.m. – 11 a.m. each day" in page
    assert "America/New_York" in page
    assert "Oct. 24, 2024 to Oct. 28, 2024, 4 p.m. – midnight each day" in page
    assert "your time (Asia/Tokyo)" in page


def test_its_invitation_gives_the_days_in_each_zone(cohort, participant):
    from metlib.models import Email
    from sessions.invitations import queue_invitations
    from sessions.models import CalendarDelivery

    CalendarDelivery.objects.create(person=participant, choice=CalendarDelivery.Choice.BOTH)
    conference = five_day_conference(cohort)
    (invitation,) = queue_invitations(events=[conference], change="created")
    assert invitation.to == participant.email
    body = Email.objects.get(pk=invitation.pk).body_text
    assert "Oct. 24, 2024 to Oct. 28, 2024, 4 p.m. – midnight each day (Asia/Tokyo)" in body
    assert "Oct. 24, 2024 to Oct. 28, 2024, 9 a.m. – 5 p.m. each day (Europe/Madrid)" in body
    assert "3 a.m. – 11 a.m. each day (America/New_York)" in body
    (vevent,) = icalendar.Calendar.from_ical(invitation.calendar).walk("VEVENT")
    assert vevent["RRULE"]["COUNT"] == [5]
