"""The nominating library's journey on the demo as ``make demo`` loads it today, in Chromium.

A new visitor in Los Angeles starts at ``/``: finds the open call by links, reads its deadline
in Los Angeles time and New York time, signs up with only an email address, saves a draft,
comes back from the home page, submits; the candidate confirms by the mailed link and the
nominator is told. Then a colleague from the same library is told, before typing anything,
that the library has nominated already.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Cohort, Library
from metlib.models import Email, User
from nominations.models import Nomination

from ..browser import assert_accessible, latest_code

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LOS_ANGELES = "America/Los_Angeles"
NOMINATOR = "marisol.vega@lakeshore-library.example"
COLLEAGUE = "deputy.director@lakeshore-library.example"
CANDIDATE = "teodoro.banuelos@lakeshore-library.example"
CONFIRM_LINK = re.compile(r"https?://\S+?(/nominations/confirm/[^/\s\"<>]+/)")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    now = timezone.now()
    return Cohort.objects.get(nominations_open_at__lte=now, nominations_deadline__gt=now)


def free_library(cohort):
    """A listed library that the call accepts and that has not nominated for it yet."""
    return (
        Library.objects.filter(listed=True, city_population__gte=cohort.call.min_city_population)
        .exclude(nominations__cohort=cohort)
        .order_by("name")
        .first()
    )


def in_los_angeles(browser):
    return browser.new_context(timezone_id=LOS_ANGELES, locale="en-US")


def sign_up(page, email):
    page.get_by_role("link", name="Sign up with just your email address").first.click()
    expect(page.get_by_role("heading", name="Sign Up", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_label("Code").wait_for()
    page.get_by_label("Code").fill(latest_code(email))
    page.get_by_role("button", name="Confirm").click()


def test_a_new_nominator_in_los_angeles_nominates_from_the_home_page(live_server, browser, demo):
    library = free_library(demo)
    context = in_los_angeles(browser)
    page = context.new_page()

    # From the home page, by links only, to the open call.
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name=demo.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.name)
    status = page.locator(".call-status")
    expect(status).to_contain_text(f"your time ({LOS_ANGELES})")
    expect(status).to_contain_text("America/New_York")
    assert_accessible(page)

    # Signing up needs only an email address; the code brings them to the form.
    sign_up(page, NOMINATOR)
    expect(page.get_by_role("heading", name="Nominate a candidate", level=1)).to_be_visible()
    assert User.objects.get(email=NOMINATOR).time_zone == LOS_ANGELES
    assert_accessible(page)
    page.get_by_label("Your name").fill("Marisol Vega")
    page.get_by_label("Your role").fill("Director of libraries")
    page.get_by_label("Choose your library").select_option(
        label=f"{library.name} — {library.city}, {library.country.name}"
    )
    page.get_by_label("Candidate's name").fill("Teodoro Bañuelos")
    page.get_by_label("Candidate's job title").fill("Head of branch planning")
    page.get_by_label("Candidate's email").fill(CANDIDATE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved.")
    context.close()

    # Back another day, from the home page: signed in by code, straight to their draft.
    context = in_los_angeles(browser)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("region", name="Send me a sign-in code").get_by_label("Email").fill(NOMINATOR)
    page.get_by_role("button", name="Request Code").click()
    page.get_by_label("Code").fill(latest_code(NOMINATOR))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Teodoro Bañuelos").first.click()
    page.get_by_role("link", name="Continue editing").click()
    expect(page.get_by_label("Candidate's name")).to_have_value("Teodoro Bañuelos")
    page.get_by_label("Candidate's short biography").fill("Plans Toronto's branch network.")
    page.get_by_label("Motivation:", exact=True).fill("Teodoro wants peers who plan branches.")
    page.get_by_label("Kind of project").select_option(index=1)
    page.get_by_label("Project title").fill("Twelve branches by the lake")
    page.get_by_label("Project description").fill("Every neighbourhood within 15 minutes.")
    page.locator("input[name=themes]").first.check()
    page.get_by_label("cover travel and accommodation").select_option(label="Partly")
    stipend_question = page.get_by_label("conditional on a travel stipend")
    if demo.may_receive_stipend(library):
        stipend_question.select_option(label="No")
    else:  # not asked of a nominee the call's stipend rule gives none
        expect(stipend_question).to_be_hidden()
    page.get_by_role("checkbox", name="working hours").check()
    page.get_by_role("checkbox", name="active participation all year").check()
    page.get_by_role("checkbox", name="working language").check()
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("main")).to_contain_text("awaiting the candidate's confirmation")
    assert_accessible(page)
    nomination_url = page.url
    context.close()

    # The candidate confirms from the mail.
    mail = Email.objects.filter(to=CANDIDATE).latest("created_at")
    link = CONFIRM_LINK.search(mail.body_text).group(1)
    candidate = browser.new_context()
    answer = candidate.new_page()
    answer.goto(live_server.url + link)
    expect(answer.get_by_role("heading", level=1)).to_have_text("Confirm your nomination")
    answer.get_by_role("checkbox", name="I agree to take part").check()
    answer.get_by_role("button", name="Confirm").click()
    expect(answer.get_by_role("status")).to_contain_text("Thank you")
    candidate.close()

    # The nominator is told, at their verified address.
    told = Email.objects.filter(to=NOMINATOR, subject__contains="has confirmed")
    assert told.count() == 1
    nomination = Nomination.objects.get(candidate_email=CANDIDATE)
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.candidate_confirmed_at is not None
    assert nomination_url.endswith(f"/nominations/{nomination.pk}/")

    # A colleague from the same library is told before typing anything.
    context = in_los_angeles(browser)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=demo.name).first.click()
    sign_up(page, COLLEAGUE)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=demo.name).first.click()
    expect(page.get_by_role("main")).to_contain_text(
        f"{library.name} has already nominated 1 candidate for this call."
    )
    assert_accessible(page)
    context.close()
