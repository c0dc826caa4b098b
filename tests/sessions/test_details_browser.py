"""The facilitator's details and reminders pages in Chromium, with axe-core: a guest speaker
and a reading added, a rejected upload explained beside its field, reminders chosen."""

import pytest
from playwright.sync_api import Page, expect

from cohorts.models import Role
from sessions.models import CalendarSettings, GuestSpeaker

from ..browser import assert_accessible
from ..factories import CohortFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_facilitator_edits_details_and_reminders(live_server, page, make_member, tmp_path):
    cohort = CohortFactory(name="Learning Circle 2031")
    make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    event = EventFactory(cohort=cohort, title="Open data")

    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/calendar/{event.pk}/details/")
    sign_in(page, "facilitator@metlib.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Details of “Open data”")
    assert_accessible(page)

    page.locator("#id_speakers-0-name").fill("Ana Ruiz")
    page.locator("#id_speakers-0-affiliation").fill("Barcelona Libraries")
    page.locator("#id_preparation-0-title").fill("The charter")
    fake = tmp_path / "charter.pdf"
    fake.write_bytes(b"<html><body>not a PDF</body></html>")
    page.locator("#id_preparation-0-file").set_input_files(str(fake))
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator("#id_preparation-0-file_error")).to_contain_text("PDF, DOCX, PNG, JPEG")
    expect(page.locator("#id_speakers-0-name")).to_have_value("Ana Ruiz")
    assert_accessible(page)

    page.locator("#id_preparation-0-url").fill("https://example.org/charter")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("is saved")).to_be_visible()
    assert GuestSpeaker.objects.get(event=event).name == "Ana Ruiz"

    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/calendar/reminders/")
    assert_accessible(page)
    page.get_by_label("Reminder 1: how long before").fill("3")
    page.get_by_label("Reminder 2: how long before").fill("2")
    page.get_by_label("Reminder 2: unit").select_option("hours")
    page.get_by_role("button", name="Save the reminders").click()
    expect(page.get_by_text("The reminders are saved.")).to_be_visible()
    assert CalendarSettings.objects.get(cohort=cohort).reminder_offsets == [3 * 24 * 60, 120]
