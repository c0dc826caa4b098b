"""The result mails: one per nomination, outcome and recipient, ever, written to the outbox."""

from django.conf import settings
from django.urls import reverse

from metlib.languages import language_of
from metlib.outbox import queue_templated_email
from metlib.verified import verified_address

from ..models import Decision, Nomination
from ..selectors import candidate_language

Status = Nomination.Status


def result_mail_key(nomination: Nomination, outcome: str, *, nominator: bool = False) -> str:
    """The outbox key of a result mail: one per nomination, outcome and recipient, ever."""
    key = f"nomination:{nomination.pk}:result:{outcome}"
    return f"{key}:nominator" if nominator else key


def nominated_themselves(nomination: Nomination) -> bool:
    """Whether the candidate is the nominator (by the account's or the typed contact address)."""
    candidate = nomination.candidate_email.strip().lower()
    return candidate in {
        nomination.nominator.email.strip().lower(),
        (nomination.nominator_email or "").strip().lower(),
    }


def result_recipients(
    nomination: Nomination, *, nominator_addresses: list | None = None
) -> list[tuple[str, bool]]:
    """(address, is the nominator) of each result mail: the candidate, then the nominator at a
    verified address of theirs, unless they nominated themselves. ``nominator_addresses``:
    the nominator's verified addresses, when the caller fetched them for many at once."""
    recipients = [(nomination.candidate_email.strip(), False)]
    if not nominated_themselves(nomination):
        nominator = verified_address(
            nomination.nominator, nomination.nominator_email, known=nominator_addresses
        )
        recipients.append((nominator, True))
    return recipients


def queue_result_mails(*, decision: Decision, promoted: bool = False) -> None:
    nomination = decision.nomination
    cohort = nomination.cohort
    context = {
        "nomination": nomination,
        "cohort": cohort,
        "decision": decision,
        "promoted": promoted,
        "cohort_url": settings.SITE_URL + cohort.get_absolute_url(),
        "sign_in_url": settings.SITE_URL + reverse("account_request_login_code"),
        "nomination_url": settings.SITE_URL + reverse("nominations:detail", args=[nomination.pk]),
    }
    for address, to_nominator in result_recipients(nomination):
        queue_templated_email(
            key=result_mail_key(nomination, decision.outcome, nominator=to_nominator),
            to=address,
            template=f"selection-{decision.outcome}",
            context={**context, "to_candidate": not to_nominator},
            language=language_of(nomination.nominator)
            if to_nominator
            else candidate_language(nomination),
        )


def cohorts_with_untold_results() -> list[int]:
    """Ids of cohorts whose results are published but not yet told to everyone (a worker
    died, or the broker was down when the facilitator published)."""
    return list(
        Decision.objects.filter(
            nomination__cohort__selection__published_at__isnull=False,
            nomination__status=Status.UNDER_REVIEW,
            published_at__isnull=True,
        )
        .values_list("nomination__cohort_id", flat=True)
        .distinct()
    )
