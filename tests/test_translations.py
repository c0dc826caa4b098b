"""Every word a person reads is marked for translation: no template has bare text.

Each template is split by Django's own lexer. Text outside ``{% translate %}`` and
``{% blocktranslate %}…{% endblocktranslate %}`` (and outside comments, scripts and styles)
must hold no words once the HTML tags are taken out; attributes people hear or read (``alt``,
``title``, ``aria-label``, ``placeholder``) must not hold words either.
"""

import re
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TAG = re.compile(r"<[^>]*>", re.DOTALL)
ENTITY = re.compile(r"&#?\w+;")
RAW = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
ATTRIBUTE = re.compile(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: "h:m", "x" and "—" are not words
# Text that is the same in every language: product and standards names, units, separators.
UNTRANSLATABLE = {"MetLib", "Circle", "CSV", "iCalendar", "webcal", "ics", "PDF", "UTC", "QR"}


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in UNTRANSLATABLE]


def untranslated(source: str) -> list[str]:
    """The bare words in one template's source."""
    kept: list[str] = []
    depth = 0  # inside blocktranslate or comment
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
        if token.token_type == TokenType.TEXT and not depth:
            kept.append(token.contents)
        else:
            kept.append("\u00a7")  # a template tag or variable: stands for no words
    text = ENTITY.sub(" ", RAW.sub(" ", "".join(kept)))
    words = [word for value in ATTRIBUTE.findall(text) for word in _words(value)]
    return words + _words(TAG.sub(" ", text))


def test_no_template_has_words_outside_translation_tags():
    offenders = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"} or not path.is_file():
            continue
        words = untranslated(path.read_text())
        if words:
            offenders[path.relative_to(TEMPLATES).as_posix()] = " ".join(words[:8])
    assert offenders == {}


def test_bare_words_are_found_in_text_and_in_attributes():
    source = (
        '{% load i18n %}<h1>{% translate "Schedule" %}</h1><p class="lead">Welcome back</p>'
        '<img src="{% url "home" %}" alt="A map"><!-- not read -->'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}"
    )
    assert untranslated(source) == ["map", "Welcome", "back"]
