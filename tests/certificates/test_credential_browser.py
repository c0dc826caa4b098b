"""In Chromium: the participant downloads the PDF and the Open Badges credential and adds
the certification to LinkedIn (the address it opens is checked, LinkedIn itself is never
reached); a stranger pastes the credential into the verification page."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from certificates import issuing
from certificates.models import Certificate
from cohorts.models import Role
from tests.browser import assert_accessible
from tests.certificates.year import ready_people
from tests.factories import CohortFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def stranger(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_participant_carries_the_credential_and_a_stranger_verifies_it(
    live_server, browser, stranger, make_member, settings
):
    settings.SITE_URL = live_server.url
    cohort = CohortFactory(name="MetLib Learning Circle 2032")
    facilitator = make_member(cohort, Role.FACILITATOR)
    (ana,) = ready_people(cohort, by=facilitator, make_member=make_member, count=1)
    certificate = issuing.certificate_for(cohort=cohort, person=ana, batch=None, by=facilitator)
    issuing.render_and_store(certificate=certificate)

    context = browser.new_context(accept_downloads=True)
    opened: list[str] = []

    def linkedin(route: Route) -> None:
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn</title>")

    context.route("https://www.linkedin.com/**", linkedin)
    participant = context.new_page()
    participant.goto(f"{live_server.url}/cohorts/{cohort.slug}/certificate/")
    sign_in(participant, ana.email)
    expect(participant.get_by_role("heading", level=1)).to_have_text(
        f"Your certificate: {cohort.name}"
    )
    assert_accessible(participant)

    with participant.expect_download() as pdf_info:
        participant.get_by_role("link", name="Download your certificate (PDF)").click()
    assert pdf_info.value.suggested_filename == f"Participant 00 Østergård - {cohort.slug}.pdf"
    with open(pdf_info.value.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"

    with participant.expect_download() as credential_info:
        participant.get_by_role(
            "link", name="Download your digital credential (Open Badges 3.0)"
        ).click()
    with open(credential_info.value.path(), encoding="ascii") as downloaded:
        token = downloaded.read()
    assert token.startswith("eyJ")
    assert token.count(".") == 2

    participant.get_by_role("link", name="Add to LinkedIn profile").click()
    participant.wait_for_url("https://www.linkedin.com/**")
    context.close()
    (url,) = opened
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.linkedin.com/profile/add?")
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["MetLib Learning Circle 2032"]
    assert query["organizationName"] == [cohort.programme.organisation]
    assert query["certId"] == [certificate.code]
    assert query["certUrl"] == [f"{live_server.url}/verify/{certificate.code}/"]

    stranger.goto(f"{live_server.url}/verify/")
    stranger.get_by_role("link", name="Verify a digital credential (Open Badges)").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Verify a digital credential")
    stranger.get_by_label("Credential").fill(token)
    stranger.get_by_role("button", name="Verify the credential").click()
    expect(stranger.get_by_role("status")).to_have_text("This credential is genuine and valid.")
    expect(stranger.get_by_text(Certificate.objects.get(pk=certificate.pk).name)).to_be_visible()
    assert_accessible(stranger)
