"""The participant's year end to end in Chromium, with axe-core on every page: a participant
finds their next session in their own zone, subscribes to their calendar feed, and answers the
evaluation with the keyboard alone; the facilitator reads the results."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cohorts import evaluation as service
from cohorts.models import EvaluationAnswer, Role

from ..browser import assert_accessible
from ..factories import CohortFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, email: str) -> None:
    """On the sign-in page the visitor was sent to: the password form."""
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def desk(browser):
    """The facilitator's own browser, closed even when the test fails."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_participant_answers_with_the_keyboard_and_the_facilitator_reads_the_results(
    live_server, page, desk, make_member, settings
):
    settings.SITE_URL = live_server.url  # the feed address on the page points at this server
    cohort = CohortFactory(name="Learning Circle 2031", time_zone="America/New_York")
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    participant = make_member(
        cohort, Role.PARTICIPANT, email="participant@metlib.example", time_zone="Europe/Helsinki"
    )
    make_member(cohort, Role.PARTICIPANT, display_name="Not Yet Answered")
    deadline = (timezone.now() + dt.timedelta(days=10)).astimezone(
        zoneinfo.ZoneInfo("America/New_York")
    )
    service.open_evaluation(cohort=cohort, by=facilitator, closes_at=deadline)
    # The next session: 9:00 in New York is 16:00 in Helsinki (the same DST on both sides).
    starts = dt.datetime(2031, 3, 4, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    EventFactory(cohort=cohort, title="Libraries as civic spaces", starts_at=starts)

    # --- The participant finds their next session in their own zone, and subscribes. --------
    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(page, participant.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    page.get_by_role("link", name="Your year").click()
    next_event = page.get_by_role("region", name="Your next event")
    expect(next_event).to_contain_text("Libraries as civic spaces")
    expect(next_event).to_contain_text("March 4, 2031, 4 p.m. – 6 p.m. your time (Europe/Helsinki)")
    assert_accessible(page)
    page.get_by_role("link", name="Subscribe to your calendar").click()
    webcal = page.get_by_label("Subscription address (webcal)").input_value()
    assert webcal.startswith("webcal://")
    feed = page.request.get("http://" + webcal.removeprefix("webcal://"))
    assert feed.status == 200
    assert "SUMMARY:Libraries as civic spaces" in feed.text()
    assert_accessible(page)

    # --- The participant finds the evaluation on the cohort's page and answers it. ----------
    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    page.get_by_role("link", name="Answer the end-of-year evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"End-of-year evaluation: {cohort.name}"
    )
    expect(page.get_by_text("your time (Europe/Helsinki)")).to_be_visible()
    assert_accessible(page)

    scale = page.get_by_role("group", name=re.compile("How likely are you to recommend"))
    expect(scale.get_by_role("radio")).to_have_count(11)
    scale.get_by_role("radio", name="0 – not at all likely").focus()
    page.keyboard.press("Space")
    for _step in range(9):
        page.keyboard.press("ArrowRight")
    expect(scale.get_by_role("radio", name="9", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What did you value most?")).to_be_focused()
    page.keyboard.type("Meeting peers from other cities")
    expect(page.get_by_text("31 / 2000")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What should we change?")).to_be_focused()
    page.keyboard.type("Longer sessions")
    page.keyboard.press("Tab")
    page.keyboard.type("Thank you!")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my answer")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Thank you: your answer is saved.")
    expect(page.get_by_role("radio", name="9", exact=True)).to_be_checked()
    expect(page.get_by_label("What should we change?")).to_have_value("Longer sessions")
    expect(page.get_by_role("button", name="Save my changes")).to_be_visible()
    assert_accessible(page)
    answer = EvaluationAnswer.objects.get()
    assert (answer.person, answer.recommend, answer.comments) == (participant, 9, "Thank you!")

    # --- The facilitator reads the results. ---------------------------------------------------
    desk.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(desk, facilitator.email)
    desk.get_by_role("link", name="Evaluation results").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Evaluation results: {cohort.name}")
    figures = desk.get_by_role("region", name="Figures")
    expect(figures).to_contain_text("Would recommend (9 or 10)")
    expect(figures).to_contain_text("100 %")
    expect(figures).to_contain_text("50 %")  # one of two participants has answered
    expect(figures.get_by_role("img", name="How likely to recommend, 0 to 10")).to_be_visible()
    nine = figures.get_by_role("row").filter(has=desk.get_by_role("rowheader", name="9"))
    expect(nine).to_contain_text("1")
    texts = desk.get_by_role("region", name="Answers by question")
    expect(texts).to_contain_text("Meeting peers from other cities")
    expect(texts).not_to_contain_text(str(participant))
    expect(desk.get_by_role("region", name="Who has not answered yet")).to_contain_text(
        "Not Yet Answered"
    )
    assert_accessible(desk)
    desk.get_by_role("link", name="Open, close and remind").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"The evaluation: {cohort.name}")
    assert_accessible(desk)
