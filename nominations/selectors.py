"""Reads about nominations that pages outside the pipeline share."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from metlib.languages import language_of

from .models import Nomination


def nominations_by(*, user) -> QuerySet[Nomination]:
    """A nominator's nominations, the most recent cohort first."""
    return (
        Nomination.objects.filter(nominator=user)
        .select_related("cohort", "library")
        .order_by("-cohort__nominations_deadline", "-updated_at")
    )


def projects_of(*, cohort, user_ids: Iterable[int]) -> dict[int, Nomination]:
    """Each participant's project: the nomination that enrolled them, by user id, in one query.

    Enrolment records it (``Nomination.participant``); the roster, the exports, the mentoring
    pages and everything else that shows a person's project ask here.
    """
    nominations = Nomination.objects.filter(
        participant__cohort=cohort, participant__user_id__in=list(user_ids)
    ).select_related("library", "participant")
    return {nomination.participant.user_id: nomination for nomination in nominations}


def candidate_language(nomination: Nomination) -> str:
    """The language to write to a nomination's candidate in. They may have no account: their
    own when they have one (an alumna nominated again, a colleague who once nominated), else
    their nominator's, who works in the same library and wrote the nomination in it."""
    address = nomination.candidate_email.strip()
    account = get_user_model().objects.filter(email__iexact=address).first() if address else None
    return language_of(account if account is not None else nomination.nominator)
