"""Next year without a developer, on the demo as ``make demo`` loads it, in Chromium.

The demo's programme manager starts at ``/``: signs in with a mailed code, goes by links to
the finished 2024 cohort and starts next year's from it (the call and themes copied, a fresh
team), then appoints a facilitator by email. The facilitator follows the invitation, signs
in with the mailed code, invites an advisor, edits the call, previews it and publishes it.
Until then the public does not find the call; after, a visitor in Tokyo reads the copied
texts and the deadline in the cohort's zone exactly as it was typed.
"""

import datetime as dt
import re
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from cohorts.models import Cohort, Membership, Role
from demo.people import COHORT_SLUG, MANAGER_EMAIL
from metlib.models import Email
from nominations.models import Call

from ..browser import assert_accessible, latest_code

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
FACILITATOR = "rosa.lindqvist@next-year.example"
ADVISOR = "obinna.eze@next-year.example"
NEW_NAME = "MetLib Learning Circle (next year)"
NEW_SLUG = "metlib-next-year"
TIMELINE = "Call open until the deadline; results four days later."


@pytest.fixture
def finished(db):
    call_command("load_demo", stdout=StringIO())
    return Cohort.objects.select_related("programme").get(slug=COHORT_SLUG)


def typed_dates() -> dict[str, dt.datetime | dt.date]:
    """Next year's dates as the manager types them: the call opened yesterday in New York (so
    the public page shows its deadline), everything after in order."""
    today = timezone.now().astimezone(NEW_YORK).date()
    deadline = dt.datetime.combine(today + dt.timedelta(days=30), dt.time(23, 59))
    return {
        "opens": dt.datetime.combine(today - dt.timedelta(days=1), dt.time(9, 0)),
        "deadline": deadline,
        "announced": deadline.date() + dt.timedelta(days=4),
        "starts": deadline.date() + dt.timedelta(days=40),
        "ends": deadline.date() + dt.timedelta(days=404),
    }


def sign_in_by_code(page, email):
    page.get_by_role("region", name="Send me a sign-in code").get_by_label("Email").fill(email)
    page.get_by_role("button", name="Request Code").click()
    page.get_by_label("Code").fill(latest_code(email))
    page.get_by_role("button", name="Confirm").click()


def test_a_manager_starts_next_year_and_its_facilitator_publishes_the_call(
    live_server, browser, finished
):
    dates = typed_dates()
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-US")
    page = context.new_page()

    # The manager, from the home page, by links only.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    sign_in_by_code(page, MANAGER_EMAIL)
    page.get_by_role("region", name="Programmes you manage").get_by_role(
        "link", name=finished.programme.name, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(finished.programme.name)
    page.get_by_role("listitem").filter(has_text=finished.name).get_by_role(
        "link", name="Start next year's cohort"
    ).click()
    expect(page.get_by_role("main")).to_contain_text("America/New_York")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Name")).fill(NEW_NAME)
    page.get_by_label("Address").fill(NEW_SLUG)
    page.get_by_label("Nominations open").fill(dates["opens"].strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Nomination deadline").fill(dates["deadline"].strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Results announced").fill(dates["announced"].isoformat())
    page.get_by_label("Programme starts").fill(dates["starts"].isoformat())
    page.get_by_label("Programme ends").fill(dates["ends"].isoformat())
    page.get_by_label("Carry over the facilitators, advisors and mentors").uncheck()
    page.get_by_role("button", name="Start next year's cohort").click()
    expect(page.get_by_role("status")).to_contain_text("Its call is a preview")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_NAME)

    new = Cohort.objects.get(slug=NEW_SLUG)
    assert (
        timezone.localtime(new.nominations_deadline, NEW_YORK).replace(tzinfo=None)
        == (dates["deadline"])
    )
    assert not new.call_is_published
    assert not Membership.objects.filter(cohort=new).exists()  # a fresh team

    # The manager appoints the facilitator by email.
    page.get_by_role("link", name="The team: facilitators, advisors and mentors").click()
    assert_accessible(page)
    page.get_by_label("Email").fill(FACILITATOR)
    page.get_by_label("Role").select_option("facilitator")
    page.get_by_role("button", name="Add and invite").click()
    expect(page.get_by_role("table")).to_contain_text(FACILITATOR)
    context.close()

    # The public does not find the call yet.
    public = browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
    visitor = public.new_page()
    visitor.goto(live_server.url + "/")
    expect(visitor.get_by_role("link", name=NEW_NAME)).to_have_count(0)
    response = visitor.goto(live_server.url + f"/calls/{NEW_SLUG}/")
    assert response.status == 404

    # The facilitator follows the invitation and signs in with the mailed code.
    invitation = Email.objects.get(to=FACILITATOR)
    path = re.search(r"https?://[^/\s]+(/accounts/login/code/\S*)", invitation.body_text).group(1)
    context = browser.new_context(timezone_id="America/Chicago", locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + path)
    page.get_by_label("Email").fill(FACILITATOR)
    page.get_by_role("button", name="Request Code").click()
    page.get_by_label("Code").fill(latest_code(FACILITATOR))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_NAME)

    # … invites an advisor …
    page.get_by_role("link", name="The team: facilitators, advisors and mentors").click()
    page.get_by_label("Email").fill(ADVISOR)
    page.get_by_label("Role").select_option("advisor")
    page.get_by_role("button", name="Add and invite").click()
    expect(page.get_by_role("table")).to_contain_text(ADVISOR)
    assert Membership.objects.filter(cohort=new, user__email=ADVISOR, role=Role.ADVISOR).exists()
    assert Email.objects.filter(to=ADVISOR).count() == 1

    # … edits the call, previews it and publishes it.
    page.get_by_role("link", name="Back to the cohort").click()
    page.get_by_role("link", name="Edit the call for nominations").click()
    page.get_by_label("Timeline").fill(TIMELINE)
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_role("status")).to_contain_text("The call for nominations is saved.")
    page.get_by_role("link", name="Preview the call and publish it").click()
    expect(
        page.get_by_role("heading", name="Preview: this call is not published yet")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(TIMELINE)
    assert_accessible(page)
    page.get_by_role("button", name="Publish the call").click()
    expect(page.get_by_role("status")).to_contain_text("The call is published")
    context.close()

    # The public call page: the copied texts, and the deadline in New York exactly as typed.
    copied = Call.objects.get(cohort=finished)
    visitor.goto(live_server.url + "/")
    visitor.get_by_role("link", name=NEW_NAME).first.click()
    main = visitor.get_by_role("main")
    expect(main).not_to_contain_text("Preview")
    expect(main).to_contain_text(copied.introduction.strip().splitlines()[0])
    expect(main).to_contain_text(copied.requirements.strip())
    expect(main).to_contain_text(TIMELINE)
    expect(main).to_contain_text("Urban Mobility")  # a copied theme
    status = visitor.locator(".call-status")
    expect(status).to_contain_text(dateformat.format(dates["deadline"], "N j, Y, P"))
    expect(status).to_contain_text("America/New_York")
    assert_accessible(visitor)
    public.close()
