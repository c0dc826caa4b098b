"""The calendar journey end to end in Chromium, with axe-core on every page of it: the
facilitator generates the year, moves one session, and a participant subscribes to the feed
and sees the moved time in their own zone."""

import datetime as dt
import re
import zoneinfo

import pytest
import vobject
from playwright.sync_api import Locator, Page, expect

from cohorts.models import Role
from sessions.models import Event

from ..browser import assert_accessible
from ..factories import CohortFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MOVED = "Monthly session 2"  # the May session


def sign_in(page: Page, email: str) -> None:
    """On the sign-in page the visitor was sent to: the password form."""
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def row_of(page: Page, title: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))


@pytest.fixture
def desk(browser):
    """The participant's own browser, closed even when the test fails: a connection left open
    to the live server would keep the test database from being dropped."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_facilitator_generates_and_moves_participant_sees_it_in_their_zone_and_feed(
    live_server, page, desk, make_member, settings
):
    settings.SITE_URL = live_server.url  # the feed addresses on the page point at this server
    cohort = CohortFactory(name="Learning Circle 2031", time_zone="America/New_York")
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    participant = make_member(
        cohort,
        Role.PARTICIPANT,
        email="participant@metlib.example",
        time_zone="Europe/Helsinki",
    )

    # --- The facilitator generates the year from a rule. ------------------------------------
    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(page, facilitator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    page.get_by_role("link", name="The year's calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"The year's calendar: {cohort.name}")
    assert_accessible(page)

    page.get_by_role("link", name="Make a schedule from a rule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"A schedule from a rule: {cohort.name}"
    )
    assert_accessible(page)
    page.get_by_label("Which one").select_option(label="second")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_label("First month").fill("2031-04")
    page.get_by_label("Last month").fill("2031-06")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="The dates this rule gives")
    expect(preview.get_by_role("row")).to_have_count(1 + 3)
    for number, day in ((1, "April 8, 2031"), (2, "May 13, 2031"), (3, "June 10, 2031")):
        expect(
            preview.get_by_role("row").filter(has=page.get_by_role("rowheader", name=str(number)))
        ).to_contain_text(day)
    assert not Event.objects.exists()
    assert_accessible(page)

    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"The year's calendar: {cohort.name}")
    expect(page.get_by_role("status")).to_contain_text("3 events created.")
    for title in ("Monthly session 1", MOVED, "Monthly session 3"):
        expect(row_of(page, title)).to_contain_text("Scheduled")
    assert_accessible(page)

    # --- One session moves. -------------------------------------------------------------------
    row_of(page, MOVED).get_by_role("link", name=f"Move {MOVED}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Move “{MOVED}”")
    assert_accessible(page)
    # Only the start changes: the session keeps its two hours.
    page.get_by_label(re.compile(r"^Starts\b")).fill("2031-05-14T10:00")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Who is told"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Message to the people told (optional)").fill("One hour later, same link.")
    page.get_by_role("button", name="Move the event").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{MOVED}” is moved.")
    expect(row_of(page, MOVED)).to_contain_text("Moved")
    expect(row_of(page, MOVED)).to_contain_text("May 14, 2031")
    expect(row_of(page, "Monthly session 1")).to_contain_text("Scheduled")
    assert_accessible(page)

    moved = Event.objects.get(cohort=cohort, title=MOVED)
    assert moved.status == Event.Status.MOVED
    assert moved.sequence == 1
    assert moved.starts_at == dt.datetime(2031, 5, 14, 10, 0, tzinfo=NEW_YORK)
    assert moved.ends_at == dt.datetime(2031, 5, 14, 12, 0, tzinfo=NEW_YORK)

    # --- The participant sees it in their zone, with the cohort's beside it. -----------------
    desk.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(desk, participant.email)
    expect(desk.get_by_role("heading", level=1)).to_have_text(cohort.name)
    desk.get_by_role("link", name="Your schedule").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your schedule")
    may = desk.get_by_role("region", name="May 2031")
    session = may.get_by_role("listitem").filter(has=desk.get_by_role("heading", name=MOVED))
    expect(session.get_by_role("heading", name=MOVED)).to_contain_text("Moved")
    when = session.locator("dd").filter(has=desk.locator("time"))
    expect(when).to_contain_text(
        re.compile(r"May 14, 2031, 5(:00)?\s*p\.m\. – 7 p\.m\.\s*your time \(Europe/Helsinki\)")
    )
    expect(when).to_contain_text(
        re.compile(r"May 14, 2031, 10(:00)?\s*a\.m\. – noon\s*America/New_York")
    )
    expect(when.locator("time")).to_have_attribute("datetime", "2031-05-14T14:00:00+00:00")
    assert_accessible(desk)

    # --- …subscribes, and the feed has the moved time. ---------------------------------------
    desk.get_by_role("link", name="Subscribe to your calendar").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your calendar subscription")
    assert_accessible(desk)
    expect(desk.get_by_label("Subscription address (webcal)")).to_have_value(
        re.compile(r"^webcal://")
    )
    feed_url = desk.get_by_label("The same address over https").input_value()
    assert feed_url.startswith(live_server.url)
    response = desk.request.get(feed_url)
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("text/calendar")

    calendar = vobject.readOne(response.text())
    events = {component.summary.value: component for component in calendar.vevent_list}
    assert set(events) == {"Monthly session 1", MOVED, "Monthly session 3"}
    event = events[MOVED]
    assert int(event.sequence.value) == 1
    starts = event.dtstart.value
    # vobject keeps the TZID parameter under this name once it has read the VTIMEZONE.
    assert event.dtstart.params.get("X-VOBJ-ORIGINAL-TZID") == ["America/New_York"]
    # The wall time in the cohort's zone. (The offset is not read from vobject's tzinfo: its
    # dateutil reader gets the VTIMEZONE's list of RDATEs wrong and says -05:00 all year.)
    assert starts.replace(tzinfo=None) == dt.datetime(2031, 5, 14, 10, 0)
    assert starts.replace(tzinfo=NEW_YORK) == moved.starts_at
    assert int(events["Monthly session 1"].sequence.value) == 0
