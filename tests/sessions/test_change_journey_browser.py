"""The issue's journey in Chromium: the facilitator adds the conference in Barcelona time,
makes a mentoring series for one group, moves a session by its start only, cancels another
with a message and restores it. After each step the participant's feed, polled as calendar
apps poll (If-None-Match), is read by icalendar and vobject and shows that step."""

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
import vobject
from playwright.sync_api import Page, expect

from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from sessions.feeds import feed_of
from tests.factories import CohortFactory, EventFactory

from ..browser import assert_accessible
from .test_calendar_browser import row_of, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


class CalendarApp:
    """The participant's calendar app: polls with the last ETag, keeps the last body."""

    def __init__(self, page: Page, url: str) -> None:
        self.page, self.url, self.etag, self.body = page, url, None, ""

    def poll(self) -> dict[str, icalendar.Event]:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.page.request.get(self.url, headers=headers)
        assert response.status == 200, "each step changes the feed, so its validator"
        self.etag, self.body = response.headers["etag"], response.text()
        vobject.readOne(self.body)  # a second, independent parser reads it too
        cal = icalendar.Calendar.from_ical(self.body)
        return {str(vevent["SUMMARY"]): vevent for vevent in cal.walk("VEVENT")}


def test_the_facilitators_changes_reach_the_participants_feed_step_by_step(
    live_server, page, browser, make_member, settings
):
    settings.SITE_URL = live_server.url
    cohort = CohortFactory(name="Learning Circle 2031", time_zone="America/New_York")
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    member = make_member(cohort, Role.PARTICIPANT, time_zone="Europe/Helsinki")
    mentor = make_member(cohort, Role.MENTOR)
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(member)
    for title, day in (("Session 1", dt.date(2031, 4, 8)), ("Session 2", dt.date(2031, 5, 13))):
        starts = dt.datetime.combine(day, dt.time(9), tzinfo=NEW_YORK)
        EventFactory(
            cohort=cohort, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
        )
    feed = feed_of(person=member)
    context = browser.new_context()
    try:
        app = CalendarApp(
            context.new_page(), f"{live_server.url}/calendar/feed/{member.pk}/{feed.secret}.ics"
        )
        assert set(app.poll()) == {"Session 1", "Session 2"}

        page.goto(f"{live_server.url}/cohorts/{cohort.slug}/calendar/")
        sign_in(page, facilitator.email)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"The year's calendar: {cohort.name}"
        )

        # --- The conference, typed in Barcelona time. ----------------------------------------
        page.get_by_role("link", name="Add a single event").click()
        page.get_by_label("Title").fill("MetLib Conference")
        page.get_by_label("Kind").select_option(label="Conference")
        page.get_by_label("Time zone").fill("Europe/Madrid")
        page.get_by_label(re.compile(r"^Starts\b")).fill("2031-10-06T09:00")
        page.get_by_label(re.compile(r"^Ends\b")).fill("2031-10-10T17:00")
        page.get_by_role("button", name="Add the event").click()
        expect(row_of(page, "MetLib Conference")).to_contain_text("Europe/Madrid")
        assert_accessible(page)
        conference = app.poll()["MetLib Conference"]
        assert conference["DTSTART"].params["TZID"] == "Europe/Madrid"
        assert conference["DTSTART"].dt == dt.datetime(2031, 10, 6, 9, tzinfo=MADRID)
        assert conference["DTEND"].dt == dt.datetime(2031, 10, 6, 17, tzinfo=MADRID)
        assert conference["RRULE"]["COUNT"] == [5]  # five days of 09:00–17:00

        # --- A mentoring series for Group A only. ---------------------------------------------
        page.get_by_role("link", name="Make a schedule from a rule").click()
        page.get_by_label("Which one").select_option(label="first")
        page.get_by_label("Day of the week").select_option(label="Thursday")
        page.get_by_label("Starts at").fill("11:00")
        page.get_by_label("Time zone").fill("America/New_York")
        page.get_by_label("First month").fill("2031-06")
        page.get_by_label("Last month").fill("2031-07")
        page.get_by_label("Title").fill("Group A {n}")
        page.get_by_label("Mentoring group").select_option(label="Group A")
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("button", name="Create", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("2 events created.")
        seen = app.poll()
        assert {"Group A 1", "Group A 2"} <= set(seen)
        assert seen["Group A 1"]["DTSTART"].dt == dt.datetime(2031, 6, 5, 11, tzinfo=NEW_YORK)

        # --- Session 1 moves by its start only: it keeps its two hours. -----------------------
        row_of(page, "Session 1").get_by_role("link", name="Move Session 1").click()
        page.get_by_label(re.compile(r"^Starts\b")).fill("2031-04-09T10:00")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Move the event").click()
        expect(page.get_by_role("status")).to_contain_text("“Session 1” is moved.")
        moved = app.poll()["Session 1"]
        assert moved["DTSTART"].dt == dt.datetime(2031, 4, 9, 10, tzinfo=NEW_YORK)
        assert moved["DTEND"].dt == dt.datetime(2031, 4, 9, 12, tzinfo=NEW_YORK)
        assert moved["SEQUENCE"] == 1

        # --- Session 2 is cancelled with a message… -------------------------------------------
        row_of(page, "Session 2").get_by_role("link", name="Cancel Session 2").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cancel “Session 2”")
        assert_accessible(page)
        page.get_by_label("Message to the people told (optional)").fill("The room is flooded.")
        page.get_by_role("button", name="Cancel the event").click()
        expect(row_of(page, "Session 2")).to_contain_text("Cancelled")
        gone = app.poll()["Cancelled: Session 2"]
        assert (gone["STATUS"], gone["SEQUENCE"]) == ("CANCELLED", 1)
        told = Email.objects.filter(to=member.email, subject="Cancelled: Session 2").get()
        assert "The room is flooded." in told.body_text

        # --- …and restored. ------------------------------------------------------------------
        row_of(page, "Session 2").get_by_role("link", name="Restore Session 2").click()
        page.get_by_role("button", name="Restore the event").click()
        expect(row_of(page, "Session 2")).not_to_contain_text("Cancelled")
        back = app.poll()["Session 2"]
        assert (back["STATUS"], back["SEQUENCE"]) == ("CONFIRMED", 2)
    finally:
        context.close()
