"""What the nominator is told by mail when their nomination changes state: the candidate
confirmed, declined or asked for a correction, or a facilitator let their late draft in.
(The results are told by nominations.selection.result_mails.)

One mail per event, ever: the outbox key names the event, so repeating an action, or a
retried request, never mails twice.
"""

from django.conf import settings
from django.urls import reverse

from metlib.models import Email
from metlib.outbox import queue_templated_email

from .models import CandidateLink, Nomination

State = CandidateLink.State

TEMPLATE_OF_ANSWER = {
    State.CONFIRMED: "nominator-candidate-confirmed",
    State.DECLINED: "nominator-candidate-declined",
    State.CORRECTION: "nominator-candidate-correction",
}


def nominator_address(nomination: Nomination) -> str:
    """The nominator's account address: verified (their pages require it), unlike the contact
    address typed in the form."""
    return nomination.nominator.email


def _queue(*, key: str, nomination: Nomination, template: str, context: dict) -> Email:
    return queue_templated_email(
        key=key,
        to=nominator_address(nomination),
        template=template,
        context={
            "nomination": nomination,
            "cohort": nomination.cohort,
            "nomination_url": settings.SITE_URL
            + reverse("nominations:detail", args=[nomination.pk]),
            **context,
        },
        language=getattr(nomination.nominator, "language", None),
    )


def tell_candidate_answered(*, link: CandidateLink) -> Email:
    """Tell the nominator what the candidate answered through ``link`` (once per link and
    answer). Call it in the transaction that recorded the answer."""
    nomination = link.nomination
    return _queue(
        key=f"nomination:{nomination.pk}:candidate-link:{link.pk}:{link.state}",
        nomination=nomination,
        template=TEMPLATE_OF_ANSWER[State(link.state)],
        context={"link": link, "call": getattr(nomination.cohort, "call", None)},
    )


def tell_late_admitted(*, nomination: Nomination) -> Email:
    """Tell the nominator a facilitator let their draft in after the deadline (once)."""
    return _queue(
        key=f"nomination:{nomination.pk}:late-admitted",
        nomination=nomination,
        template="nominator-late-admitted",
        context={"edit_url": settings.SITE_URL + reverse("nominations:edit", args=[nomination.pk])},
    )
