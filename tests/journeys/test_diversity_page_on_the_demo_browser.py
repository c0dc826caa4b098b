"""The diversity page on the demo, in Chromium at 1,280 px: compact enough to read at a glance.

It was 9,300 px tall (eight charts, each with its table, one under the other); the shares
of the nominations and of the selection now sit side by side in one table and each chart is
folded in a ``<details>`` until opened.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.people import COHORT_SLUG, DEMO_PASSWORD, FACILITATOR_EMAIL

from ..browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 1280
TALLEST = 3500  # px: about four screens


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    yield context.new_page()
    context.close()


def test_the_diversity_page_of_the_demo_fits_in_a_few_screens(live_server, desk, demo):
    page = desk
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(FACILITATOR_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/cohorts/{COHORT_SLUG}/")
    page.get_by_role("link", name="Diversity of the selection").click()

    shares = page.get_by_role("table", name="Each group's share of the nominations")
    expect(shares.get_by_role("row", name="Global South")).to_contain_text("%")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < TALLEST, f"{height} px at {WIDTH} px wide"
    assert_accessible(page)

    # Every chart is still there, with its numbers, one click away.
    page.locator("summary", has_text="By country").click()
    expect(page.get_by_role("table", name="By country: the numbers")).to_be_visible()
    assert page.locator("details.chart-details").count() == 8
