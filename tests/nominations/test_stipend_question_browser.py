"""The nomination form's stipend question in Chromium: asked only when the chosen library (or
the country of a library being added) may receive a stipend under the call's rule."""

import pytest
from playwright.sync_api import expect

from ..browser import assert_accessible
from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture
def desk(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_stipend_question_hides_for_a_library_the_rule_gives_no_stipend(
    live_server, desk, cohort
):
    ThemeFactory(cohort=cohort)
    CallFactory(cohort=cohort)
    oodi = LibraryFactory(name="Oodi", city="Helsinki", country="FI", city_population=1_200_000)
    kibera = LibraryFactory(
        name="Kibera Library", city="Nairobi", country="KE", city_population=4_400_000
    )
    nominator = UserFactory(email="director@library.example")
    page = desk
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email:", exact=True).fill(nominator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/calls/{cohort.slug}/nominate/")
    question = page.get_by_label("conditional on a travel stipend")
    reason = page.get_by_label("Why a stipend is needed")
    expect(question).to_be_visible()  # no library chosen yet

    page.get_by_label("Choose your library").select_option(
        label=f"{oodi.name} — {oodi.city}, Finland"
    )
    expect(question).to_be_hidden()
    expect(reason).to_be_hidden()
    assert_accessible(page)

    page.get_by_label("Choose your library").select_option(
        label=f"{kibera.name} — {kibera.city}, Kenya"
    )
    expect(question).to_be_visible()
    question.select_option(label="Yes")
    expect(reason).to_be_visible()

    # A library being added: its country decides.
    page.get_by_label("Choose your library").select_option(label="My library is not in the list")
    page.get_by_label("Country:", exact=True).select_option(label="Sweden")
    expect(question).to_be_hidden()
    assert question.input_value() == ""  # hidden, it is left unanswered
    page.get_by_label("Country:", exact=True).select_option(label="Ghana")
    expect(question).to_be_visible()
