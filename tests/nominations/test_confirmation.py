"""Two-party nomination: the nominator's receipt and the candidate's confirmation link."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from metlib.models import Email
from nominations.models import CandidateLink, Nomination

from ..factories import LibraryFactory, UserFactory
from .nominating import (
    CONFIRM_LINK,
    cohort_with_call,
    complete_post,
    confirm_path_from_mail,
    sent_to,
)

AWAITING = "awaiting the candidate"  # … 's confirmation, the apostrophe maybe escaped


@pytest.fixture(autouse=True)
def _while_call_is_open():
    with time_machine.travel(dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def cohort(db):
    return cohort_with_call()


@pytest.fixture
def library(db):
    return LibraryFactory(name="Helsinki Central Library Oodi", city="Helsinki")


@pytest.fixture
def nominator(db):
    return UserFactory(email="director@library.example", display_name="Dana Director")


@pytest.fixture
def submitted(client, cohort, library, nominator, django_capture_on_commit_callbacks):
    """A nomination submitted through the form, its mails sent through the outbox."""
    client.force_login(nominator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]), complete_post(cohort, library)
        )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.status == Nomination.Status.SUBMITTED
    return nomination


def test_submit_queues_receipt_and_candidate_request_when_first_submitted(submitted):
    emails = {email.to: email for email in Email.objects.all()}
    assert set(emails) == {"director@library.example", "cagri@library.example"}
    receipt, request = emails["director@library.example"], emails["cagri@library.example"]
    assert receipt.key == f"nomination:{submitted.pk}:receipt"
    assert request.key == f"nomination:{submitted.pk}:candidate-confirmation"
    assert "Nomination received" in receipt.subject
    assert "Please confirm your nomination" in request.subject
    summary = [
        "Helsinki Central Library Oodi",
        "Çağla Öztürk",
        "Head of branches",
        "Ten new branches",
        "Urban Mobility",
        "Civic Engagement",
        "Dana Director",
    ]
    for email in (receipt, request):
        assert email.status == Email.Status.SENT
        for part in summary:
            assert part in email.body_text, (email.key, part)
            assert part in email.body_html, (email.key, part)
        assert email.body_html.lstrip().startswith("<!DOCTYPE html>")
    assert "/nominations/confirm/" in request.body_text
    assert "/nominations/confirm/" not in receipt.body_text
    assert reverse("nominations:detail", args=[submitted.pk]) in receipt.body_text


def test_submit_sends_both_mails_with_text_and_html_when_outbox_runs(submitted):
    assert len(mail.outbox) == 2
    for address in ("director@library.example", "cagri@library.example"):
        (message,) = sent_to(address)
        assert message.body.strip()
        ((html, mimetype),) = message.alternatives
        assert mimetype == "text/html"
        assert "Çağla Öztürk" in html


def test_candidate_link_confirms_when_candidate_agrees(client, submitted, nominator):
    detail = reverse("nominations:detail", args=[submitted.pk])
    mine = reverse("nominations:mine")
    assert AWAITING in client.get(detail).content.decode()
    assert AWAITING in client.get(mine).content.decode()

    path = confirm_path_from_mail()
    client.logout()
    page = client.get(path).content.decode()
    assert "Dana Director of Helsinki Central Library Oodi has nominated you" in page
    assert "Ten new branches" in page
    assert 'name="agree"' in page

    response = client.post(path, {"agree": "on"})
    assert response.status_code == 200
    assert "you have confirmed your nomination" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is not None

    client.force_login(nominator)
    page = client.get(detail).content.decode()
    assert AWAITING not in page
    assert "confirmed by the candidate" in page
    assert AWAITING not in client.get(mine).content.decode()


def test_candidate_link_does_not_confirm_when_box_not_ticked(client, submitted):
    path = confirm_path_from_mail()
    client.logout()
    response = client.post(path, {})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None


def test_candidate_link_confirms_once_when_posted_twice(client, submitted):
    path = confirm_path_from_mail()
    client.post(path, {"agree": "on"})
    submitted.refresh_from_db()
    first = submitted.candidate_confirmed_at
    client.post(path, {"agree": "on"})
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at == first


def test_token_is_stored_only_as_hash_when_submitted(submitted):
    token = confirm_path_from_mail().rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40  # 32 random bytes, URL-safe
    link = CandidateLink.objects.get(nomination=submitted)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    for row in (
        Nomination.objects.filter(pk=submitted.pk).values().get(),
        CandidateLink.objects.filter(pk=link.pk).values().get(),
    ):
        assert not any(token in str(value) for value in row.values())


@pytest.mark.parametrize(
    "token",
    [
        "Vb1kq3Tt0jW9m8XxYzA2c4E6g8I0k2M4o6Q8s0U2w4Y",  # well-formed, never issued
        "garbage",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "x" * 5000,
        "0",
    ],
    ids=["well-formed", "garbage", "markup", "very-long", "zero"],
)
def test_confirm_link_is_404_when_token_wrong(client, submitted, token):
    assert client.get(f"/nominations/confirm/{token}/").status_code == 404
    assert client.post(f"/nominations/confirm/{token}/", {"agree": "on"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None


def test_confirm_link_is_404_when_stored_hash_used_as_token(client, submitted):
    token_hash = CandidateLink.objects.get(nomination=submitted).token_hash
    response = client.get(reverse("nominations:confirm", args=[token_hash]))
    assert response.status_code == 404


def test_confirm_link_says_withdrawn_when_nomination_withdrawn(client, submitted):
    # Was a bare 404; issue 14: the link says what happened (410 Gone), and shows nothing more.
    path = confirm_path_from_mail()
    client.post(reverse("nominations:withdraw", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.status == Nomination.Status.WITHDRAWN
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "This nomination was withdrawn" in response.content.decode()
    assert "Ten new branches" not in response.content.decode()
    assert client.post(path, {"agree": "on"}).status_code == 410
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None


def test_mails_not_sent_twice_when_resubmitted_or_changed(
    client, cohort, library, submitted, django_capture_on_commit_callbacks
):
    edit = reverse("nominations:edit", args=[submitted.pk])
    with django_capture_on_commit_callbacks(execute=True):
        # The first POST of the new-nomination form, sent again (a double click or a reload).
        token = str(submitted.creation_token)
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]),
            complete_post(cohort, library, creation_token=token),
        )
        assert response.status_code == 302
        for motivation in ("Changed once.", "Changed twice."):
            response = client.post(edit, complete_post(cohort, library, motivation=motivation))
            assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.motivation == "Changed twice."
    assert Nomination.objects.count() == 1
    assert Email.objects.count() == 2
    assert len(mail.outbox) == 2


def test_no_mail_when_draft_saved(client, cohort, library, nominator):
    client.force_login(nominator)
    data = complete_post(cohort, library, submit=None, save="1")
    client.post(reverse("nominations:nominate", args=[cohort.slug]), data)
    assert Nomination.objects.get().status == Nomination.Status.DRAFT
    assert not Email.objects.exists()


def test_candidate_mail_is_escaped_in_html_and_plain_in_text(client, cohort, nominator):
    library = LibraryFactory(name="O'Brien & Co <Library>")
    client.force_login(nominator)
    client.post(
        reverse("nominations:nominate", args=[cohort.slug]),
        complete_post(cohort, library, project_title="<b>Bold</b> & new"),
    )
    request = Email.objects.get(key__endswith=":candidate-confirmation")
    assert "O'Brien & Co <Library>" in request.body_text
    assert "<b>Bold</b> & new" in request.body_text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; new" in request.body_html
    assert "<b>Bold</b>" not in request.body_html


def test_new_candidate_address_is_asked_again_and_the_old_link_stops_working(
    client, cohort, library, submitted, django_capture_on_commit_callbacks
):
    old_link = confirm_path_from_mail()
    client.post(old_link, {"agree": "on"})
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("nominations:edit", args=[submitted.pk]),
            complete_post(cohort, library, candidate_email="new.candidate@library.example"),
            follow=True,
        )
    assert "asked new.candidate@library.example to confirm" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None
    # Was a bare 404; issue 14: the old link says it was replaced (410 Gone).
    old_page = client.get(old_link)
    assert old_page.status_code == 410
    assert "This link has been replaced" in old_page.content.decode()
    assert len(sent_to("new.candidate@library.example")) == 1
    request = Email.objects.get(to="new.candidate@library.example")
    new_link = CONFIRM_LINK.search(request.body_text).group(1)
    assert client.get(new_link).status_code == 200

    # Saving again without changing the address asks nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("nominations:edit", args=[submitted.pk]),
            complete_post(
                cohort, library, candidate_email="new.candidate@library.example", motivation="x"
            ),
        )
    assert len(sent_to("new.candidate@library.example")) == 1
