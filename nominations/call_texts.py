"""Which language a visitor reads a call in: their own when the call is given in it, else the
cohort's main language. The texts live in one column per language (nominations/translation.py)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language_info
from modeltranslation.utils import build_localized_fieldname

from .models import Call
from .translation import CALL_TEXTS

PLANNED = tuple(code for code, _name in settings.PLANNED_LANGUAGES)


@dataclass(frozen=True)
class Text:
    text: str
    language: str  # the language it is written in

    @property
    def direction(self) -> str:
        return "rtl" if get_language_info(self.language)["bidi"] else "ltr"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: "Français", "العربيّة"


@dataclass(frozen=True)
class CallTexts:
    language: str  # the language the call is shown in
    languages: list[Language]  # every language the call is given in, the main one first
    texts: dict[str, Text]  # by field name: "introduction", "eligibility" …


def given(call: Call, name: str, language: str) -> str:
    """The text ``name`` of ``call`` in ``language``, "" when it is not given in it."""
    return (getattr(call, build_localized_fieldname(name, language)) or "").strip()


def call_languages(*, call: Call) -> list[str]:
    """The planned languages the call is given in (its introduction written), the cohort's
    main language first."""
    codes = [code for code in PLANNED if given(call, "introduction", code)]
    return sorted(codes, key=lambda code: code != call.cohort.main_language)


def call_texts(*, call: Call, language: str) -> CallTexts:
    """The call's texts for a reader of ``language``: in it when the call is given in it, else
    in the cohort's main language; a text left empty in the chosen language is the main one's."""
    codes = call_languages(call=call)
    shown = language if language in codes else call.cohort.main_language
    texts = {}
    for name in CALL_TEXTS:
        texts[name] = next(
            (
                Text(given(call, name, code), code)
                for code in (shown, call.cohort.main_language)
                if given(call, name, code)
            ),
            Text("", shown),
        )
    languages = [Language(code, get_language_info(code)["name_local"]) for code in codes]
    return CallTexts(language=shown, languages=languages, texts=texts)
