"""A newcomer signs up with only an email address, confirms by code, and sets a time zone."""

import re

import pytest

from metlib.models import Email, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def latest_code(to: str) -> str:
    body = Email.objects.filter(to=to).latest("created_at").body_text
    return re.search(r"^\s*([A-Z]{4}-[A-Z]{4})\s*$", body, re.MULTILINE).group(1)


def test_signup_by_email_code_then_profile(live_server, page, cohort):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("ana.silva@library.example")
    page.get_by_role("button", name="Sign Up").click()

    page.get_by_label("Code").wait_for()
    page.get_by_label("Code").fill(latest_code("ana.silva@library.example"))
    page.get_by_role("button", name="Confirm").click()

    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_label("Display name").fill("Ana Silva")
    page.get_by_label("Time zone").fill("America/Sao_Paulo")
    page.get_by_role("button", name="Save").click()

    assert page.get_by_role("status").inner_text().strip() == "Your profile is saved."
    page.goto(live_server.url)
    assert "Welcome, Ana Silva" in page.get_by_role("heading", level=1).inner_text()
    assert "America/Sao_Paulo" in page.content()
    user = User.objects.get(email="ana.silva@library.example")
    assert user.time_zone == "America/Sao_Paulo"
    assert not user.has_usable_password()
