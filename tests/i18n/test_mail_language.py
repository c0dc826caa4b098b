"""Each mail is written in its recipient's language, its dates too; a language that is not
offered (its catalogue incomplete) gives the site's language, words and dates alike."""

import datetime as dt
from types import SimpleNamespace

import pytest

from metlib.languages import language_of
from metlib.outbox import render_email

RUNS = "The programme runs from %(start)s to %(end)s."


@pytest.fixture
def acceptance():
    cohort = SimpleNamespace(
        name="Learning Circle 2024",
        programme_start=dt.date(2024, 4, 1),
        programme_end=dt.date(2025, 3, 31),
    )
    nomination = SimpleNamespace(
        candidate_name="Aino Virtanen", nominator_name="Ana Silva", candidate_email="a@example.org"
    )
    return {
        "cohort": cohort,
        "nomination": nomination,
        "decision": SimpleNamespace(stipend_awarded=False),
        "promoted": False,
        "to_candidate": False,
    }


def test_mail_words_and_dates_are_in_the_recipients_language(acceptance, french):
    french({RUNS: "Le programme se déroule du %(start)s au %(end)s."})
    mail = render_email(template="selection-accepted", context=acceptance, language="fr")
    assert "Le programme se déroule du 1 avril 2024 au 31 mars 2025." in mail.text
    assert '<html lang="fr">' in mail.html


def test_mail_in_a_language_not_offered_is_wholly_in_the_sites(acceptance, settings):
    settings.LANGUAGES = [("en", "English")]  # Spanish's catalogue is not there yet
    mail = render_email(template="selection-accepted", context=acceptance, language="es")
    assert "The programme runs from April 1, 2024 to March 31, 2025." in mail.text
    assert "abril" not in mail.text


def test_html_mail_in_arabic_is_right_to_left(acceptance, french):
    french({})
    mail = render_email(template="selection-accepted", context=acceptance, language="ar")
    assert '<html lang="ar" dir="rtl">' in mail.html


def test_language_of_a_person_is_their_profiles_while_offered(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    assert language_of(SimpleNamespace(language="fr")) == "fr"
    assert language_of(SimpleNamespace(language="ru")) == "en"
    assert language_of(None) == "en"
