"""A cohort's themes as the facilitator writes them: a list in the main language whose used
themes cannot disappear, and each theme's name in the other languages, read in the reader's
language when given, else in the main one."""

import pytest
from django.utils import translation

from cohorts.models import Theme
from cohorts.themes import (
    copy_themes,
    set_theme_translations,
    set_themes,
    theme_translation,
    themes_kept_in_use,
)

from ..factories import CohortFactory, NominationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def names(cohort) -> list[str]:
    return list(cohort.themes.order_by("position").values_list("name", flat=True))


def test_set_themes_orders_adds_renames_and_removes_unused(cohort):
    mobility = ThemeFactory(cohort=cohort, name="Urban mobility")
    ThemeFactory(cohort=cohort, name="Unused")
    set_themes(cohort=cohort, names=["Equity", "Urban Mobility"])
    assert names(cohort) == ["Equity", "Urban Mobility"]
    assert cohort.themes.get(name="Urban Mobility").pk == mobility.pk  # same theme, new spelling


def test_a_theme_nominations_chose_is_never_removed(cohort):
    used = ThemeFactory(cohort=cohort, name="Civic Engagement")
    NominationFactory(cohort=cohort, themes=[used])
    assert themes_kept_in_use(cohort=cohort, names=["Equity"]) == [used]
    set_themes(cohort=cohort, names=["Equity"])
    assert Theme.objects.filter(pk=used.pk).exists()


def test_label_is_the_readers_language_when_given_else_the_main_one(cohort):
    theme = ThemeFactory(cohort=cohort, name="Urban Mobility")
    set_theme_translations(cohort=cohort, language="fr", names={theme.pk: "Mobilité urbaine"})
    theme.refresh_from_db()
    with translation.override("fr"):
        assert str(theme) == theme.label == "Mobilité urbaine"
    with translation.override("de"):
        assert theme.label == "Urban Mobility"
    assert theme_translation(theme, "fr") == "Mobilité urbaine"
    set_theme_translations(cohort=cohort, language="fr", names={theme.pk: " "})
    theme.refresh_from_db()
    assert theme_translation(theme, "fr") == ""


def test_translations_of_another_cohorts_theme_are_not_written(cohort):
    other = ThemeFactory(name="Elsewhere")
    set_theme_translations(cohort=cohort, language="fr", names={other.pk: "Ailleurs"})
    other.refresh_from_db()
    assert theme_translation(other, "fr") == ""


def test_copy_themes_carries_order_and_every_language(cohort):
    theme = ThemeFactory(cohort=cohort, name="Urban Mobility", position=3)
    set_theme_translations(cohort=cohort, language="ar", names={theme.pk: "التنقل الحضري"})
    later = CohortFactory()
    copy_themes(source=cohort, to=later)
    copied = later.themes.get()
    assert (copied.name, copied.position) == ("Urban Mobility", 3)
    assert theme_translation(copied, "ar") == "التنقل الحضري"
