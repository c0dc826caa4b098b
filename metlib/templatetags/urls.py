"""``{% url %}`` as Django's, reversed through :func:`metlib.reversing.reverse`.

A builtin of the template engine (``TEMPLATES[...]["OPTIONS"]["builtins"]``), loaded after
Django's own, so every template's ``{% url %}`` is this one without a ``{% load %}``.
"""

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from ..reversing import reverse

register = template.Library()


class URLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> Any:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # as Django's tag: the request's app, else the namespace it was resolved in
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    """``{% url "name" arg key=value as var %}``, parsed by Django's tag."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
