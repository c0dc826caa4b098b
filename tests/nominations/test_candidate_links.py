"""The candidate's confirmation link in every state, the candidate's three answers, asking
again after a change, the limits on requests, and what the nominator is told (issue 14)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Role
from metlib.models import Email
from nominations import candidate
from nominations.models import CandidateLink, Nomination

from ..factories import (
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    SelectionFactory,
    UserFactory,
)
from .nominating import CONFIRM_LINK, DEADLINE_2024, cohort_with_call, complete_post, sent_to

NOMINATOR = "director@library.example"
CANDIDATE = "cagri@library.example"
CONTACT = "learning.circle@ifla.example"


@pytest.fixture(autouse=True)
def _while_call_is_open():
    with time_machine.travel(dt.datetime(2024, 2, 1, 12, 0, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def cohort(db):
    return cohort_with_call(contact_name="Circle team", contact_email=CONTACT)


@pytest.fixture
def library(db):
    return LibraryFactory(name="Helsinki Central Library Oodi", city="Helsinki")


@pytest.fixture
def nominator(db):
    return UserFactory(email=NOMINATOR, display_name="Dana Director")


@pytest.fixture
def run_mail(django_capture_on_commit_callbacks):
    """Run a block with the outbox sending what it queued, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def submitted(client, cohort, library, nominator, run_mail):
    client.force_login(nominator)
    with run_mail():
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]), complete_post(cohort, library)
        )
    assert response.status_code == 302
    return Nomination.objects.get()


def links_to(address: str) -> list[str]:
    """The confirmation links mailed to ``address``, oldest first, as paths."""
    emails = Email.objects.filter(to=address, key__contains="candidate-confirmation")
    return [CONFIRM_LINK.search(email.body_text).group(1) for email in emails.order_by("pk")]


def nominator_mails(nomination: Nomination, answer: str) -> list[Email]:
    return list(Email.objects.filter(to=NOMINATOR, key__endswith=f":{answer}"))


def edit(client, cohort, library, nomination, run_mail, **changes):
    with run_mail():
        return client.post(
            reverse("nominations:edit", args=[nomination.pk]),
            complete_post(cohort, library, **changes),
            follow=True,
        )


# --- What each link shows -------------------------------------------------------------------


