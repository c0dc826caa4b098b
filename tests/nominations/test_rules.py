"""Every limit is enforced on the server, with a message beside the field, and keeps the rest."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse

from cohorts.models import Library
from nominations.models import Nomination

from ..factories import LibraryFactory, NominationFactory, UserFactory
from .nominating import as_draft, cohort_with_call, complete_post


@pytest.fixture(autouse=True)
def _while_call_is_open():
    with time_machine.travel(dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def cohort(db):
    return cohort_with_call()


@pytest.fixture
def nominator(client, db):
    user = UserFactory(email="director@library.example")
    client.force_login(user)
    return user


def nominate(client, cohort, data):
    return client.post(reverse("nominations:nominate", args=[cohort.slug]), data)


def errors_beside(page: str, field: str) -> str:
    """The text of the error list rendered with ``field``; empty when it has none."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def test_submit_refused_when_library_under_minimum_population(client, cohort, nominator):
    library = LibraryFactory(name="Small Town Library", city_population=350_000)
    response = nominate(client, cohort, complete_post(cohort, library))
    page = response.content.decode()
    assert response.status_code == 200
    beside = errors_beside(page, "library")
    assert "Small Town Library" in beside
    assert "350,000" in beside
    assert "400,000" in beside
    draft = Nomination.objects.get()
    assert draft.status == Nomination.Status.DRAFT
    assert draft.library == library
    assert draft.candidate_name == "Çağla Öztürk"


def test_submit_accepted_when_population_exactly_the_minimum(client, cohort, nominator):
    library = LibraryFactory(city_population=400_000)
    assert nominate(client, cohort, complete_post(cohort, library)).status_code == 302
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_second_nomination_of_library_refused_when_call_allows_one(client, cohort, nominator):
    library = LibraryFactory(name="Oodi")
    NominationFactory(cohort=cohort, library=library, status=Nomination.Status.SUBMITTED)
    response = nominate(client, cohort, complete_post(cohort, library))
    assert response.status_code == 200
    beside = errors_beside(response.content.decode(), "library")
    assert "Oodi has already nominated 1 candidate" in beside
    mine = Nomination.objects.get(nominator=nominator)
    assert mine.status == Nomination.Status.DRAFT
    assert mine.candidate_email == "cagri@library.example"


def test_second_nomination_of_library_accepted_when_call_allows_two(client, nominator):
    cohort = cohort_with_call(nominations_per_library=2)
    library = LibraryFactory(name="Oodi")
    NominationFactory(cohort=cohort, library=library, status=Nomination.Status.SUBMITTED)
    assert nominate(client, cohort, complete_post(cohort, library)).status_code == 302
    third = nominate(client, cohort, complete_post(cohort, library, candidate_name="Third"))
    assert third.status_code == 200
    assert "Oodi has already nominated 2 candidates" in errors_beside(
        third.content.decode(), "library"
    )
    statuses = sorted(Nomination.objects.values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "submitted"]


def test_same_library_in_other_cohort_or_withdrawn_does_not_count(client, cohort, nominator):
    library = LibraryFactory()
    NominationFactory(library=library, status=Nomination.Status.SUBMITTED)  # another cohort
    NominationFactory(cohort=cohort, library=library, status=Nomination.Status.WITHDRAWN)
    NominationFactory(cohort=cohort, library=library)  # a draft
    assert nominate(client, cohort, complete_post(cohort, library)).status_code == 302


def test_oversize_motivation_refused_beside_field_when_others_kept(client, cohort, nominator):
    library = LibraryFactory()
    too_long = "m" * 3001
    response = nominate(client, cohort, complete_post(cohort, library, motivation=too_long))
    page = response.content.decode()
    assert response.status_code == 200
    beside = errors_beside(page, "motivation")
    assert "at most 3000 characters (it has 3001)" in beside
    assert beside.count("at most") == 1  # said once, not once per validator
    assert too_long in page  # what was typed is still in the form
    draft = Nomination.objects.get()
    assert draft.motivation == ""
    assert draft.candidate_name == "Çağla Öztürk"
    assert draft.project_title == "Ten new branches"
    assert draft.themes.count() == 2


