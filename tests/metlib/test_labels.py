"""Labels remembered per language give what reading them afresh gives, in every language."""

import pytest
from django.test import override_settings
from django.utils import translation
from django_countries import countries

from cohorts.models import Role
from metlib.labels import _choice_labels, _country_name, choice_labels, country_name
from nominations.models import Nomination


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans"])
def test_choice_labels_are_the_labels_in_the_active_language(language):
    with translation.override(language):
        expected = {member.value: str(member.label) for member in Nomination.Status}
        assert dict(choice_labels(Nomination.Status)) == expected
        assert list(choice_labels(Role)) == Role.values  # the declared order


def test_choice_labels_follow_the_language_switched_to():
    with translation.override("fr"):
        french = choice_labels(Nomination.Status)[Nomination.Status.SUBMITTED]
    with translation.override("en"):
        english = choice_labels(Nomination.Status)[Nomination.Status.SUBMITTED]
    assert english == "Submitted"
    assert french != english


def test_choice_labels_cannot_be_changed_by_a_caller():
    with pytest.raises(TypeError):
        choice_labels(Role)[Role.MENTOR] = "x"  # type: ignore[index]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_country_name_is_django_countries_name_in_the_active_language(language):
    with translation.override(language):
        for code in ("FI", "BR", "ZA", "SG"):
            assert country_name(code) == str(countries.name(code))
    assert country_name("") == ""


def test_remembered_labels_are_forgotten_when_settings_change():
    with translation.override("en"):
        country_name("FI")
        choice_labels(Role)
    assert _country_name.cache_info().currsize
    assert _choice_labels.cache_info().currsize
    with override_settings(LANGUAGE_CODE="fr"):
        assert _country_name.cache_info().currsize == 0
        assert _choice_labels.cache_info().currsize == 0