@pytest.mark.parametrize("token", ["never-issued-token", "x" * 500])
def test_unknown_link_explains_with_404_when_token_never_issued(client, submitted, token):
    response = client.get(f"/nominations/confirm/{token}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link does not work" in page
    assert "cut across two lines" in page
    assert "Ten new branches" not in page
    assert "Not Found" not in page


def test_open_link_shows_the_nomination_and_three_answers_when_unanswered(client, submitted):
    client.logout()
    response = client.get(links_to(CANDIDATE)[0])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ten new branches" in page
    for answer in ("confirm", "correct", "decline"):
        assert f'name="answer" value="{answer}"' in page
    assert "maxlength" not in page  # a long paste is refused with a message, not cut
    assert f"mailto:{CONTACT}" in page


def test_superseded_link_says_replaced_and_hides_the_nomination_when_address_changed(
    client, cohort, library, submitted, run_mail
):
    old = links_to(CANDIDATE)[0]
    edit(client, cohort, library, submitted, run_mail, candidate_email="new@library.example")
    client.logout()
    response = client.get(old)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has been replaced" in page
    assert f"mailto:{CONTACT}" in page
    for private in ("Ten new branches", "new@library.example", "Çağla Öztürk"):
        assert private not in page
    assert client.post(old, {"answer": "confirm", "agree": "on"}).status_code == 410
    assert CandidateLink.objects.get(email=CANDIDATE).state == CandidateLink.State.SUPERSEDED
    assert client.get(links_to("new@library.example")[0]).status_code == 200


def test_closed_link_hides_the_nomination_when_results_published(client, submitted):
    path = links_to(CANDIDATE)[0]
    SelectionFactory(cohort=submitted.cohort, published_at=timezone.now())
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    page = response.content.decode()
    assert "The selection is over" in page
    assert "This link no longer shows the nomination." in page
    assert "Ten new branches" not in page
    assert "Çağla Öztürk" not in page
    client.post(path, {"answer": "decline"})
    submitted.refresh_from_db()
    assert submitted.candidate_declined_at is None


def test_closed_link_hides_the_nomination_when_decided(client, submitted):
    path = links_to(CANDIDATE)[0]
    Nomination.objects.filter(pk=submitted.pk).update(status=Nomination.Status.ACCEPTED)
    response = client.get(path)
    assert response.status_code == 410
    assert "Ten new branches" not in response.content.decode()


def test_used_link_says_confirmed_when_opened_again(client, submitted):
    path = links_to(CANDIDATE)[0]
    client.post(path, {"answer": "confirm", "agree": "on"})
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "you have confirmed your nomination" in page
    assert 'name="answer"' not in page
    assert f"mailto:{CONTACT}" in page


# --- The candidate's answers and the nominator's mails --------------------------------------


def test_confirm_tells_the_nominator_once_when_posted_twice(client, submitted, run_mail):
    path = links_to(CANDIDATE)[0]
    client.logout()
    with run_mail():
        client.post(path, {"answer": "confirm", "agree": "on"})
        client.post(path, {"answer": "confirm", "agree": "on"})
    (told,) = nominator_mails(submitted, "confirmed")
    assert "Çağla Öztürk has confirmed the nomination" in told.subject
    assert reverse("nominations:detail", args=[submitted.pk]) in told.body_text
    assert len(sent_to(NOMINATOR)) == 2  # the receipt, then this


def test_decline_records_and_tells_the_nominator_once_when_posted_twice(
    client, submitted, nominator, run_mail
):
    path = links_to(CANDIDATE)[0]
    client.logout()
    with run_mail():
        response = client.post(path, {"answer": "decline"})
        again = client.post(path, {"answer": "decline"})
        client.post(path, {"answer": "confirm", "agree": "on"})
    assert response.status_code == again.status_code == 200
    assert "You have declined your nomination" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.candidate_declined_at is not None
    assert submitted.candidate_confirmed_at is None
    assert not submitted.awaits_candidate
    (told,) = nominator_mails(submitted, "declined")
    assert "has declined the nomination" in told.subject
    assert "nominate someone else by changing the candidate" in told.body_text
    assert not nominator_mails(submitted, "confirmed")
    (message,) = [m for m in sent_to(NOMINATOR) if "declined" in m.subject]
    assert message.alternatives

    client.force_login(nominator)
    page = client.get(reverse("nominations:detail", args=[submitted.pk])).content.decode()
    assert "declined by the candidate" in page
    assert "awaiting the candidate" not in page


def test_correction_tells_the_nominator_what_to_correct(client, submitted, run_mail):
    path = links_to(CANDIDATE)[0]
    client.logout()
    text = "My title is Head of Branch Services, & the project is 12 branches <not 10>."
    with run_mail():
        response = client.post(path, {"answer": "correct", "correction": text})
        client.post(path, {"answer": "correct", "correction": "Second thoughts."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "You asked for a correction" in page
    assert "Head of Branch Services, &amp; the project is 12 branches &lt;not 10&gt;." in page
    assert 'value="confirm"' in page  # they may still confirm or decline
    (told,) = nominator_mails(submitted, "correction")
    assert text in told.body_text
    assert "&lt;not 10&gt;" in told.body_html
    assert "Second thoughts." not in told.body_text
    link = CandidateLink.objects.get()
    assert link.state == CandidateLink.State.CORRECTION
    assert link.correction == text

    client.force_login(submitted.nominator)
    page = client.get(reverse("nominations:detail", args=[submitted.pk])).content.decode()
    assert "The candidate asks for a correction" in page
    assert "&lt;not 10&gt;" in page


@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "Say what should be corrected."), ("x" * 1001, "at most 1000 characters")],
    ids=["empty", "too-long"],
)
def test_correction_is_refused_with_a_message_when_empty_or_too_long(
    client, submitted, text, error
):
    response = client.post(links_to(CANDIDATE)[0], {"answer": "correct", "correction": text})
    assert error in response.content.decode()
    assert CandidateLink.objects.get().state == CandidateLink.State.PENDING
    assert not nominator_mails(submitted, "correction")


def test_answer_is_not_recorded_when_the_nomination_changed_while_read(
    client, cohort, library, submitted, run_mail
):
    path = links_to(CANDIDATE)[0]
    seen = candidate.fingerprint(submitted)
    edit(client, cohort, library, submitted, run_mail, motivation="Rewritten meanwhile.")
    response = client.post(path, {"answer": "confirm", "agree": "on", "seen": seen})
    page = response.content.decode()
    assert "The nomination changed while you were reading it" in page
    assert "Rewritten meanwhile." in page
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None
    fresh = client.post(
        path, {"answer": "confirm", "agree": "on", "seen": candidate.fingerprint(submitted)}
    )
    assert "you have confirmed your nomination" in fresh.content.decode()


