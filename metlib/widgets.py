"""Form widgets that render long option lists without a template per option."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django's Select builds a dictionary and includes a template for every option; for the 250
    countries or the whole library directory that is most of a page's rendering time. The
    markup is the same (a test compares the two).
    """

    # (attribute, test): options whose value passes the test get the attribute, e.g.
    # ("data-no-stipend", …) for a script to read; none by default.
    option_flag: tuple[str, Callable[[Any], bool]] | None = None

    def _flag(self, value: Any) -> SafeString | str:
        if self.option_flag is None or value in (None, ""):
            return ""
        attribute, test = self.option_flag
        return format_html(" {}", attribute) if test(value) else ""

    def _options(self, choices: Iterable, selected: set[str]) -> SafeString:
        return format_html_join(
            "",
            '<option value="{}"{}{}>{}</option>',
            (
                (key, " selected" if key in selected else "", self._flag(value), label)
                for value, key, label in (
                    (v, str("" if v is None else v), label) for v, label in choices
                )
            ),
        )

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        if not self.allow_multiple_selected:
            selected = set(list(selected)[:1])
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>',
                        option_value,
                        self._options(option_label, selected),
                    )
                )
            else:
                parts.append(self._options([(option_value, option_label)], selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part above is escaped


class PlainTextarea(forms.Textarea):
    """A textarea whose line breaks count once, as the page's counter counts them.

    Browsers send every line break of a textarea as CR LF; the character counter (counter.js)
    and the person typing see one character. The limit is checked on what is kept: LF.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
