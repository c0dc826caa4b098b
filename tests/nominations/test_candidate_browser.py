"""The candidate opens the link they were mailed, in Chromium, and declines; the nominator's
mail is in the outbox. A wrong link explains itself. axe-core on every page."""

import pytest
from playwright.sync_api import expect

from metlib.models import Email
from nominations import submission
from nominations.models import Nomination

from ..browser import assert_accessible
from ..factories import CallFactory, NominationFactory, UserFactory
from .nominating import CONFIRM_LINK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOMINATOR = "eleni.papadopoulou@library.example"
CANDIDATE = "soren.ostergard@library.example"


def test_candidate_declines_from_the_mailed_link(live_server, page, cohort):
    CallFactory(cohort=cohort, contact_name="Circle team", contact_email="circle@ifla.example")
    nominator = UserFactory(email=NOMINATOR)
    nomination = NominationFactory(
        cohort=cohort,
        nominator=nominator,
        nominator_name="Ελένη Παπαδοπούλου",
        candidate_name="Søren Østergård",
        candidate_email=CANDIDATE,
        project_title="Fjorten filialer",
    )
    submission.submit_nomination(nomination=nomination, by=nominator)
    request = Email.objects.get(to=CANDIDATE)
    path = CONFIRM_LINK.search(request.body_text).group(1)

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Confirm your nomination", level=1)).to_be_visible()
    expect(page.get_by_text("Fjorten filialer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Decline the nomination").click()

    expect(
        page.get_by_role("heading", name="You have declined the nomination", level=1)
    ).to_be_visible()
    expect(page.get_by_text("We have told Ελένη Παπαδοπούλου.")).to_be_visible()
    expect(page.get_by_role("link", name="Circle team")).to_have_attribute(
        "href", "mailto:circle@ifla.example"
    )
    assert_accessible(page)
    nomination.refresh_from_db()
    assert nomination.candidate_declined_at is not None
    (told,) = Email.objects.filter(to=NOMINATOR, key__endswith=":declined")
    assert told.subject == "Søren Østergård has declined the nomination for " + cohort.name
    assert told.status == Email.Status.SENT

    # The link opened again says what happened; a wrong one says what to check.
    page.reload()
    expect(
        page.get_by_role("heading", name="You have declined the nomination", level=1)
    ).to_be_visible()
    assert Email.objects.filter(to=NOMINATOR, key__endswith=":declined").count() == 1
    response = page.goto(f"{live_server.url}{path[:-5]}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="This link does not work", level=1)).to_be_visible()
    assert_accessible(page)
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED
