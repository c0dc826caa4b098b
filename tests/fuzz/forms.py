"""Find the forms on a page, as a browser would, so that random data can be sent to them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, number, email, date, file, hidden, …
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)
    submit_names: list[tuple[str, str]] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self._form = Form(action=attributes.get("action", ""))
            return
        form = self._form
        if form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "image", "button"}:
                form.submit_names.append((name, attributes.get("value", "1")))
                return
            existing = form.fields.get(name)
            if kind == "radio" or (kind == "checkbox" and existing is not None):
                target = existing or form.fields.setdefault(name, Field(name, kind))
                target.options.append(attributes.get("value", "on"))
                return
            form.fields[name] = Field(
                name, kind, attributes.get("value", ""), [attributes.get("value", "on")]
            )
        elif tag == "button" and name:
            form.submit_names.append((name, attributes.get("value", "1")))
        elif tag == "select" and name:
            self._select = form.fields.setdefault(name, Field(name, "select"))
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = form.fields.setdefault(name, Field(name, "textarea"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def post_forms(html: str) -> list[Form]:
    """Every ``<form method="post">`` on the page, with its fields and submit buttons."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
