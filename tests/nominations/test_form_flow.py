import pytest
from django.urls import reverse

from metlib.models import Email
from nominations.models import Nomination

from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory
from .nominating import complete_post


@pytest.fixture
def call(cohort):
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    ThemeFactory(cohort=cohort, name="Civic Engagement")
    return CallFactory(cohort=cohort)


@pytest.fixture
def nominator(db):
    return UserFactory(email="director@library.example", display_name="Dana Director")


def test_submit_complete_nomination_sends_two_mails(client, call, nominator):
    library = LibraryFactory(city_population=1_200_000)
    client.force_login(nominator)
    response = client.post(
        reverse("nominations:nominate", args=[call.cohort.slug]),
        complete_post(call.cohort, library),
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert nomination.status == Nomination.Status.SUBMITTED
    assert sorted(Email.objects.values_list("to", flat=True)) == [
        "cagri@library.example",
        "director@library.example",
    ]


def test_double_click_creates_one_nomination(client, call, nominator):
    library = LibraryFactory(city_population=1_200_000)
    client.force_login(nominator)
    url = reverse("nominations:nominate", args=[call.cohort.slug])
    data = complete_post(call.cohort, library, submit=None, save="1")
    client.post(url, data)
    client.post(url, data)
    assert Nomination.objects.count() == 1


def test_rejected_submission_keeps_every_value_and_saves_draft(client, call, nominator):
    library = LibraryFactory(city_population=1_200_000)
    client.force_login(nominator)
    data = complete_post(call.cohort, library, candidate_email="not-an-email", motivation="")
    response = client.post(reverse("nominations:nominate", args=[call.cohort.slug]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Çağla Öztürk" in page
    assert "not-an-email" in page
    assert "Enter a valid email address." in page
    draft = Nomination.objects.get()
    assert draft.status == Nomination.Status.DRAFT
    assert draft.candidate_name == "Çağla Öztürk"
    assert draft.candidate_email == ""
    assert "We saved everything except the marked fields" in page


def test_blank_form_shows_a_library_added_after_it_was_cached(client, call, nominator):
    client.force_login(nominator)
    url = reverse("nominations:nominate", args=[call.cohort.slug])
    client.get(url)
    LibraryFactory(name="Brand New Harbour Library")
    assert "Brand New Harbour Library" in client.get(url).content.decode()


def test_blank_form_never_shows_one_person_the_details_of_another(client, call, nominator):
    other = UserFactory(email="someone.else@library.example", display_name="Someone Else")
    url = reverse("nominations:nominate", args=[call.cohort.slug])
    client.force_login(nominator)
    first = client.get(url).content.decode()
    client.force_login(other)
    second = client.get(url).content.decode()
    assert "director@library.example" in first
    assert "someone.else@library.example" in second
    assert "director@library.example" not in second
    tokens = [page.split('name="creation_token" value="')[1][:36] for page in (first, second)]
    assert tokens[0] != tokens[1]
