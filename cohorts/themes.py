"""A cohort's themes as its facilitator writes them on the call: the names in the cohort's main
language, one per line in their order, and each name in the other languages the call is given in.

A theme that nominations or sessions already use is never removed from under them: the list
that would remove it is refused, naming it (its spelling may still change).
"""

from collections.abc import Mapping, Sequence

from django.db import transaction
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .models import Cohort, Theme

MAX_THEMES = 30


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def theme_in_use(theme: Theme) -> bool:
    """Whether anything refers to ``theme`` (a nomination chose it, a session is on it …):
    asked of every relation Django knows, so the apps above need not be named here."""
    for relation in theme._meta.related_objects:
        if getattr(theme, relation.get_accessor_name()).exists():
            return True
    return False


def themes_kept_in_use(*, cohort: Cohort, names: Sequence[str]) -> list[Theme]:
    """The cohort's themes that ``names`` leaves out but something still uses."""
    wanted = {_key(name) for name in names}
    dropped = [theme for theme in cohort.themes.all() if _key(theme.name) not in wanted]
    return [theme for theme in dropped if theme_in_use(theme)]


@transaction.atomic
def set_themes(*, cohort: Cohort, names: Sequence[str]) -> None:
    """Make the cohort's themes ``names``, in that order: a name already there (whatever its
    case and spacing) keeps its theme, translations and uses; new ones are added, unused
    missing ones removed. Check :func:`themes_kept_in_use` first; a used theme is kept."""
    existing = {_key(theme.name): theme for theme in cohort.themes.select_for_update()}
    kept = set()
    for position, name in enumerate(names):
        theme = existing.get(_key(name))
        if theme is None:
            theme = Theme.objects.create(cohort=cohort, name=name, position=position)
        elif (theme.name, theme.position) != (name, position):
            Theme.objects.filter(pk=theme.pk).update(name=name, position=position)
        kept.add(theme.pk)
    for theme in existing.values():
        if theme.pk not in kept and not theme_in_use(theme):
            theme.delete()


def set_theme_translations(*, cohort: Cohort, language: str, names: Mapping[int, str]) -> None:
    """The names of the cohort's themes (by id) in ``language``; "" clears one."""
    column = build_localized_fieldname("translated_name", language)
    for theme in cohort.themes.filter(pk__in=list(names)):
        Theme.objects.filter(pk=theme.pk).update(**{column: names[theme.pk].strip() or None})


def theme_translation(theme: Theme, language: str) -> str:
    """The name of ``theme`` given in ``language``, "" when it is not."""
    return getattr(theme, build_localized_fieldname("translated_name", language)) or ""


def _translation_columns() -> list[str]:
    return [build_localized_fieldname("translated_name", code) for code in AVAILABLE_LANGUAGES]


def copy_themes(*, source: Cohort, to: Cohort) -> None:
    """Give ``to`` the themes of ``source``, in their order and in every language given."""
    columns = _translation_columns()
    Theme.objects.bulk_create(
        Theme(
            cohort=to,
            name=theme.name,
            position=theme.position,
            **{column: getattr(theme, column) for column in columns},
        )
        for theme in source.themes.all()
    )
