from django.template import Context, Engine, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from metlib.templatetags.remembered_i18n import TranslateNode


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load i18n %}" + source).render(Context(context))


def test_load_i18n_gives_our_translate_tag():
    template = Template('{% load i18n %}{% translate "Sign out" %}')
    assert isinstance(template.nodelist[1], TranslateNode)
    assert template.nodelist[1].constant


def test_a_literal_is_translated_for_each_language_even_when_remembered():
    template = Template('{% load i18n %}{% translate "Sign out" %}')
    shown = []
    for language in ("en", "fr", "en", "fr", "de"):
        with translation.override(language):
            shown.append(template.render(Context()))
    assert shown[0] == shown[2] == "Sign out"
    assert shown[1] == shown[3] == "Se déconnecter"
    assert shown[4] not in ("Sign out", "Se déconnecter")
    assert len(template.nodelist[1].given) == 3


def test_autoescape_is_kept_apart():
    template = Template('{% load i18n %}{% translate "Sign out" %}')
    template.render(Context(autoescape=False))
    template.render(Context())
    assert [autoescape for _language, autoescape in template.nodelist[1].given] == [False, True]


def test_as_var_takes_the_remembered_text_too():
    source = '{% translate "Sign out" as label %}[{{ label }}]'
    assert _render(source, "fr") == "[Se déconnecter]"
    assert _render(source, "en") == "[Sign out]"


def test_variables_filters_and_contexts_are_translated_afresh():
    assert _render("{% translate word %}", "fr", word="Sign out") == "Se déconnecter"
    assert _render("{% translate word %}", "fr", word="Language") != "Se déconnecter"
    assert _render('{% translate "Sign out"|upper %}', "fr") == "SE DÉCONNECTER"
    template = Template('{% load i18n %}{% translate word %}{% translate "x"|upper %}')
    assert not template.nodelist[1].constant
    assert not template.nodelist[2].constant
    with_context = Template('{% load i18n %}{% translate "May" context "month name" %}')
    assert not with_context.nodelist[1].constant
    assert with_context.render(Context()) == "May"


def test_every_form_renders_as_djangos_own_tag(settings):
    """Literal markup, percent signs, noop, as-variables and lazy variables, in two languages,
    through our library and through Django's, twice each (the second time remembered)."""
    options = {k: v for k, v in settings.TEMPLATES[0]["OPTIONS"].items() if k != "libraries"}
    djangos = Engine(libraries={"i18n": "django.templatetags.i18n"}, **options)
    sources = [
        '{% translate "a < b" %}',
        '{% translate "100%% sure" %}',
        '{% translate "Sign out" noop %}',
        '{% translate "Language" as label %}{{ label }}|{{ label|upper }}',
        "{% translate lazy %}",
        '{% translate "Change" context "verb" %}',
    ]
    for language in ("fr", "ar", "fr"):
        with translation.override(language):
            for source in sources:
                text = "{% load i18n %}" + source
                context = {"lazy": gettext_lazy("Sign out")}
                for autoescape in (True, False):
                    ours = Template(text).render(Context(context, autoescape=autoescape))
                    theirs = djangos.from_string(text).render(
                        Context(context, autoescape=autoescape)
                    )
                    assert ours == theirs, (language, source, autoescape)


def test_no_other_tag_library_label_is_taken_twice():
    """templates.W003 is silenced for "i18n" and "static" only (settings): any other label
    twice fails."""
    from django.template import engines

    warnings = [
        warning
        for engine in engines.all()
        for warning in engine.check()
        if warning.id == "templates.W003"
    ]
    assert sorted(warning.msg.split("'")[1] for warning in warnings) == ["i18n", "static"]


def test_a_language_block_is_translated_in_its_language():
    source = (
        '{% translate "Sign out" %}|{% language "fr" %}{% translate "Sign out" %}'
        '{% endlanguage %}|{% translate "Sign out" %}'
    )
    assert _render(source, "en") == "Sign out|Se déconnecter|Sign out"
    assert _render(source, "de").split("|")[1] == "Se déconnecter"
