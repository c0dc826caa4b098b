"""Theme names in several languages (django-modeltranslation): ``translated_name_fr`` and so on
beside the theme's ``name`` in the cohort's main language. Without fallbacks: a language the
name is not given in reads "", and :attr:`Theme.label` shows the main language's instead.
The call's own texts are registered in nominations/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from .models import Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("translated_name",)
    fallback_languages = {"default": ()}
