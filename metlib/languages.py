"""Which languages are offered: those in ``settings.LANGUAGES`` (English and each language
whose catalogue is in locale/, see the settings)."""

from django.conf import settings


def is_offered(language: str | None) -> bool:
    """True when ``language`` (a code such as ``fr`` or ``zh-hans``) is offered now."""
    return any(language == code for code, _name in settings.LANGUAGES)
