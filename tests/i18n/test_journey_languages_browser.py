"""The nominator's journey in Arabic and in Chinese, in Chromium: the call, the form, a draft,
the submission and the mails it sends, with no English phrase of ours on the way.

It runs for each of these languages whose catalogue is in locale/ (and is skipped until it
is): with no catalogue, English is what a page rightly shows.
"""

import pytest
from django.conf import settings as django_settings
from django.utils.translation import to_locale
from playwright.sync_api import expect

from metlib.models import Email
from nominations.models import Nomination
from scripts.translations import catalogue_languages

from ..accessibility.test_every_page import _session_cookie
from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory
from .english import english_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [
    pytest.param(
        code,
        marks=pytest.mark.skipif(
            to_locale(code) not in catalogue_languages(), reason=f"no {code} catalogue yet"
        ),
    )
    for code in ("ar", "zh-hans")
]
TEXT = {
    "nominator_name": "Ελένη Παπαδοπούλου",
    "nominator_role": "Διευθύντρια",
    "candidate_name": "Søren Østergård",
    "candidate_job_title": "Filialchef",
    "candidate_email": "soren.ostergard@library.example",
    "candidate_bio": "Søren Østergård, 14 filialer.",
    "motivation": "Østergård — 2027.",
    "project_title": "Fjorten filialer",
    "project_description": "Fjorten filialer, 2027.",
}


def _no_english(where: str, text: str) -> None:
    found = english_in(text)
    assert not found, f"{where}: English of ours left: {found[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_nominators_journey_has_no_english_of_ours(live_server, browser, cohort, language):
    ThemeFactory(cohort=cohort, name="Mobilité urbaine")
    # The call written in the nominator's language only (its texts are the cohort's, not ours).
    suffix = language.replace("-", "_")
    texts = ("introduction", "eligibility", "requirements", "conference", "stipends")
    cohort.main_language = language
    cohort.save()
    CallFactory(
        cohort=cohort,
        **{name: "" for name in texts},
        **{f"{name}_{suffix}": f"Πρόγραμμα {number}" for number, name in enumerate(texts)},
    )
    library = LibraryFactory(name="Oodi", city="Helsinki", country="FI", city_population=650_000)
    nominator = UserFactory(email="eleni@library.example", language=language)
    context = browser.new_context()
    cookies = (
        {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language},
        _session_cookie(nominator),
    )
    context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calls/{cohort.slug}/")
        assert page.evaluate("document.documentElement.lang") == language
        _no_english("the call", page.inner_text("body"))

        page.locator(f'a[href$="/calls/{cohort.slug}/nominate/"]').first.click()
        page.locator("[name=nominator_name]").wait_for()
        _no_english("the form", page.inner_text("body"))
        for name, value in TEXT.items():
            page.locator(f"[name={name}]").fill(value)
        page.locator("[name=library]").select_option(str(library.pk))
        page.locator("[name=project_kind]").select_option("branch_development")
        page.locator("[name=themes]").first.check()
        page.locator("[name=travel_support]").select_option("partly")
        # Not asked: the call's stipend rule gives a Helsinki library's nominee none.
        expect(page.locator("[name=stipend_conditional]")).to_be_hidden()
        for name in ("commits_working_hours", "commits_whole_year", "commits_language"):
            page.locator(f"[name={name}]").check()

        page.locator("button[name=save]").click()
        expect(page.get_by_role("status")).to_be_visible()
        _no_english("the saved draft", page.inner_text("body"))
        assert Nomination.objects.get().status == Nomination.Status.DRAFT

        page.locator("button[name=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Søren Østergård")
        _no_english("the submitted nomination", page.inner_text("body"))
        assert Nomination.objects.get().status == Nomination.Status.SUBMITTED
    finally:
        context.close()

    receipt = Email.objects.get(to=nominator.email, key__endswith=":receipt")
    _no_english("the receipt's subject", receipt.subject)
    _no_english("the receipt", receipt.body_text)
    _no_english("the receipt (HTML)", receipt.body_html)
