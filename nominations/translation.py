"""The call's texts in several languages (django-modeltranslation): a column per planned
language beside each text, e.g. ``introduction_fr``. :mod:`nominations.call_texts` chooses
which one a visitor reads."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call

CALL_TEXTS = (
    "introduction",
    "programme",
    "eligibility",
    "requirements",
    "conference",
    "stipends",
    "selection",
    "timeline",
)


@register(Call)
class CallTranslationOptions(TranslationOptions):
    fields = CALL_TEXTS
