"""Which languages are offered: those in ``settings.LANGUAGES`` (English and each language
whose catalogue is in locale/, see the settings)."""

from typing import Any

from django.conf import settings


def is_offered(language: str | None) -> bool:
    """True when ``language`` (a code such as ``fr`` or ``zh-hans``) is offered now."""
    return any(language == code for code, _name in settings.LANGUAGES)


def language_of(person: Any) -> str:
    """The language to write to ``person`` in (pages they do not request, mails, their
    calendar): their profile's while it is offered, else the site's. Never a language without
    a whole catalogue, whose dates and Django's words would be in it and ours in English."""
    language = getattr(person, "language", None)
    return language if is_offered(language) else settings.LANGUAGE_CODE
