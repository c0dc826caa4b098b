"""A call's texts in several languages: the visitor reads their own when the call is given in
it, else the call's main language, and the page says which languages there are; facilitators
write each language's texts on the call editor (``?language=``)."""

import pytest
from django.urls import reverse

from nominations.models import Call

from ..factories import CallFactory, NominationFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = "A year of learning together, for library leaders."
FRENCH = "Une année pour apprendre ensemble, pour les directions de bibliothèques."


@pytest.fixture(autouse=True)
def _every_language_offered(settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES


@pytest.fixture
def call(cohort):
    return CallFactory(
        cohort=cohort,
        introduction_en=ENGLISH,
        introduction_fr=FRENCH,
        conference_en="The conference is in Barcelona.",
    )


def call_page(client, cohort, language="en", **query):
    url = reverse("nominations:call", args=[cohort.slug])
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_visitor_reads_the_call_in_their_language_when_given(client, cohort, call):
    page = call_page(client, cohort, "fr")
    assert FRENCH in page
    assert ENGLISH not in page
    assert '<div class="call-text" lang="fr" dir="ltr">' in page


def test_a_text_not_given_in_the_visitors_language_is_the_main_languages(client, cohort, call):
    page = call_page(client, cohort, "fr")
    assert '<div class="call-text" lang="en" dir="ltr"><p>The conference is in Barcelona.' in page


def test_visitor_whose_language_is_not_given_reads_the_main_language(client, cohort, call):
    page = call_page(client, cohort, "de")
    assert ENGLISH in page
    assert FRENCH not in page


def test_call_page_names_its_languages_and_shows_the_one_asked_for(client, cohort, call):
    page = call_page(client, cohort, "en", lang="fr")
    assert FRENCH in page
    assert '<a href="?lang=en" lang="en" hreflang="en">English</a>' in page
    assert '<a href="?lang=fr" lang="fr" hreflang="fr" aria-current="true">français</a>' in page


def test_call_in_one_language_lists_no_languages(client, cohort):
    CallFactory(cohort=cohort)
    assert "?lang=" not in call_page(client, cohort)


def test_call_in_arabic_is_right_to_left_inside_an_english_page(client, cohort):
    cohort.main_language = "ar"
    cohort.save()
    CallFactory(cohort=cohort, introduction_en="", introduction_ar="برنامج")
    page = call_page(client, cohort, "en")
    assert '<div class="call-text" lang="ar" dir="rtl"><p>برنامج</p></div>' in page


MAIN_FORM = {
    "introduction": ENGLISH,
    "eligibility": "Someone in charge of a project.",
    "requirements": "Working hours.",
    "min_city_population": "400000",
    "nominations_per_library": "1",
    "working_language": "English",
    "nominations_open_at": "2025-01-15T09:00",
    "nominations_deadline": "2025-03-31T23:59",
    "announcement_date": "2025-04-15",
}


def edit_url(cohort, language=None):
    url = reverse("nominations:call_edit", kwargs={"cohort_slug": cohort.slug})
    return f"{url}?language={language}" if language else url


def test_editor_writes_another_languages_texts_and_leaves_the_rest(
    client, cohort, facilitator, call
):
    client.force_login(facilitator)
    page = client.get(edit_url(cohort, "es")).content.decode()
    assert 'lang="es"' in page
    assert "min_city_population" not in page  # the rules are the main language's form
    data = {
        "introduction": "Un año para aprender juntos.",
        "nominations_open_at": "2025-01-15T09:00",
        "nominations_deadline": "2025-03-31T23:59",
        "announcement_date": "2025-04-15",
    }
    response = client.post(edit_url(cohort, "es"), data)
    assert response.status_code == 302
    assert response["Location"] == edit_url(cohort, "es")
    call = Call.objects.get(pk=call.pk)
    assert call.introduction_es == "Un año para aprender juntos."
    assert (call.introduction_en, call.introduction_fr) == (ENGLISH, FRENCH)
    assert call.min_city_population == 400_000
    client.logout()  # a visitor reading Spanish
    assert "Un año para aprender juntos." in call_page(client, cohort, "es")


def test_editor_shows_the_texts_of_the_language_asked_for(client, cohort, facilitator, call):
    client.force_login(facilitator)
    assert FRENCH in client.get(edit_url(cohort, "fr")).content.decode()
    main = client.get(edit_url(cohort)).content.decode()
    assert ENGLISH in main
    assert FRENCH not in main


def test_admin_edits_each_text_in_every_language(admin_client, call):
    page = admin_client.get(reverse("admin:nominations_call_change", args=[call.pk]))
    assert page.status_code == 200
    assert 'name="introduction_fr"' in page.content.decode()
    assert 'name="introduction_zh_hans"' in page.content.decode()


def test_editor_sets_the_cohorts_main_language(client, cohort, facilitator, call):
    client.force_login(facilitator)
    data = {**MAIN_FORM, "main_language": "fr"}
    assert client.post(edit_url(cohort), data).status_code == 302
    cohort.refresh_from_db()
    assert cohort.main_language == "fr"
    client.logout()
    assert FRENCH in call_page(client, cohort, "de")  # German not given: French, the main one


def test_editor_writes_the_themes_then_their_names_in_another_language(
    client, cohort, facilitator, call
):
    client.force_login(facilitator)
    themes = "Urban Mobility\n  Equity  and Inclusion \n\n"
    assert client.post(edit_url(cohort), {**MAIN_FORM, "themes": themes}).status_code == 302
    mobility, equity = cohort.themes.order_by("position")
    assert (mobility.name, equity.name) == ("Urban Mobility", "Equity and Inclusion")
    page = client.get(edit_url(cohort, "fr")).content.decode()
    assert f'name="theme_{mobility.pk}"' in page
    assert '<bdi lang="en">Urban Mobility</bdi>' in page  # its own direction in any page
    data = {"introduction": FRENCH, f"theme_{mobility.pk}": "Mobilité urbaine"}
    assert client.post(edit_url(cohort, "fr"), {**MAIN_FORM, **data}).status_code == 302
    client.logout()
    page = call_page(client, cohort, "fr")
    assert "<li>Mobilité urbaine</li>" in page
    assert "<li>Equity and Inclusion</li>" in page  # not given in French: the main name
    assert "<li>Urban Mobility</li>" in call_page(client, cohort, "en")


def test_editor_refuses_to_drop_a_used_theme_and_keeps_what_was_typed(
    client, cohort, facilitator, call
):
    used = cohort.themes.create(name="Civic Engagement", position=1)
    NominationFactory(cohort=cohort, themes=[used])
    client.force_login(facilitator)
    typed = "Equity\nEquity\n" + "x" * 121
    response = client.post(edit_url(cohort), {**MAIN_FORM, "themes": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Civic Engagement” cannot be removed: nominations or sessions use it." in page
    assert "“Equity” is listed twice." in page
    assert "is longer than 120 characters." in page
    assert ">\nEquity\nEquity\nxxx" in page  # the textarea keeps it
    assert list(cohort.themes.values_list("name", flat=True)) == ["Civic Engagement"]


def test_a_form_that_does_not_send_the_themes_leaves_them(client, cohort, facilitator, call):
    cohort.themes.create(name="Civic Engagement", position=1)
    client.force_login(facilitator)
    assert client.post(edit_url(cohort), MAIN_FORM).status_code == 302
    assert cohort.themes.count() == 1


def test_nomination_form_offers_the_themes_in_the_visitors_language(client, cohort, call):
    theme = cohort.themes.create(name="Urban Mobility", position=1, translated_name_fr="Mobilité")
    client.force_login(UserFactory(language="fr"))
    url = reverse("nominations:nominate", args=[cohort.slug])
    page = client.get(url).content.decode()
    assert f'value="{theme.pk}"' in page
    assert "Mobilité" in page
