"""The nomination journey end to end in Chromium, with axe-core on every page of it."""

import csv

import pytest
from playwright.sync_api import expect

from cohorts.models import Role
from metlib.models import Email
from nominations.models import Nomination

from ..browser import assert_accessible, latest_code
from ..factories import CallFactory, LibraryFactory, ThemeFactory
from .nominating import CONFIRM_LINK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOMINATOR = "eleni.papadopoulou@library.example"
CANDIDATE = "soren.ostergard@library.example"
BIO = "Søren Østergård leads the branch network of Ελένη's library: 14 branches, 300 staff."
MOTIVATION = "Østergård wants to learn from peers how a city library shapes its neighbourhoods."


def confirmation_path(to: str) -> str:
    email = Email.objects.get(to=to, key__endswith=":candidate-confirmation")
    match = CONFIRM_LINK.search(email.body_text)
    assert match, email.body_text
    return match.group(1)


def test_nomination_journey_from_call_to_csv(live_server, browser, page, cohort, make_member):
    """A first-time nominator signs up by emailed code from the call page, fills the form, is
    told about a bad address without losing what they typed, saves a draft and submits; the
    candidate confirms from the mail; the facilitator, a returning user, signs in by code,
    finds the nomination in the pipeline and exports it as CSV.

    A first-time nominator has no account, and allauth answers a sign-in code request for
    an unknown address with an "unknown account" mail; so they follow the sign-in page's
    "sign up" link, give only their address and type the code they are sent.
    """
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    ThemeFactory(cohort=cohort, name="Civic Engagement")
    CallFactory(cohort=cohort)
    LibraryFactory(name="Oodi", city="Helsinki", country="FI", city_population=650_000)
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")

    # The visitor reads the call and starts a nomination.
    page.goto(f"{live_server.url}/calls/{cohort.slug}/")
    assert_accessible(page)
    page.get_by_role("link", name="Nominate a candidate").click()

    # Sent to sign in; a first-time nominator signs up with an emailed code.
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="sign up").click()
    expect(page.get_by_role("heading", name="Sign Up", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(NOMINATOR)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_label("Code").wait_for()
    assert_accessible(page)
    page.get_by_label("Code").fill(latest_code(NOMINATOR))
    page.get_by_role("button", name="Confirm").click()

    # Back on the form they asked for.
    expect(page.get_by_role("heading", name="Nominate a candidate", level=1)).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Your email")).to_have_value(NOMINATOR)
    page.get_by_label("Your name").fill("Ελένη Παπαδοπούλου")
    page.get_by_label("Your role").fill("Διευθύντρια βιβλιοθήκης")
    page.get_by_label("Choose your library").select_option(label="Oodi — Helsinki, Finland")
    page.get_by_label("Candidate's name").fill("Søren Østergård")
    page.get_by_label("Candidate's job title").fill("Head of branch development")
    page.get_by_label("Candidate's email").fill("soren.ostergard@")
    page.get_by_label("Candidate's short biography").fill(BIO)
    page.get_by_label("Motivation:", exact=True).fill(MOTIVATION)
    page.get_by_label("Kind of project").select_option(label="Branch development")
    page.get_by_label("Project title").fill("Fjorten filialer – fourteen branches")
    page.get_by_label("Project description").fill("Every branch a civic living room by 2027.")
    page.get_by_role("checkbox", name="Urban Mobility").check()
    page.get_by_label("cover travel and accommodation").select_option(label="Partly")
    # Not asked: the call's stipend rule gives a Helsinki library's nominee none.
    expect(page.get_by_label("conditional on a travel stipend")).to_be_hidden()
    page.get_by_role("checkbox", name="working hours").check()
    page.get_by_role("checkbox", name="active participation all year").check()
    page.get_by_role("checkbox", name="working language").check()
    page.get_by_role("button", name="Submit nomination").click()

    # The bad address is marked beside its field and in the summary; nothing typed is lost.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Candidate's email: Enter a valid email address.")
    candidate_email = page.get_by_label("Candidate's email")
    expect(candidate_email).to_have_attribute("aria-invalid", "true")
    expect(candidate_email).to_have_accessible_description("Enter a valid email address.")
    expect(candidate_email).to_have_value("soren.ostergard@")
    beside = page.locator(".field").filter(has=candidate_email)
    expect(beside.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Candidate's name")).to_have_value("Søren Østergård")
    expect(page.get_by_label("Your name")).to_have_value("Ελένη Παπαδοπούλου")
    expect(page.get_by_label("Candidate's short biography")).to_have_value(BIO)
    expect(page.get_by_label("Motivation:", exact=True)).to_have_value(MOTIVATION)
    expect(page.get_by_role("checkbox", name="Urban Mobility")).to_be_checked()
    assert_accessible(page)

    candidate_email.fill(CANDIDATE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved.")
    page.get_by_role("button", name="Submit nomination").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Søren Østergård")
    expect(page.get_by_role("main")).to_contain_text("awaiting the candidate's confirmation")
    assert_accessible(page)
    nomination_url = page.url

    # The candidate confirms from the mail, in a browser of their own.
    candidate_context = browser.new_context()
    candidate_page = candidate_context.new_page()
    candidate_page.goto(live_server.url + confirmation_path(CANDIDATE))
    expect(candidate_page.get_by_role("heading", level=1)).to_have_text("Confirm your nomination")
    assert_accessible(candidate_page)
    candidate_page.get_by_role("checkbox", name="I agree to take part").check()
    candidate_page.get_by_role("button", name="Confirm").click()
    expect(candidate_page.get_by_role("status")).to_contain_text("Thank you")
    assert_accessible(candidate_page)
    candidate_context.close()

    page.goto(nomination_url)
    expect(page.get_by_role("main")).to_contain_text("confirmed by the candidate")
    expect(page.get_by_role("main")).not_to_contain_text("awaiting")

    # The facilitator signs in by code, finds the nomination and exports the pipeline.
    facilitator_context = browser.new_context(accept_downloads=True)
    desk = facilitator_context.new_page()
    desk.goto(f"{live_server.url}/cohorts/{cohort.slug}/nominations/")
    # The sign-in page leads with the emailed code.
    assert_accessible(desk)
    desk.get_by_role("region", name="Send me a sign-in code").get_by_label("Email").fill(
        facilitator.email
    )
    desk.get_by_role("button", name="Request Code").click()
    desk.get_by_label("Code").wait_for()
    assert_accessible(desk)
    desk.get_by_label("Code").fill(latest_code(facilitator.email))
    desk.get_by_role("button", name="Confirm").click()

    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Nominations: {cohort.name}")
    assert_accessible(desk)
    desk.get_by_label("Search").fill("Østergård")
    desk.get_by_role("button", name="Show").click()
    desk.get_by_role("link", name="Søren Østergård").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Nomination: Søren Østergård")
    expect(desk.get_by_role("main")).to_contain_text("confirmed by the candidate")
    assert_accessible(desk)

    desk.go_back()
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Download these nominations as CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.DictReader(exported))
    facilitator_context.close()

    nomination = Nomination.objects.get()
    assert [row["candidate_name"] for row in rows] == ["Søren Østergård"]
    (row,) = rows
    assert row["nomination_id"] == str(nomination.pk)
    assert row["status"] == "submitted"
    assert row["candidate_email"] == CANDIDATE
    assert row["nominator_name"] == "Ελένη Παπαδοπούλου"
    assert row["candidate_bio"] == BIO
    assert row["awaiting_candidate_confirmation"] == "no"
    # In UTC (as stored), written as a spreadsheet reads a date and time.
    assert row["candidate_confirmed_at"] == nomination.candidate_confirmed_at.strftime(
        "%Y-%m-%d %H:%M:%S"
    )
