"""The roster in Chromium with axe-core: a participant writes their biography (with the live
counter), finds themselves and a colleague on the roster, prints it without the site's chrome,
and a facilitator searches the library directory."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cohorts.models import Role

from ..browser import assert_accessible
from ..factories import LibraryFactory, MembershipFactory, NominationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_participant_writes_biography_reads_and_prints_roster(live_server, page, cohort):
    for country, name in (("BR", "Ana Silva"), ("KE", "Wanjiru Kamau")):
        library = LibraryFactory(country=country, name=f"Library of {name}")
        user = UserFactory(display_name=name, email=f"{name.split()[0].lower()}@lib.example")
        NominationFactory(
            cohort=cohort, library=library, candidate_email=user.email, status="accepted"
        )
        MembershipFactory(user=user, cohort=cohort, role=Role.PARTICIPANT, library=library)

    sign_in(page, live_server.url + reverse("profile"), "ana@lib.example")
    expect(page.get_by_role("heading", name="Your profile", level=1)).to_be_visible()
    biography = page.get_by_label("Short biography")
    biography.fill("I run the maker spaces of twelve branches.")
    expect(page.get_by_text("42 / 1000")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    page.goto(live_server.url + reverse("circle:roster", kwargs={"cohort_slug": cohort.slug}))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roster")
    expect(page.get_by_text("I run the maker spaces of twelve branches.")).to_be_visible()
    expect(page.get_by_role("img", name="Participants by continent and country")).to_be_visible()
    expect(page.get_by_text("wanjiru@lib.example")).to_have_count(0)
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("img", name="Participants by continent and country")).to_be_hidden()
    expect(page.get_by_role("link", name="Wanjiru Kamau")).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Wanjiru Kamau").click()
    expect(page.get_by_role("heading", name="Wanjiru Kamau", level=1)).to_be_visible()
    assert_accessible(page)


def test_facilitator_searches_the_directory(live_server, page, cohort, make_member):
    make_member(cohort, Role.FACILITATOR, email="fac@metlib.example")
    LibraryFactory(name="Oodi Central", city="Helsinki", country="FI")
    LibraryFactory(name="Gate Library", city="Nairobi", country="KE")
    sign_in(page, live_server.url + reverse("circle:libraries"), "fac@metlib.example")
    page.get_by_label("Search by library name, city or country").fill("Kenya")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Gate Library")).to_be_visible()
    expect(page.get_by_role("link", name="Oodi Central")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Gate Library").click()
    expect(page.get_by_role("heading", name="Gate Library", level=1)).to_be_visible()
    assert_accessible(page)
