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
