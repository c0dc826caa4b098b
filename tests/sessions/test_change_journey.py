"""The issue's journey through the facilitator's pages, with the participant's feed polled
as calendar apps do (If-None-Match) and read by icalendar after each step: the conference
in Barcelona time, a mentoring series for one group, a session moved by its start only,
another cancelled with a message and restored."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from sessions.feeds import feed_of
from sessions.models import Event
from tests.factories import EventFactory

from .test_schedule import rule_data

UTC = zoneinfo.ZoneInfo("UTC")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2024, 3, 1, 12, tzinfo=UTC), tick=False):
        yield


class Calendar:
    """The participant's calendar app: polls with the last ETag, keeps the last body."""

    def __init__(self, client, person):
        secret = feed_of(person=person).secret
        self.url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": secret})
        self.client, self.etag, self.body = client, None, b""

    def poll(self) -> dict[str, icalendar.Event]:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.client.get(self.url, headers=headers)
        assert response.status_code == 200, "a change must change the validator"
        self.etag, self.body = response["ETag"], response.content
        cal = icalendar.Calendar.from_ical(self.body)
        return {str(vevent["SUMMARY"]): vevent for vevent in cal.walk("VEVENT")}


def test_the_facilitators_changes_reach_the_participants_feed(
    client, cohort, facilitator, make_member, django_capture_on_commit_callbacks
):
    member = make_member(cohort, Role.PARTICIPANT)
    mentor = make_member(cohort, Role.MENTOR)
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(member)
    first = EventFactory(
        cohort=cohort, title="Session 1", starts_at=dt.datetime(2024, 4, 9, 9, tzinfo=NEW_YORK)
    )
    second = EventFactory(
        cohort=cohort, title="Session 2", starts_at=dt.datetime(2024, 5, 14, 9, tzinfo=NEW_YORK)
    )
    app = Calendar(client, member)
    assert set(app.poll()) == {"Session 1", "Session 2"}
    slug = cohort.slug
    client.force_login(facilitator)

    # The conference, typed in Barcelona time.
    client.post(
        reverse("calendar:add", kwargs={"cohort_slug": slug}),
        {
            "title": "MetLib Conference",
            "kind": "conference",
            "time_zone": "Europe/Madrid",
            "starts_at": "2024-10-06T09:00",
            "ends_at": "2024-10-10T17:00",
        },
    )
    conference = app.poll()["MetLib Conference"]
    assert conference["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert conference["DTSTART"].dt == dt.datetime(2024, 10, 6, 9, tzinfo=MADRID)

    # A mentoring series for the member's group.
    client.post(
        reverse("calendar:generate", kwargs={"cohort_slug": slug}),
        rule_data(
            mentoring_group=str(group.pk),
            first_month="2024-06",
            last_month="2024-07",
            skip_months=[],
            title_pattern="Group A {n}",
            create="1",
        ),
    )
    assert {"Group A 1", "Group A 2"} <= set(app.poll())

    # Session 1 moves by its start only: it keeps its two hours.
    move = reverse("calendar:move", kwargs={"cohort_slug": slug, "pk": first.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            move,
            {"starts_at": "2024-04-10T10:00", "ends_at": "2024-04-09T11:00", "confirm": "1"},
        )
    moved = app.poll()["Session 1"]
    assert moved["DTSTART"].dt == dt.datetime(2024, 4, 10, 10, tzinfo=NEW_YORK)
    assert moved["DTEND"].dt == dt.datetime(2024, 4, 10, 12, tzinfo=NEW_YORK)
    assert moved["SEQUENCE"] == 1

    # Session 2 is cancelled with a message, then restored.
    cancel = reverse("calendar:cancel", kwargs={"cohort_slug": slug, "pk": second.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel, {"note": "The room is flooded."})
    gone = app.poll()["Cancelled: Session 2"]
    assert (gone["STATUS"], gone["SEQUENCE"]) == ("CANCELLED", 1)
    mail = Email.objects.filter(to=member.email).latest("pk")
    assert "The room is flooded." in mail.body_text
    restore = reverse("calendar:restore", kwargs={"cohort_slug": slug, "pk": second.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(restore, {})
    back = app.poll()["Session 2"]
    assert (back["STATUS"], back["SEQUENCE"]) == ("CONFIRMED", 2)
    assert Event.objects.get(pk=second.pk).status == Event.Status.SCHEDULED