# --- Asking again after a change ------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"motivation": "A new motivation."},
        {"candidate_job_title": "Director of branches"},
        {"candidate_name": "Çağla Öztürk-Yılmaz"},
        {"project_description": "Twelve branches by 2028."},
    ],
    ids=["motivation", "job", "name", "project"],
)
def test_change_to_what_was_confirmed_asks_again_with_a_new_link(
    client, cohort, library, submitted, run_mail, change
):
    first = links_to(CANDIDATE)[0]
    client.post(first, {"answer": "confirm", "agree": "on"})
    edit(client, cohort, library, submitted, run_mail, **change)
    submitted.refresh_from_db()
    assert submitted.candidate_confirmed_at is None
    assert submitted.awaits_candidate
    links = links_to(CANDIDATE)
    assert len(links) == 2
    assert client.get(first).status_code == 410
    again = Email.objects.filter(to=CANDIDATE).order_by("pk").last()
    assert "The nomination has changed since you were last asked" in again.body_text
    assert client.get(links[1]).status_code == 200
    assert len(sent_to(CANDIDATE)) == 2


def test_change_to_the_nominators_own_details_does_not_ask_again(
    client, cohort, library, submitted, run_mail
):
    client.post(links_to(CANDIDATE)[0], {"answer": "confirm", "agree": "on"})
    edit(client, cohort, library, submitted, run_mail, nominator_role="Deputy director")
    submitted.refresh_from_db()
    assert submitted.nominator_role == "Deputy director"
    assert submitted.candidate_confirmed_at is not None
    assert len(links_to(CANDIDATE)) == 1


def test_correction_then_change_asks_again_and_saving_again_does_not(
    client, cohort, library, submitted, run_mail
):
    client.post(links_to(CANDIDATE)[0], {"answer": "correct", "correction": "Job title."})
    edit(client, cohort, library, submitted, run_mail, candidate_job_title="Head of services")
    assert len(links_to(CANDIDATE)) == 2
    edit(client, cohort, library, submitted, run_mail, candidate_job_title="Head of services")
    assert len(links_to(CANDIDATE)) == 2


def test_declined_candidate_is_not_asked_again_when_motivation_changes(
    client, cohort, library, submitted, run_mail
):
    client.post(links_to(CANDIDATE)[0], {"answer": "decline"})
    edit(client, cohort, library, submitted, run_mail, motivation="Please reconsider.")
    assert len(links_to(CANDIDATE)) == 1
    edit(client, cohort, library, submitted, run_mail, candidate_email="other@library.example")
    assert len(links_to("other@library.example")) == 1
    submitted.refresh_from_db()
    assert submitted.candidate_declined_at is None
    assert submitted.awaits_candidate


# --- Limits ---------------------------------------------------------------------------------


def test_requests_per_address_are_capped_with_a_message_when_asked_too_often(
    client, cohort, library, submitted, run_mail, settings
):
    settings.CANDIDATE_REQUESTS_PER_ADDRESS = 2
    client.post(links_to(CANDIDATE)[0], {"answer": "confirm", "agree": "on"})
    edit(client, cohort, library, submitted, run_mail, motivation="Second version.")
    client.post(links_to(CANDIDATE)[1], {"answer": "confirm", "agree": "on"})

    response = edit(client, cohort, library, submitted, run_mail, motivation="Third version.")
    page = response.content.decode()
    assert f"{CANDIDATE} has already been asked 2 times to confirm this nomination" in page
    assert CONTACT in page
    assert "Third version." in page  # what was typed is still in the form
    submitted.refresh_from_db()
    assert submitted.motivation == "Second version."
    assert submitted.candidate_confirmed_at is not None
    assert len(links_to(CANDIDATE)) == 2
    assert len(sent_to(CANDIDATE)) == 2


