"""In Chromium: the facilitator sees the certificates whose eligibility changed after issue,
reads both figures, and keeps one as issued; the page passes axe-core."""

import pytest
from playwright.sync_api import Page, expect

from certificates import issuing
from cohorts.models import Role
from tests.browser import assert_accessible
from tests.certificates.year import mark, past_sessions, ready_people
from tests.factories import CohortFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_facilitator_keeps_a_certificate_whose_figures_changed(live_server, page, make_member):
    cohort = CohortFactory(name="Learning Circle 2033")
    facilitator = make_member(cohort, Role.FACILITATOR)
    ana, ben = ready_people(cohort, by=facilitator, make_member=make_member, count=2)
    for person in (ana, ben):
        issuing.certificate_for(cohort=cohort, person=person, batch=None, by=facilitator)
    events = past_sessions(cohort, 2, start_days_ago=200)
    mark(events, ana, "absent", by=facilitator)
    mark(events, ben, "present", by=facilitator)

    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/certificates/")
    sign_in(page, facilitator.email)
    changed = page.get_by_role("table", name="Certificates whose eligibility changed")
    expect(changed.get_by_role("row")).to_have_count(3)  # the head and two certificates
    expect(changed).to_contain_text("4 of 6 monthly sessions (needs 5)")
    expect(changed).to_contain_text("No longer eligible")
    assert_accessible(page)

    page.get_by_role("button", name=f"Keep the certificate of {ben.display_name} as issued").click()

    expect(
        page.get_by_text(f"The certificate of {ben.display_name} is kept as issued.")
    ).to_be_visible()
    expect(changed.get_by_role("row")).to_have_count(2)
    expect(changed).not_to_contain_text("Still eligible")
