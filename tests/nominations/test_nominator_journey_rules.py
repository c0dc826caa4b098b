"""The nominating library's rules that keep strangers safe and nothing typed lost: receipts only
to verified addresses, a cap on new nominations per account, typed libraries private until
submitted and checked when typed, the returning nominator and their colleagues, a session that
ended or a form sent without a valid token."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from cohorts.models import Library
from metlib.verified import verified_address
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
    user = UserFactory(email="director@oodi.example")  # with a verified, primary address
    client.force_login(user)
    return user


def nominate(client, cohort, data, **query):
    url = reverse("nominations:nominate", args=[cohort.slug])
    return client.post(url + ("?new=1" if query.get("new") else ""), data)


def test_the_receipt_goes_to_a_verified_address_never_to_the_typed_one(
    client, cohort, nominator, django_capture_on_commit_callbacks
):
    data = complete_post(cohort, LibraryFactory(), nominator_email="stranger@elsewhere.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert nominate(client, cohort, data).status_code == 302
    receipts = [
        m for m in mail.outbox if "receipt" in m.subject.lower() or "received" in m.subject.lower()
    ]
    addressed = {address for m in mail.outbox for address in m.to}
    assert "stranger@elsewhere.example" not in addressed
    assert nominator.email in addressed
    assert receipts or addressed  # the receipt went to the account's verified address


@pytest.mark.django_db
def test_verified_address_prefers_a_verified_contact_and_refuses_an_unverified_one():
    user = UserFactory(email="main@oodi.example")  # verified and primary
    EmailAddress.objects.create(user=user, email="second@oodi.example", verified=True)
    EmailAddress.objects.create(user=user, email="unsure@oodi.example", verified=False)
    assert verified_address(user, "Second@Oodi.example") == "second@oodi.example"
    assert verified_address(user, "unsure@oodi.example") == "main@oodi.example"
    assert verified_address(user, "anyone@else.example") == "main@oodi.example"


def test_an_account_may_start_only_so_many_nominations_per_call(
    client, cohort, nominator, settings
):
    settings.NOMINATIONS_PER_ACCOUNT = 2
    for number in range(2):
        data = as_draft(complete_post(cohort, None, candidate_name=f"Candidate {number}"))
        data["creation_token"] = ""
        assert nominate(client, cohort, data, new=True).status_code == 302
    data = as_draft(complete_post(cohort, None, candidate_name="One Too Many"))
    data["creation_token"] = ""
    refused = nominate(client, cohort, data, new=True)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "You have already started 2 nominations for this call" in page
    assert 'value="One Too Many"' in page  # what was typed stays on the page
    assert Nomination.objects.count() == 2


def test_a_typed_library_stays_private_until_the_nomination_is_submitted(client, cohort, nominator):
    typed = {
        "new_library_name": "Biblioteca Privada",
        "new_library_city": "Quito",
        "new_library_country": "EC",
        "new_library_population": "2000000",
    }
    assert (
        nominate(client, cohort, as_draft(complete_post(cohort, None, **typed))).status_code == 302
    )
    library = Library.objects.get(name="Biblioteca Privada")
    assert not library.listed
    other = Client()
    other.force_login(UserFactory())
    blank = other.get(reverse("nominations:nominate", args=[cohort.slug]) + "?new=1")
    assert "Biblioteca Privada" not in blank.content.decode()
    draft = Nomination.objects.get()
    mine = client.get(reverse("nominations:edit", args=[draft.pk])).content.decode()
    assert "Biblioteca Privada" in mine
    submitted = complete_post(cohort, library)
    assert client.post(reverse("nominations:edit", args=[draft.pk]), submitted).status_code == 302
    library.refresh_from_db()
    assert library.listed


def test_a_typed_library_below_the_call_s_population_is_refused_when_typed(
    client, cohort, nominator
):
    typed = {
        "new_library_name": "Village Library",
        "new_library_city": "Tartu",
        "new_library_country": "EE",
        "new_library_population": "97000",
    }
    page = nominate(client, cohort, as_draft(complete_post(cohort, None, **typed)))
    html = page.content.decode()
    assert "Village Library serves an urban area of 97,000 people" in html
    assert not Library.objects.filter(name="Village Library").exists()
    assert Nomination.objects.get().candidate_name == "Çağla Öztürk"  # the rest was saved


def test_nominate_leads_a_returning_nominator_to_what_they_started(client, cohort, nominator):
    started = NominationFactory(cohort=cohort, nominator=nominator)
    url = reverse("nominations:nominate", args=[cohort.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:edit", args=[started.pk])
    assert client.get(url + "?new=1").status_code == 200  # another one, when asked for
    call_page = client.get(reverse("nominations:call", args=[cohort.slug])).content.decode()
    assert reverse("nominations:edit", args=[started.pk]) in call_page
    assert "Nominate another candidate" in call_page


def test_the_call_page_tells_a_colleague_the_library_has_nominated(client, cohort, nominator):
    library = LibraryFactory(name="Oodi")
    colleague = UserFactory(email="deputy@oodi.example")
    NominationFactory(cohort=cohort, nominator=colleague, library=library, status="submitted")
    page = client.get(reverse("nominations:call", args=[cohort.slug])).content.decode()
    assert "Oodi has already nominated 1 candidate for this call." in page
    outsider = Client()
    outsider.force_login(UserFactory(email="someone@gmail.com"))
    page = outsider.get(reverse("nominations:call", args=[cohort.slug])).content.decode()
    assert "has already nominated" not in page


def test_a_save_after_the_session_ended_comes_back_after_signing_in(client, cohort, db):
    person = UserFactory(email="back@oodi.example")
    data = as_draft(complete_post(cohort, None, motivation="Written over a whole afternoon."))
    response = nominate(client, cohort, data)  # signed out: the session had ended
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Nomination.objects.exists()
    client.force_login(person)  # signing in keeps the session's data
    again = client.get(reverse("nominations:nominate", args=[cohort.slug]))
    page = again.content.decode()
    assert again.status_code == 200
    assert "Written over a whole afternoon." in page
    assert "Here is what you typed before signing in. Save it now." in page
    assert not Nomination.objects.exists()  # nothing saved until they save


def test_a_form_sent_without_a_valid_token_shows_what_was_typed(cohort, nominator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nominator)
    url = reverse("nominations:nominate", args=[cohort.slug])
    response = browser.post(
        url, {"csrfmiddlewaretoken": "stale", "motivation": "Ten paragraphs of reasons."}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form could not be sent" in page
    assert "Ten paragraphs of reasons." in page
    assert f'action="{url}"' in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize("count", [1, 12])
def test_the_call_page_s_queries_do_not_grow_with_the_person_s_nominations(
    client, cohort, nominator, django_assert_num_queries, count
):
    library = LibraryFactory(name="Oodi")
    own = NominationFactory.create_batch(count, cohort=cohort, nominator=nominator, library=library)
    colleague = UserFactory(email="deputy@oodi.example")
    NominationFactory.create_batch(
        count, cohort=cohort, nominator=colleague, library=library, status="submitted"
    )
    url = reverse("nominations:call", args=[cohort.slug])
    client.get(url)
    # the person, the cohort with its call and programme, the themes, the person's own
    # nominations, the libraries they nominated for, their colleagues' nominations
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert all(reverse("nominations:edit", args=[n.pk]) in page for n in own)
    assert f"Oodi has already nominated {count} candidate" in page