def test_switching_addresses_back_counts_against_the_same_address(
    client, cohort, library, submitted, run_mail, settings
):
    settings.CANDIDATE_REQUESTS_PER_ADDRESS = 1
    edit(client, cohort, library, submitted, run_mail, candidate_email="b@library.example")
    response = edit(client, cohort, library, submitted, run_mail, candidate_email=CANDIDATE)
    assert "has already been asked 1 time" in response.content.decode()
    assert len(links_to(CANDIDATE)) == 1
    assert len(links_to("b@library.example")) == 1


def test_daily_requests_per_account_are_capped_with_a_message(
    client, cohort, nominator, submitted, run_mail, settings
):
    settings.CANDIDATE_REQUESTS_PER_DAY = 1
    other_library = LibraryFactory(name="Stadtbibliothek Köln", city="Köln")
    data = complete_post(cohort, other_library, candidate_email="third@library.example")
    with run_mail():
        response = client.post(
            reverse("nominations:nominate", args=[cohort.slug]), data, follow=True
        )
    page = response.content.decode()
    assert "You have asked candidates to confirm" not in page  # one: the singular
    assert "You have asked 1 candidate to confirm in the last 24 hours" in page
    second = Nomination.objects.get(library=other_library)
    assert second.status == Nomination.Status.DRAFT
    assert not Email.objects.filter(to="third@library.example").exists()

    with time_machine.travel(dt.datetime(2024, 2, 2, 12, 1, tzinfo=dt.UTC)), run_mail():
        client.post(
            reverse("nominations:edit", args=[second.pk]),
            complete_post(cohort, other_library, candidate_email="third@library.example"),
        )
    second.refresh_from_db()
    assert second.status == Nomination.Status.SUBMITTED
    assert len(sent_to("third@library.example")) == 1


def test_daily_cap_counts_only_this_accounts_requests(cohort, submitted, settings):
    settings.CANDIDATE_REQUESTS_PER_DAY = 1
    stranger = UserFactory()

    theirs = NominationFactory(cohort=cohort, nominator=stranger, status="submitted")
    assert candidate.request_refusal(nomination=theirs) is None
    assert candidate.request_refusal(nomination=submitted) is not None


# --- Late admission -------------------------------------------------------------------------


def test_late_admission_tells_the_nominator_once_when_let_in_twice(
    client, cohort, library, nominator, run_mail
):

    draft = NominationFactory(cohort=cohort, nominator=nominator, library=library)
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    url = reverse("nominations:admit_late", args=[cohort.slug, draft.pk])
    with time_machine.travel(DEADLINE_2024 + dt.timedelta(hours=2)), run_mail():
        client.force_login(facilitator)  # a session from two weeks earlier has expired
        client.post(url, {"note": "Their mail server was down."})
        client.post(url, {"note": "Again."})
    (told,) = Email.objects.filter(key=f"nomination:{draft.pk}:late-admitted")
    assert told.to == NOMINATOR
    assert "let in after the deadline" in told.subject
    assert reverse("nominations:edit", args=[draft.pk]) in told.body_text
    assert "Their mail server was down." not in told.body_text  # the note is the facilitators'
    assert len(sent_to(NOMINATOR)) == 1
    assert mail.outbox[0].alternatives


def test_pipeline_shows_declined_not_awaiting_when_candidate_declined(client, cohort, submitted):
    client.post(links_to(CANDIDATE)[0], {"answer": "decline"})
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    client.force_login(facilitator)
    listing = client.get(reverse("nominations:pipeline", args=[cohort.slug])).content.decode()
    assert "declined by the candidate" in listing
    assert "awaiting the candidate" not in listing
    detail = client.get(
        reverse("nominations:pipeline_detail", args=[cohort.slug, submitted.pk])
    ).content.decode()
    assert "declined by the candidate" in detail
    assert "Confirmation requests to the candidate" in detail
    assert f"Sent to {CANDIDATE}" in detail
    assert "Declined by the candidate" in detail


def test_link_from_before_the_migration_asks_again_only_for_a_new_address(
    client, cohort, library, submitted, run_mail
):
    # Links moved over by migration 0004 do not know what the candidate confirmed.
    client.post(links_to(CANDIDATE)[0], {"answer": "confirm", "agree": "on"})
    CandidateLink.objects.update(contents="")
    edit(client, cohort, library, submitted, run_mail, motivation="Changed after migrating.")
    assert len(links_to(CANDIDATE)) == 1
    edit(client, cohort, library, submitted, run_mail, candidate_email="new@library.example")
    assert len(links_to("new@library.example")) == 1
