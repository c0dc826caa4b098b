"""The blank nomination form is rendered once and kept; each nominator gets it with their own
details, and never anyone else's; any change to what it shows is seen at once."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from nominations.form_page import build, lookup, respond
from nominations.forms import NominationForm
from nominations.views import _form_page

from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
CREATION = re.compile(r'name="creation_token" value="[^"]+"')


@pytest.fixture
def call(cohort):
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    ThemeFactory(cohort=cohort, name="Civic Engagement")
    LibraryFactory(name="Helsinki Central Library Oodi", city="Helsinki", country="FI")
    return CallFactory(cohort=cohort)


@pytest.fixture
def url(cohort, call):
    return reverse("nominations:nominate", kwargs={"cohort_slug": cohort.slug})


def page_as(client, url, person, **headers) -> str:
    client.force_login(person)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def request_as(person, url, session=None):
    """A GET of ``url`` by ``person``; with a session, messages can be read and added."""
    request = RequestFactory().get(url)
    request.user = person
    if session is not None:
        request.session = session
        request._messages = FallbackStorage(request)
    return request


def tokens_out(html: str) -> str:
    return CREATION.sub("creation", CSRF.sub("csrf", html))


def test_the_kept_page_is_the_page_the_template_renders(cohort, call, url, client):
    person = UserFactory(display_name="Dana O’Director", time_zone="Europe/Helsinki")
    page_as(client, url, person)  # builds and keeps the page
    kept = page_as(client, url, person)
    request = request_as(person, url, client.session)
    form = NominationForm(
        cohort=cohort,
        initial={
            "creation_token": "x",
            "nominator_email": person.email,
            "nominator_name": person.display_name,
        },
    )
    with timezone.override("Europe/Helsinki"), translation.override("en"):
        ordinary = _form_page(request, form, cohort, None).content.decode()
    assert tokens_out(kept) == tokens_out(ordinary)


def test_each_person_gets_their_own_details_and_no_one_elses(cohort, call, url, client):
    first = UserFactory(display_name="Aino Virtanen", email="aino@library.example")
    second = UserFactory(display_name="Bruno Costa", email="bruno@library.example")
    one, two = page_as(client, url, first), page_as(client, url, second)
    assert 'value="Aino Virtanen"' in one
    assert 'value="aino@library.example"' in one
    assert "Bruno" not in one
    assert "bruno@" not in one
    assert 'value="Bruno Costa"' in two
    assert 'value="bruno@library.example"' in two
    assert "Aino" not in two
    assert "aino@" not in two
    assert CREATION.search(one)[0] != CREATION.search(two)[0]
    assert CREATION.search(two)[0] != CREATION.search(page_as(client, url, second))[0]


def test_details_are_escaped(cohort, call, url, client):
    person = UserFactory(display_name='<script>alert("x")</script>', email="x@library.example")
    html = page_as(client, url, person)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_page_is_kept_and_then_costs_one_query(
    cohort, call, url, client, django_assert_num_queries
):
    person = UserFactory()
    page_as(client, url, person)
    with django_assert_num_queries(2):  # the person, whether they started one; nothing else
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("libraries", [5, 300])
def test_queries_do_not_grow_with_the_directory(
    cohort, call, url, client, django_assert_num_queries, libraries
):
    LibraryFactory.create_batch(libraries)
    person = UserFactory()
    page_as(client, url, person)
    with django_assert_num_queries(2):
        html = client.get(url).content.decode()
    assert html.count("<option") >= libraries


def _add_library(cohort):
    LibraryFactory(name="Biblioteca Nueva de Bogotá", city="Bogotá", country="CO")


def _rename_theme(cohort):
    theme = cohort.themes.first()
    theme.name = "Biblioteca Nueva de Bogotá"
    theme.save()


def _rename_cohort(cohort):
    cohort.name = "Biblioteca Nueva de Bogotá"
    cohort.save()


@pytest.mark.parametrize("change", [_add_library, _rename_theme, _rename_cohort])
def test_a_change_to_what_the_form_shows_is_seen_at_once(cohort, call, url, client, change):
    person = UserFactory()
    assert "Biblioteca Nueva de Bogotá" not in page_as(client, url, person)
    change(cohort)
    assert "Biblioteca Nueva de Bogotá" in page_as(client, url, person)


def test_a_new_deadline_is_shown_at_once(cohort, call, url, client):
    person = UserFactory(time_zone="UTC")
    page_as(client, url, person)
    cohort.nominations_deadline = timezone.now() + dt.timedelta(days=400)
    cohort.save()
    assert cohort.nominations_deadline.isoformat()[:16] in page_as(client, url, person)


def test_the_kept_page_is_not_offered_after_the_deadline(cohort, call, url, client):
    cohort.nominations_deadline = timezone.now() + dt.timedelta(hours=1)
    cohort.save()
    person = UserFactory()
    page_as(client, url, person)
    with time_machine.travel(cohort.nominations_deadline + dt.timedelta(seconds=1)):
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:call", kwargs={"cohort_slug": cohort.slug})


def test_the_kept_page_is_not_offered_before_the_opening(cohort, call, url, client):
    cohort.nominations_open_at = timezone.now() + dt.timedelta(hours=1)
    cohort.save()
    person = UserFactory()
    client.force_login(person)
    with time_machine.travel(cohort.nominations_open_at + dt.timedelta(seconds=1)):
        assert 'name="candidate_name"' in client.get(url).content.decode()  # kept now
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:call", kwargs={"cohort_slug": cohort.slug})


def test_each_zone_and_language_has_its_own_page(cohort, call, url, client, settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES  # French and Spanish offered
    helsinki = UserFactory(time_zone="Europe/Helsinki", language="fr")
    bogota = UserFactory(time_zone="America/Bogota", language="es")
    fi, es = page_as(client, url, helsinki), page_as(client, url, bogota)
    assert '<html lang="fr"' in fi
    assert "Europe/Helsinki" in fi
    assert '<html lang="es"' in es
    assert "America/Bogota" in es
    assert "Europe/Helsinki" not in es


def test_messages_are_shown_once_in_the_kept_page(cohort, call, url, client):
    person = UserFactory()
    page_as(client, url, person)  # kept now
    storage = CookieStorage(RequestFactory().get(url))
    storage.add(messages.INFO, "Welcome back: your draft is waiting.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    shown = client.get(url).content.decode()
    assert '<li class="message info">Welcome back: your draft is waiting.</li>' in shown
    assert 'role="status"' in shown
    assert "Welcome back" not in client.get(url).content.decode()


def test_a_query_string_gets_the_page_rendered_for_it(cohort, call, url, client):
    person = UserFactory(display_name="Query Person")
    html = page_as(client, f"{url}?from=newsletter", person)
    assert 'value="Query Person"' in html
    assert "?from=newsletter" in html  # the language form sends the person back here


def test_what_is_kept_holds_no_one_s_details(cohort, call, url, client):
    person = UserFactory(display_name="Kept Nobody", email="kept@library.example")
    page_as(client, url, person)
    request = request_as(person, url)
    with timezone.override("UTC"), translation.override("en"):
        _generation, shell = lookup(request=request, slug=cohort.slug)
    assert shell is not None
    kept = "".join(shell.parts)
    assert "Kept Nobody" not in kept
    assert "kept@library.example" not in kept
    assert "csrfmiddlewaretoken" in kept


def test_a_page_built_during_a_change_is_not_kept_after_it(
    cohort, call, url, django_capture_on_commit_callbacks
):
    person = UserFactory()
    request = request_as(person, url)
    with django_capture_on_commit_callbacks(execute=True):
        cohort.name = "Changing"
        cohort.save()
        with timezone.override("UTC"), translation.override("en"):
            generation, _shell = lookup(request=request, slug=cohort.slug)
            build(request=request, cohort=cohort, generation=generation)
            assert lookup(request=request, slug=cohort.slug)[1] is not None
    with timezone.override("UTC"), translation.override("en"):
        assert lookup(request=request, slug=cohort.slug)[1] is None


def test_an_unverified_address_still_gets_allauth_s_answer(cohort, call, url, client):
    person = UserFactory(verified=False)
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    client.force_login(person)
    response = client.get(url)
    assert response.status_code in (200, 302)
    assert 'name="candidate_name"' not in response.content.decode()


def test_a_verified_address_is_asked_once_per_session(
    cohort, call, url, client, django_assert_num_queries
):
    person = UserFactory()
    page_as(client, url, person)
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
    person.email = "changed@library.example"
    person.save()
    EmailAddress.objects.filter(user=person).update(email=person.email, verified=False)
    response = client.get(url)
    assert 'name="candidate_name"' not in response.content.decode()


def test_respond_fills_every_slot(cohort, call, url, client):
    person = UserFactory(display_name="Slot Filler")
    request = request_as(person, url, client.session)
    with timezone.override("UTC"), translation.override("en"):
        shell = build(request=request, cohort=cohort, generation="g")
        html = respond(request=request, shell=shell).content.decode()
    assert not re.search(r"slot[0-9a-f]{24}", html)
    assert 'value="Slot Filler"' in html


def test_nothing_is_kept_without_a_shared_cache(
    cohort, call, url, client, settings, django_assert_num_queries
):
    """Each process's in-memory cache is its own: a change in one would not reach another."""
    settings.CACHE_SHARED = False
    person = UserFactory(display_name="Unkept Person")
    page_as(client, url, person)
    with django_assert_num_queries(
        5
    ):  # the person, their nominations, the cohort, libraries, themes
        html = client.get(url).content.decode()
    assert 'value="Unkept Person"' in html
