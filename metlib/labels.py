"""Translated labels that pages show over and over, in the active language, remembered per
language: a choice's label and a country's name depend only on the value and the language,
and reading them afresh costs a lazy string's translation (and, for countries, a pass over
django-countries' tables) every time. Nothing here can go stale while the process runs; the
memory is dropped when settings change (tests)."""

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.core.signals import setting_changed
from django.db.models import Choices
from django.dispatch import receiver
from django.utils.translation import get_language
from django_countries import countries


def choice_labels(choices: type[Choices]) -> Mapping[Any, str]:
    """``choices``' labels by value, in the order the class declares them (read-only)."""
    return _choice_labels(choices, get_language())


def country_name(code: str) -> str:
    """The name of the country ``code`` (ISO 3166-1 alpha-2); "" for no code."""
    return _country_name(code, get_language()) if code else ""


@lru_cache(maxsize=256)
def _choice_labels(choices: type[Choices], language: str | None) -> Mapping[Any, str]:
    # ``language`` is the active one: in the arguments so each language has its own labels.
    return MappingProxyType({member.value: str(member.label) for member in choices})


@lru_cache(maxsize=4096)
def _country_name(code: str, language: str | None) -> str:
    return str(countries.name(code))


@receiver(setting_changed)
def _forget_labels(**_kwargs: Any) -> None:
    """Languages, catalogues or django-countries' names may differ after a setting changes."""
    _choice_labels.cache_clear()
    _country_name.cache_clear()
