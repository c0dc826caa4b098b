import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, set_script_prefix
from django.urls import reverse as django_reverse

from metlib.reversing import reverse


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("circle:dashboard", {"cohort_slug": "metlib-2024"}),
        ("circle:dashboard_retry_mail", {"cohort_slug": "metlib-2024", "email_id": 7}),
        ("nominations:pipeline", {"cohort_slug": "metlib-2024"}),
    ],
)
def test_reverse_gives_what_django_gives(name, kwargs):
    for _ in range(2):  # reversed, then remembered
        assert reverse(name, kwargs=kwargs) == django_reverse(name, kwargs=kwargs)


def test_reverse_follows_the_script_prefix():
    try:
        set_script_prefix("/circle/")
        assert reverse("home") == "/circle/"
    finally:
        set_script_prefix("/")
    assert reverse("home") == "/"


def test_reverse_follows_a_changed_urlconf():
    assert reverse("home") == "/"
    with override_settings(ROOT_URLCONF="tests.metlib.reversing_urls"):
        assert reverse("home", kwargs={"cohort_slug": "x"}) == "/elsewhere/x/"
    assert reverse("home") == "/"


def test_reverse_of_an_unknown_name_fails_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reverse("no-such-page")


def test_reverse_takes_other_arguments_afresh():
    lazy_slug = type("Slug", (str,), {})("metlib-2024")  # a str subclass: not remembered
    assert reverse("circle:dashboard", kwargs={"cohort_slug": lazy_slug}) == (
        "/cohorts/metlib-2024/dashboard/"
    )


def test_url_tag_is_ours_and_keeps_django_behaviour():
    request = RequestFactory().get("/")
    template = Template(
        '{% url "circle:dashboard" cohort_slug=slug %}|'
        '{% url "no-such-page" as missing %}[{{ missing }}]|'
        '{% url "circle:dashboard" slug as found %}{{ found }}'
    )
    assert type(template.nodelist[0]).__module__ == "metlib.templatetags.urls"
    rendered = template.render(Context({"slug": "metlib-2024", "request": request}))
    assert rendered == "/cohorts/metlib-2024/dashboard/|[]|/cohorts/metlib-2024/dashboard/"
    with pytest.raises(NoReverseMatch):
        Template('{% url "no-such-page" %}').render(Context({}))
