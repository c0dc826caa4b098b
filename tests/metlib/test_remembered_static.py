"""``{% load static %}`` loads our library: the same URLs as Django's, each worked out once."""

import pytest
from django.template import Context, Template, engines
from django.templatetags.static import static
from django.test import override_settings
from django.utils.html import conditional_escape

from metlib.templatetags.remembered_static import _url

SOURCE = (
    "{% load static %}{% static 'css/site.css' %}|{% static path %}|"
    "{% static 'js/timezone.js' as script %}[{{ script }}]|{% get_static_prefix %}"
)


def _djangos(source: str, context: dict) -> str:
    """The same text through an engine that has Django's own ``static`` library."""
    djangos = engines["django"].engine.__class__(
        libraries={"static": "django.templatetags.static"}, builtins=[]
    )
    return djangos.from_string(source).render(Context(context))


@pytest.mark.parametrize("path", ["favicon.svg", "css/dashboard.css", "a b&c.css"])
def test_static_gives_djangos_urls(path):
    ours = Template(SOURCE).render(Context({"path": path}))
    assert ours == _djangos(SOURCE, {"path": path})
    assert ours.split("|")[1] == conditional_escape(static(path))


def test_static_urls_are_worked_out_once_per_path():
    _url.cache_clear()
    template = Template("{% load static %}{% static 'css/site.css' %}")
    for _ in range(3):
        template.render(Context())
    assert _url.cache_info().misses == 1
    assert _url.cache_info().hits == 2


def test_static_urls_follow_the_settings():
    template = Template("{% load static %}{% static 'css/site.css' %}")
    before = template.render(Context())
    with override_settings(STATIC_URL="/elsewhere/"):
        assert template.render(Context()).startswith("/elsewhere/")
    assert template.render(Context()) == before
