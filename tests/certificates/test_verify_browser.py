"""The public verification pages in Chromium, with axe-core: a visitor types a bad code, sees
the message beside the field with what they typed kept, then a good one and its page."""

import pytest
from playwright.sync_api import Page, expect

from ..browser import assert_accessible
from ..factories import CertificateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_verifies_a_certificate_by_typing_its_code(page: Page, live_server):
    certificate = CertificateFactory(name="Çağrı Öztürk")

    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", name="Verify a certificate", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Verification code").fill("not-the-right-code-at-all")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("No certificate has this code.")).to_be_visible()
    expect(page.get_by_label("Verification code")).to_have_value("not-the-right-code-at-all")
    assert_accessible(page)

    page.get_by_label("Verification code").fill(certificate.code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Certificate verification", level=1)).to_be_visible()
    expect(page.get_by_text("This certificate is genuine and valid.")).to_be_visible()
    expect(page.get_by_text("Çağrı Öztürk")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/verify/{'Z' * 32}/")
    expect(page.get_by_role("heading", name="Certificate not found", level=1)).to_be_visible()
    assert_accessible(page)
