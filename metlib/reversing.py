"""``reverse`` that remembers: the same name and arguments give the same URL while the URL
patterns, the script prefix and the current app are the same, which they are for the life of
a process. Django's walks the patterns on every call (40 to 100 µs here), and a page reverses
about twenty (the layout's menu, a cohort's links): a millisecond of each signed-in page.

Templates get it through the ``{% url %}`` tag of :mod:`metlib.templatetags.urls`, a builtin
of the template engine that takes the place of Django's tag of that name.
"""

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

_REMEMBERED = (str, int)


@lru_cache(maxsize=4096)
def _reversed(
    urlconf: str,
    prefix: str,
    viewname: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
) -> str:
    # ``prefix`` is in the key only: reverse() reads the same one from the thread.
    return django_reverse(
        viewname,
        urlconf=urlconf,
        args=args or None,
        kwargs=dict(kwargs) or None,
        current_app=current_app,
    )


def reverse(
    viewname: Any,
    *,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """Django's ``reverse`` for names with plain text or integer arguments, remembered;
    anything else (a view function, other argument types) is reversed afresh."""
    args = tuple(args or ())
    items = tuple(sorted((kwargs or {}).items()))
    if not (
        isinstance(viewname, str)
        and all(type(value) in _REMEMBERED for value in args)
        and all(type(value) in _REMEMBERED for _key, value in items)
        and (current_app is None or isinstance(current_app, str))
    ):
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if not isinstance(urlconf, str):  # a module given itself: nothing to key it on
        return django_reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _reversed(urlconf, get_script_prefix(), viewname, args, items, current_app)


@receiver(setting_changed)
def forget_reversed(*, setting: str = "", **_kwargs: Any) -> None:
    """Forget every URL when the patterns may have changed (tests that override settings)."""
    if setting in ("", "ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reversed.cache_clear()
