"""Django's ``static`` template library, with each file's URL remembered.

Installed under the label ``static`` (``TEMPLATES[...]["OPTIONS"]["libraries"]``), so every
template's ``{% load static %}`` loads it. Everything but the ``static`` tag is Django's own.

Every page links the same few files (the style sheet, the favicon, the time-zone script) and
each ``{% static %}`` asks whether the staticfiles app is installed and has the storage look
the file's hashed name up again. A file's URL depends only on its path and the settings (the
manifest is read once, when the storage starts), so it is worked out once per path; the
memory is dropped when settings change (tests).
"""

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static

register = template.Library()
register.tags.update(static.register.tags)
register.filters.update(static.register.filters)


class StaticNode(static.StaticNode):
    @classmethod
    def handle_simple(cls, path: str) -> str:
        return _url(path)


@lru_cache(maxsize=1024)
def _url(path: str) -> str:
    return static.StaticNode.handle_simple(path)


@receiver(setting_changed)
def _forget_urls(**_kwargs: Any) -> None:
    _url.cache_clear()


@register.tag("static")
def do_static(parser: template.base.Parser, token: template.base.Token) -> StaticNode:
    """``{% static "path" %}`` or ``{% static "path" as name %}``, as Django's."""
    return StaticNode.handle_token(parser, token)
