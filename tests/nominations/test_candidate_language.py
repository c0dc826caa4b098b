"""A candidate is written to in their own language when they have an account, else in their
nominator's (a colleague of the same library), never in the site's by default."""

import pytest
from django.utils import timezone

from metlib.models import Email
from nominations.candidate import issue_link
from nominations.models import Decision, Nomination
from nominations.selection.result_mails import queue_result_mails

from ..factories import NominationFactory, UserFactory

pytestmark = pytest.mark.django_db

FRENCH_CONFIRM = "Veuillez confirmer votre candidature pour"
SPANISH_CONFIRM = "Confirme su candidatura para"


def _confirmation(nomination: Nomination) -> Email:
    issue_link(nomination=nomination)
    return Email.objects.get(to=nomination.candidate_email, key__contains="candidate-confirmation")


def test_confirmation_is_in_the_nominators_language_when_the_candidate_has_no_account():
    nomination = NominationFactory(
        nominator=UserFactory(language="es"), status=Nomination.Status.SUBMITTED
    )
    assert _confirmation(nomination).subject.startswith(SPANISH_CONFIRM)


def test_confirmation_is_in_the_candidates_own_language_when_they_have_an_account():
    UserFactory(email="Aino@Library.example", language="fr")
    nomination = NominationFactory(
        nominator=UserFactory(language="es"),
        candidate_email="aino@library.example",
        status=Nomination.Status.SUBMITTED,
    )
    assert _confirmation(nomination).subject.startswith(FRENCH_CONFIRM)


def test_result_mails_go_to_each_in_their_own_language():
    nominator = UserFactory(language="es")
    UserFactory(email="candidate@library.example", language="fr")
    nomination = NominationFactory(
        nominator=nominator,
        candidate_email="candidate@library.example",
        status=Nomination.Status.UNDER_REVIEW,
    )
    decision = Decision.objects.create(
        nomination=nomination,
        outcome=Decision.Outcome.ACCEPTED,
        decided_by=UserFactory(),
        decided_at=timezone.now(),
    )
    queue_result_mails(decision=decision)
    to_candidate = Email.objects.get(to="candidate@library.example")
    to_nominator = Email.objects.get(to=nominator.email)
    assert to_candidate.subject.startswith("Votre candidature pour"), to_candidate.subject
    assert to_nominator.subject.startswith("La candidatura de"), to_nominator.subject
