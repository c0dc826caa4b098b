import pytest
from django import forms
from django.test.html import parse_html

from metlib.widgets import FastSelect

CHOICES = [
    ("", "Choose…"),
    ("fi", "Suomi & <Finland>"),
    ("gr", "Ελλάδα"),
    ("Europe", [("dk", "Danmark"), ("pl", "Polska")]),
]


@pytest.mark.parametrize("value", [None, "", "fi", "pl", "<unknown>"])
def test_fast_select_renders_what_django_select_renders(value):
    attrs = {"id": "id_country", "aria-describedby": "id_country_helptext", "required": True}
    slow = forms.Select(choices=CHOICES).render("country", value, attrs)
    fast = FastSelect(choices=CHOICES).render("country", value, attrs)
    assert parse_html(fast) == parse_html(slow)  # same elements, attributes and text


def test_fast_select_escapes_labels_and_values():
    html = FastSelect(choices=[('"><script>', "<b>x</b>")]).render("x", None)
    assert "<script>" not in html
    assert "<b>" not in html
