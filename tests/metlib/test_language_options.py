"""The footer's language choices: remembered per language, the same markup as Django's tags."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

DJANGOS = Template(
    "{% load i18n %}{% get_current_language as LANGUAGE_CODE %}"
    "{% get_available_languages as LANGUAGES %}"
    "{% get_language_info_list for LANGUAGES as languages %}"
    '{% for language in languages %}<option value="{{ language.code }}"'
    "{% if language.code == LANGUAGE_CODE %} selected{% endif %}>"
    "{{ language.name_local }}</option>{% endfor %}"
)
OURS = Template("{% load metlib %}{% language_options %}")


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans"])
def test_language_options_are_djangos_with_the_active_language_selected(language):
    with translation.override(language):
        ours = OURS.render(Context())
        assert ours == DJANGOS.render(Context())
    assert ours.count(" selected") == 1
    assert f'<option value="{language}" selected>' in ours


def test_language_options_follow_the_offered_languages():
    two = [("en", "English"), ("fr", "French")]
    with override_settings(LANGUAGES=two), translation.override("fr"):
        ours = OURS.render(Context())
    assert ours == (
        '<option value="en">English</option><option value="fr" selected>français</option>'
    )


@pytest.mark.django_db
def test_every_page_offers_each_language_by_its_own_name(client):
    html = client.get("/").content.decode()
    assert '<option value="ar">العربيّة</option>' in html
    assert '<option value="en" selected>English</option>' in html
