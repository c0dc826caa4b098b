"""Django's ``i18n`` template library, with ``{% translate "a literal" %}`` remembered.

Installed under the label ``i18n`` (``TEMPLATES[...]["OPTIONS"]["libraries"]``), so every
template's ``{% load i18n %}`` loads it. Everything but the translate tag is Django's own.

A page has dozens of ``{% translate %}`` of literal text (headings, labels, help) and each
costs a catalogue lookup through gettext's per-thread state, escaping and marking safe: about
a tenth of the facilitator's dashboard. The text of a literal depends only on the language
and on autoescaping, so each node keeps what it gave for each pair. Anything else (a
variable, a filter, a message context) is translated afresh by Django's code.
"""

from typing import Any

from django import template
from django.templatetags import i18n
from django.utils import translation
from django.utils.translation import get_language

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

# The active language, kept in the render context of the template being rendered: reading it
# from gettext's per-thread state costs more than the lookup it keys.
_LANGUAGE = "metlib.remembered_i18n.language"


def _language(context: template.Context) -> str | None:
    render_context = context.render_context
    language = render_context.get(_LANGUAGE)
    if language is None:
        language = render_context[_LANGUAGE] = get_language()
    return language


class TranslateNode(i18n.TranslateNode):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expression = self.filter_expression
        self.constant = (
            not expression.filters
            and getattr(expression.var, "literal", None) is not None
            and isinstance(expression.var.literal, str)
            and self.message_context is None
        )
        self.given: dict[tuple[str | None, bool], str] = {}

    def render(self, context: template.Context) -> str:
        if not self.constant:
            return super().render(context)
        key = (_language(context), context.autoescape)
        value = self.given.get(key)
        if value is None:
            asvar, self.asvar = self.asvar, None
            try:
                value = super().render(context)
            finally:
                self.asvar = asvar
            self.given[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: template.base.Parser, token: template.base.Token) -> TranslateNode:
    """``{% translate "text" [noop] [context "c"] [as var] %}``, parsed by Django's tag."""
    node = i18n.do_translate(parser, token)
    return TranslateNode(
        node.filter_expression, node.noop, asvar=node.asvar, message_context=node.message_context
    )


class LanguageNode(i18n.LanguageNode):
    """``{% language %}``: its block's text in another language, so the language kept for
    the template is set aside while the block renders."""

    def render(self, context: template.Context) -> str:
        render_context = context.render_context
        kept = render_context.get(_LANGUAGE)
        with translation.override(self.language.resolve(context)):
            render_context[_LANGUAGE] = get_language()
            try:
                return self.nodelist.render(context)
            finally:
                render_context[_LANGUAGE] = kept


@register.tag("language")
def language(parser: template.base.Parser, token: template.base.Token) -> LanguageNode:
    """``{% language "fr" %}…{% endlanguage %}``, parsed by Django's tag."""
    node = i18n.language(parser, token)
    return LanguageNode(node.nodelist, node.language)