def test_oversize_field_keeps_previous_value_when_draft_edited(client, cohort, nominator):
    draft = NominationFactory(cohort=cohort, nominator=nominator, candidate_name="Kept Name")
    data = as_draft(complete_post(cohort, draft.library, candidate_name="n" * 151))
    response = client.post(reverse("nominations:edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert "at most 150 characters (it has 151)" in errors_beside(page, "candidate_name")
    assert errors_beside(page, "candidate_name").count("at most") == 1
    draft.refresh_from_db()
    assert draft.candidate_name == "Kept Name"
    assert draft.project_title == "Ten new branches"


def test_limited_fields_show_limit_when_form_shown(client, cohort, nominator):
    page = client.get(reverse("nominations:nominate", args=[cohort.slug])).content.decode()
    # No maxlength: the browser would cut a long paste silently; the server refuses it instead.
    assert not re.search(r'<textarea[^>]*name="motivation"[^>]*maxlength', page)
    assert 'data-counter="3000"' in page
    assert "Up to 3,000 characters." in page
    assert "js/counter.js" in page


def test_required_fields_marked_beside_each_when_submitted_empty(client, cohort, nominator):
    data = {"creation_token": "", "submit": "1", "candidate_name": "Only A Name"}
    response = nominate(client, cohort, data)
    page = response.content.decode()
    assert response.status_code == 200
    for field in ("library", "motivation", "candidate_email", "themes", "commits_language"):
        assert "before you" in errors_beside(page, field), field
    draft = Nomination.objects.get()
    assert draft.status == Nomination.Status.DRAFT
    assert draft.candidate_name == "Only A Name"


def test_population_not_a_number_gets_message_when_adding_library(client, cohort, nominator):
    data = complete_post(
        cohort,
        None,
        new_library_name="Biblioteca Nueva",
        new_library_city="Bogotá",
        new_library_country="CO",
        new_library_population="lots",
    )
    response = nominate(client, cohort, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert errors_beside(page, "new_library_population").strip() == "Enter a whole number."
    assert 'value="lots"' in page
    assert 'value="Biblioteca Nueva"' in page
    assert not Library.objects.filter(name="Biblioteca Nueva").exists()
    draft = Nomination.objects.get()
    assert draft.library is None
    assert draft.candidate_name == "Çağla Öztürk"


def test_unknown_country_gets_message_when_adding_library(client, cohort, nominator):
    data = complete_post(
        cohort,
        None,
        new_library_name="Atlantis Library",
        new_library_city="Atlantis",
        new_library_country="XX",
        new_library_population="900000",
    )
    response = nominate(client, cohort, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a country from the list" in errors_beside(page, "new_library_country")
    assert not Library.objects.filter(name="Atlantis Library").exists()
    assert Nomination.objects.get().status == Nomination.Status.DRAFT


def test_new_library_added_when_every_part_given(client, cohort, nominator):
    data = complete_post(
        cohort,
        None,
        new_library_name="Biblioteca Nueva",
        new_library_city="Bogotá",
        new_library_country="CO",
        new_library_population="7900000",
    )
    assert nominate(client, cohort, data).status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.library.name == "Biblioteca Nueva"
    assert nomination.library.city_population == 7_900_000


def test_missing_population_can_be_given_when_library_has_none(client, cohort, nominator):
    library = LibraryFactory(name="Unknown Size Library", city_population=None)
    refused = nominate(client, cohort, complete_post(cohort, library))
    assert "population" in errors_beside(refused.content.decode(), "library")
    draft = Nomination.objects.get()
    data = complete_post(cohort, library, new_library_population="1200000")
    assert client.post(reverse("nominations:edit", args=[draft.pk]), data).status_code == 302
    library.refresh_from_db()
    assert library.city_population == 1_200_000
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_invalid_email_gets_message_when_rest_kept(client, cohort, nominator):
    draft = NominationFactory(cohort=cohort, nominator=nominator, candidate_email="ok@x.example")
    data = as_draft(complete_post(cohort, draft.library, candidate_email="not an email"))
    response = client.post(reverse("nominations:edit", args=[draft.pk]), data)
    page = response.content.decode()
    assert "Enter a valid email address." in errors_beside(page, "candidate_email")
    draft.refresh_from_db()
    assert draft.candidate_email == "ok@x.example"
    assert draft.candidate_name == "Çağla Öztürk"


SCRIPT = '<script>alert("x")</script>'


def test_script_in_fields_is_escaped_when_shown(client, cohort, nominator):
    library = LibraryFactory()
    data = complete_post(
        cohort,
        library,
        candidate_name=SCRIPT,
        motivation=f"Line one\n{SCRIPT}",
        project_title='"><img src=x onerror=alert(1)>',
        submit=None,
        save="1",
    )
    nominate(client, cohort, data)
    draft = Nomination.objects.get()
    for url in (
        reverse("nominations:detail", args=[draft.pk]),
        reverse("nominations:edit", args=[draft.pk]),
        reverse("nominations:mine"),
    ):
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url
        assert "<img src=x" not in page, url


def test_my_nominations_lists_what_is_missing_when_draft(
    client, cohort, nominator, django_assert_max_num_queries
):
    NominationFactory(cohort=cohort, nominator=nominator, motivation="").themes.clear()
    NominationFactory(cohort=cohort, nominator=nominator, status=Nomination.Status.SUBMITTED)
    NominationFactory(cohort=cohort, nominator=nominator, candidate_email="", travel_support="")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("nominations:mine")).content.decode()
    assert "the motivation" in page
    assert "at least one theme" in page
    assert "the candidate&#x27;s email" in page or "the candidate's email" in page
    assert "whether the library can cover travel" in page


def test_my_nominations_query_count_does_not_grow_when_more_nominations(
    client, cohort, nominator, django_assert_max_num_queries
):
    for _ in range(8):
        NominationFactory(cohort=cohort, nominator=nominator, motivation="")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("nominations:mine")).status_code == 200


def test_withdraw_when_draft_then_cannot_edit(client, cohort, nominator):
    draft = NominationFactory(cohort=cohort, nominator=nominator, motivation="Before.")
    response = client.post(reverse("nominations:withdraw", args=[draft.pk]), follow=True)
    assert "The nomination is withdrawn." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.WITHDRAWN
    assert draft.withdrawn_at is not None
    edit = reverse("nominations:edit", args=[draft.pk])
    response = client.get(edit, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert edit not in response.content.decode()
    client.post(edit, complete_post(cohort, draft.library, motivation="After."))
    draft.refresh_from_db()
    assert draft.motivation == "Before."
    assert draft.status == Nomination.Status.WITHDRAWN


def test_withdraw_when_submitted_frees_library_slot(client, cohort, nominator):
    library = LibraryFactory()
    first = NominationFactory(
        cohort=cohort, nominator=nominator, library=library, status=Nomination.Status.SUBMITTED
    )
    client.post(reverse("nominations:withdraw", args=[first.pk]))
    assert nominate(client, cohort, complete_post(cohort, library)).status_code == 302
    assert Nomination.objects.filter(status=Nomination.Status.SUBMITTED).count() == 1


def test_withdraw_refused_when_already_withdrawn(client, cohort, nominator):
    draft = NominationFactory(cohort=cohort, nominator=nominator)
    client.post(reverse("nominations:withdraw", args=[draft.pk]))
    response = client.post(reverse("nominations:withdraw", args=[draft.pk]), follow=True)
    assert "can no longer be withdrawn" in response.content.decode()


def test_double_click_on_submit_creates_one_nomination(
    client, cohort, nominator, django_capture_on_commit_callbacks
):
    data = complete_post(cohort, LibraryFactory())
    with django_capture_on_commit_callbacks(execute=True):
        first = nominate(client, cohort, data)
        second = nominate(client, cohort, data)
    assert first.status_code == second.status_code == 302
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_field_left_out_of_post_keeps_value_when_draft_saved(client, cohort, nominator):
    draft = NominationFactory(cohort=cohort, nominator=nominator, motivation="Kept.")
    data = {"save": "1", "candidate_name": "Changed Name"}
    assert client.post(reverse("nominations:edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.candidate_name == "Changed Name"
    assert draft.motivation == "Kept."
    assert draft.library is not None
    assert draft.project_kind == "new_main_library"


def test_submit_accepted_when_creation_token_mangled(client, cohort, nominator):
    data = complete_post(cohort, LibraryFactory(), creation_token="not-a-uuid\x00" + "z" * 500)
    assert nominate(client, cohort, data).status_code == 302
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_a_paste_beyond_the_limit_is_refused_with_a_message_and_kept(client, cohort, nominator):
    pasted = "Ø" * 20_000
    response = nominate(client, cohort, as_draft(complete_post(cohort, None, motivation=pasted)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "at most 3000 characters (it has 20000)" in errors_beside(page, "motivation")
    assert pasted in page  # nothing cut: the person shortens it themselves
    assert Nomination.objects.get().motivation == ""


def test_line_breaks_count_once_as_the_counter_counts_them(client, cohort, nominator):
    lines = "\r\n".join(["x" * 99] * 30)  # 2,970 characters typed, 3,029 bytes sent as CR LF
    response = nominate(client, cohort, as_draft(complete_post(cohort, None, motivation=lines)))
    assert response.status_code == 302
    assert Nomination.objects.get().motivation == lines.replace("\r\n", "\n")
