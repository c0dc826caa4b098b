"""Certificates end to end in Chromium with a real Celery worker: the facilitator issues, the
batch page, asked to refresh itself, does so until the bar is full, a participant downloads
their PDF, and a visitor verifies it at the address printed on it."""

import time

import pytest
from playwright.sync_api import Page, expect

from certificates import pdf
from certificates.models import Certificate
from certificates.pdf import verification_url
from cohorts.models import Role
from tests.browser import assert_accessible
from tests.certificates.year import ready_people
from tests.factories import CohortFactory
from tests.fixtures import running_celery_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def desk(browser):
    """A second browser (the participant's, then a visitor's), closed even on failure."""
    context = browser.new_context(accept_downloads=True)
    yield context
    context.close()


def test_facilitator_issues_participant_downloads_visitor_verifies(
    live_server, page, desk, make_member, settings, monkeypatch
):
    settings.SITE_URL = live_server.url
    render = pdf.render_certificate_pdf

    def slow_render(*, certificate):
        time.sleep(2)  # so the batch is still running when the facilitator looks at it
        return render(certificate=certificate)

    monkeypatch.setattr(pdf, "render_certificate_pdf", slow_render)
    cohort = CohortFactory(name="Learning Circle 2032")
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    people = ready_people(cohort, by=facilitator, make_member=make_member, count=3)
    ana = people[0]

    with running_celery_worker():
        page.goto(f"{live_server.url}/cohorts/{cohort.slug}/certificates/")
        sign_in(page, facilitator.email)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificates: {cohort.name}")
        assert_accessible(page)
        page.get_by_role("button", name="Issue 3 certificates").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Issuing certificates: {cohort.name}"
        )
        # The no-script path: the page refreshes itself every two seconds when asked to.
        page.get_by_role("link", name="Refresh automatically every two seconds").click()
        expect(page.locator(".batch-count")).to_have_text("3 of 3 issued", timeout=60_000)
        expect(page.locator("progress")).to_have_attribute("value", "3")
        expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
        assert_accessible(page)

    participant = desk.new_page()
    participant.goto(f"{live_server.url}/cohorts/{cohort.slug}/certificate/")
    sign_in(participant, ana.email)
    expect(participant.get_by_role("heading", level=1)).to_have_text(
        f"Your certificate: {cohort.name}"
    )
    assert_accessible(participant)
    with participant.expect_download() as info:
        participant.get_by_role("link", name="Download your certificate (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"Participant 00 Østergård - {cohort.slug}.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"
    participant.close()

    certificate = Certificate.objects.get(person=ana)
    visitor = desk.new_page()
    visitor.context.clear_cookies()
    visitor.goto(verification_url(certificate))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(visitor.get_by_text("This certificate is genuine and valid.")).to_be_visible()
    expect(visitor.get_by_text(certificate.name)).to_be_visible()
    assert_accessible(visitor)
