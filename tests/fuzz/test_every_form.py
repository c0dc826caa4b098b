"""Random data sent to every form the project shows, as each person who sees it.

Every page that answers 200 to someone in the permission matrix's world is read as that
person; every ``<form method="post">`` on it is posted with values drawn by hypothesis:
unchanged, emptied, very long, control characters, other scripts, numbers out of range, a
choice that is not offered, markup. Two promises are checked on every answer:

- never a server error (the test client re-raises any exception a view lets escape);
- nothing saved half-way: when a form comes back with errors, no row of ours changed.
"""

from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..permissions.routes import arguments_for, named_routes
from ..permissions.world import ROLES, build_world
from .forms import Field, Form, post_forms

FUZZ = settings(
    deadline=None,
    max_examples=8,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OUR_APPS = ("metlib", "cohorts", "nominations", "calendar", "certificates")
# Forms that end the session or need a code from a mail: fuzzing them tests allauth, not us.
SKIPPED_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")
# Forms that keep a draft of what was typed even when it is rejected ("never lose a word"):
# their own fuzz test (tests/nominations/test_fuzz.py) checks the draft instead.
DRAFT_FORMS = {"nominations:nominate", "nominations:edit"}
SKIPPED_ROUTES = {"account_logout", "set_language", "admin:index", "admin:metlib_user_changelist"}

ODD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u0301",
        "<script>alert(1)</script>",
        "-1",
        "0",
        "1e309",
        "99999999999999999999999999",
        "2025-02-30",
        "2025-13-01T25:61",
        "9999-12-31T23:59",
        "Østergård D'Amico Łódź Çağrı Ελένη",
        "x" * 5000,
        "' OR 1=1 --",
        "../../etc/passwd",
        "javascript:alert(1)",
    ]
)


def _value(field: Field) -> st.SearchStrategy[str | list[str] | None]:
    offered = [option for option in field.options if option is not None]
    choices: list[st.SearchStrategy] = [ODD, st.text(max_size=300), st.none()]
    if field.value:
        choices.append(st.just(field.value))
    if offered:
        choices.append(st.sampled_from(offered))
        if field.kind in {"checkbox", "select"}:
            choices.append(st.lists(st.sampled_from(offered), max_size=3))
    if field.kind == "number":
        choices.append(st.integers(min_value=-(10**12), max_value=10**12).map(str))
    return st.one_of(choices)


def _submissions(form: Form) -> st.SearchStrategy[dict[str, object]]:
    names = [name for name, field in form.fields.items() if field.kind != "file"]
    values = st.fixed_dictionaries({name: _value(form.fields[name]) for name in names})
    buttons = st.sampled_from(form.submit_names) if form.submit_names else st.just(None)

    def build(drawn: tuple[dict[str, object], tuple[str, str] | None]) -> dict[str, object]:
        fields, button = drawn
        data = {key: value for key, value in fields.items() if value is not None}
        if button is not None:
            data[button[0]] = button[1]
        return data

    return st.tuples(values, buttons).map(build)


def _row_counts() -> dict[str, int]:
    """How many rows each of our tables holds, in one query."""
    models = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    # Table names come from our models, quoted by Django: nothing here comes from outside.
    query = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query)
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models, counts, strict=True)}


def _pages() -> list[str]:
    return sorted(name for name in named_routes() if name not in SKIPPED_ROUTES)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", _pages())
def test_random_data_in_every_form_gives_no_error_and_saves_nothing_half_way(client, name):
    world = build_world()
    url = reverse(name, kwargs=arguments_for(name, named_routes()[name], world))
    targets: list[tuple[object, Form]] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for role in ROLES:
        client.logout()
        if world.people[role] is not None:
            client.force_login(world.people[role])
        response = client.get(url)
        if response.streaming:  # a file holds its file open until read to the end
            b"".join(response.streaming_content)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode()):
            action = urljoin(url, form.action) if form.action else url
            signature = (action, frozenset(form.fields))
            if not action.startswith(SKIPPED_ACTIONS) and signature not in seen:
                seen.add(signature)  # the first person (in ROLES order) who sees a form posts it
                targets.append((world.people[role], Form(action, form.fields, form.submit_names)))
    if not targets:
        pytest.skip("no form on this page for anyone")

    for person, form in targets:
        _fuzz(client, person, form, keeps_drafts=name in DRAFT_FORMS)


def _fuzz(client, person, form: Form, *, keeps_drafts: bool) -> None:
    @FUZZ
    @given(data=_submissions(form))
    def post_random(data: dict[str, object]) -> None:
        with transaction.atomic():
            client.logout()
            if person is not None:
                client.force_login(person)
            before = _row_counts()
            response = client.post(form.action, data)
            assert response.status_code < 500
            rejected = response.status_code == 200 and b"errorlist" in response.content
            if rejected and not keeps_drafts:
                assert _row_counts() == before, f"{form.action} saved part of a rejected form"
            transaction.set_rollback(True)

    post_random()
