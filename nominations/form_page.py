"""The nomination form's page: what it shows, and the blank form rendered once and handed to
each nominator with their own details put in.

Rendering the form (the library directory, 250 countries, the themes, every label and help
text) takes about ten milliseconds, and the page is the same for everyone who opens the same
call in the same language and time zone, but for a few values: the CSRF token, the form's
creation token, the nominator's name and address (prefilled), the name in the header and any
messages. So the page is rendered with a random marker in each of those places, split at the
markers, and kept in the cache under the :data:`BLANK_FORM` generation, which any change to a
cohort, its call or themes, or the library directory moves. Each request joins the parts with
its own values, escaped.

No one's details are ever rendered into what is kept: the markers stand in for them, and the
person in the header is a stand-in object too.
"""

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from cohorts.models import Cohort, Library, Programme, Theme
from metlib.generations import Generation

from .forms import NominationForm
from .models import Call, Nomination
from .submission import deadline_passed

BLANK_FORM = Generation("nominations:blank-form:generation")
TEMPLATE = "nominations/form.html"
SLOTS = ("csrf", "creation", "email", "name", "person", "messages")


@dataclass(frozen=True)
class Shell:
    """The page in parts: text, the name of a slot, text, ..., text."""

    generation: str
    opens_at: datetime
    deadline: datetime
    parts: tuple[str, ...]

    def is_open(self, at: datetime) -> bool:
        return self.opens_at <= at < self.deadline


class _Person:
    """Who the header names, in the kept page: a marker, never a real person."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __str__(self) -> str:
        return self.marker


def context(*, form: NominationForm, cohort: Cohort, nomination: Nomination | None) -> dict:
    """What the form's template shows, for a blank form or a nomination being edited."""
    return {
        "form": form,
        "cohort": cohort,
        "nomination": nomination,
        "deadline_passed": deadline_passed(cohort=cohort),
    }


def applies(request: HttpRequest) -> bool:
    """Only a plain GET: anything in the query string would be part of the page."""
    return request.method == "GET" and not request.META.get("QUERY_STRING")


def _key(*, slug: str, language: str, zone: str) -> str:
    return f"nominations:blank-form:{slug}:{language}:{zone}"


def _here(request: HttpRequest, slug: str) -> str:
    return _key(slug=slug, language=get_language(), zone=timezone.get_current_timezone_name())


def lookup(*, request: HttpRequest, slug: str) -> tuple[str, Shell | None]:
    """(the generation now, the kept page for this call, language and zone if it is current)."""
    key = _here(request, slug)
    generation, found = BLANK_FORM.read([key])
    shell = found.get(key)
    return generation, shell if shell is not None and shell.generation == generation else None


def build(*, request: HttpRequest, cohort: Cohort, generation: str) -> Shell:
    """Render the page with markers, split it, and keep it under ``generation`` (read before
    the cohort was, so a change made meanwhile retires it)."""
    markers = {slot: f"slot{secrets.token_hex(12)}{slot}" for slot in SLOTS}
    form = NominationForm(
        cohort=cohort,
        initial={
            "creation_token": markers["creation"],
            "nominator_email": markers["email"],
            "nominator_name": markers["name"],
        },
    )
    html = render_to_string(
        TEMPLATE,
        {
            **context(form=form, cohort=cohort, nomination=None),
            "csrf_token": markers["csrf"],
            "user": _Person(markers["person"]),
            "messages_slot": markers["messages"],
        },
        request=request,
    )
    slot_of = {marker: slot for slot, marker in markers.items()}
    pieces = re.split("(" + "|".join(map(re.escape, slot_of)) + ")", html)
    parts = tuple(slot_of.get(piece, piece) if n % 2 else piece for n, piece in enumerate(pieces))
    shell = Shell(
        generation=generation,
        opens_at=cohort.nominations_open_at,
        deadline=cohort.nominations_deadline,
        parts=parts,
    )
    BLANK_FORM.keep({_here(request, cohort.slug): shell}, token=generation)
    return shell


def _messages_html(request: HttpRequest) -> str:
    pending = messages.get_messages(request)
    return render_to_string("_messages.html", {"messages": pending}) if pending else ""


def respond(*, request: HttpRequest, shell: Shell) -> HttpResponse:
    """The kept page with this request's values in its slots."""
    user = request.user
    values = {
        "csrf": escape(get_token(request)),
        "creation": str(uuid.uuid4()),
        "email": escape(user.email),
        "name": escape(user.display_name),
        "person": escape(str(user)),
        "messages": _messages_html(request),
    }
    parts = shell.parts
    return HttpResponse("".join(values[part] if n % 2 else part for n, part in enumerate(parts)))


def follow_changes() -> None:
    """Move :data:`BLANK_FORM` on every change the blank form shows (from ready())."""
    BLANK_FORM.follow((Cohort, Programme, Theme, Library, Call))
