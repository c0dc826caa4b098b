"""The candidate's side of a nomination: the confirmation links mailed to them, what each link
shows, and their answer (confirm, decline, or ask for a correction).

A link is a :class:`~nominations.models.CandidateLink` row holding its token's hash. A
nomination's current link is its newest one not superseded. A new link is mailed on first
submission, when the candidate's address changes, and when something the candidate confirmed
(or asked to have corrected) changes; each new link supersedes the old. So the form cannot be
used to mail strangers, requests are capped per address and nomination and per account a day.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metlib.outbox import queue_templated_email

from . import nominator_mail
from .models import CandidateLink, Nomination
from .selectors import candidate_language

State = CandidateLink.State
Status = Nomination.Status

# What the candidate is asked to confirm: a change to any of these, once they have answered,
# asks them again. The nominator's own name, role and contact address are not among them.
CONFIRMED_FIELDS = (
    "library_id",
    "candidate_name",
    "candidate_job_title",
    "candidate_email",
    "candidate_bio",
    "motivation",
    "project_kind",
    "project_title",
    "project_description",
    "travel_support",
    "stipend_conditional",
    "stipend_reason",
    "commits_working_hours",
    "commits_whole_year",
    "commits_language",
)
CORRECTION_MAX_LENGTH = 1000
RESULTS_STATUSES = {Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED}


class Situation(StrEnum):
    """What a confirmation link is, for the page it opens."""

    OPEN = "open"  # waiting for the candidate's answer
    CORRECTION = "correction"  # the candidate asked for a correction; they may still answer
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    SUPERSEDED = "superseded"  # a newer link was mailed
    WITHDRAWN = "withdrawn"  # the nominator withdrew the nomination
    CLOSED = "closed"  # the results are published: the link shows nothing any more


ANSWERABLE = {Situation.OPEN, Situation.CORRECTION}
# Known links that no longer lead to the nomination: "410 Gone", with a page saying why.
GONE = {Situation.SUPERSEDED, Situation.WITHDRAWN, Situation.CLOSED}


class RequestRefused(Exception):
    """A confirmation request may not be sent; ``message`` says why, for the nominator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fingerprint(nomination: Nomination) -> str:
    """A digest of what the candidate is asked to confirm (``CONFIRMED_FIELDS`` and themes)."""
    values = {name: getattr(nomination, name) for name in CONFIRMED_FIELDS}
    values["candidate_email"] = (values["candidate_email"] or "").strip().lower()
    values["themes"] = sorted(nomination.themes.values_list("pk", flat=True))
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def current_link(nomination: Nomination) -> CandidateLink | None:
    """The nomination's newest link not superseded, or None before it is submitted."""
    return (
        CandidateLink.objects.filter(nomination=nomination)
        .exclude(state=State.SUPERSEDED)
        .order_by("-created_at", "-pk")
        .first()
    )


def contact_of(nomination: Nomination) -> tuple[str, str]:
    """(name, address) of whom the candidate may write to: the call's contact."""
    call = getattr(nomination.cohort, "call", None)
    if call is None:
        return "", ""
    return call.contact_name, call.contact_email


# --- Sending a request ----------------------------------------------------------------------


def _same_address(one: str, other: str) -> bool:
    return one.strip().lower() == other.strip().lower()


def request_refusal(*, nomination: Nomination, at: datetime | None = None) -> str | None:
    """Why a confirmation request to the nomination's candidate may not be sent now, in words
    for the nominator; None when it may."""
    address = nomination.candidate_email.strip()
    per_address = settings.CANDIDATE_REQUESTS_PER_ADDRESS
    asked = CandidateLink.objects.filter(nomination=nomination, email__iexact=address).count()
    if asked >= per_address:
        return ngettext(
            "%(email)s has already been asked %(count)s time to confirm this nomination, the "
            "most we send. The change is not saved. If it is needed, write to %(contact)s.",
            "%(email)s has already been asked %(count)s times to confirm this nomination, the "
            "most we send. The change is not saved. If it is needed, write to %(contact)s.",
            asked,
        ) % {"email": address, "count": asked, "contact": _contact_words(nomination)}
    per_day = settings.CANDIDATE_REQUESTS_PER_DAY
    since = (at or timezone.now()) - timedelta(days=1)
    sent = CandidateLink.objects.filter(
        nomination__nominator_id=nomination.nominator_id, created_at__gt=since
    ).count()
    if sent >= per_day:
        return ngettext(
            "You have asked %(count)s candidate to confirm in the last 24 hours, the most we "
            "send for one account in a day, so we cannot ask %(email)s now. Nothing is lost: "
            "try again tomorrow, or write to %(contact)s.",
            "You have asked candidates to confirm %(count)s times in the last 24 hours, the "
            "most we send for one account in a day, so we cannot ask %(email)s now. Nothing "
            "is lost: try again tomorrow, or write to %(contact)s.",
            sent,
        ) % {"email": address, "count": sent, "contact": _contact_words(nomination)}
    return None


def _contact_words(nomination: Nomination) -> str:
    name, address = contact_of(nomination)
    if name and address:
        return f"{name} <{address}>"
    return address or name or _("the programme's facilitators")


def issue_link(*, nomination: Nomination, at: datetime | None = None) -> CandidateLink:
    """Mail the candidate a new confirmation link, superseding the current one, and reset
    their answer. Call it in the transaction that changed the nomination.

    Raises :class:`RequestRefused` when a limit is reached; nothing is written then.
    """
    with transaction.atomic():
        return _issue_link(nomination=nomination, now=at or timezone.now())


def _issue_link(*, nomination: Nomination, now: datetime) -> CandidateLink:
    # Lock the nominator's account, so two requests at once cannot both pass the daily limit.
    get_user_model().objects.select_for_update().filter(pk=nomination.nominator_id).first()
    refusal = request_refusal(nomination=nomination, at=now)
    if refusal:
        raise RequestRefused(refusal)
    CandidateLink.objects.filter(nomination=nomination).exclude(state=State.SUPERSEDED).update(
        state=State.SUPERSEDED, superseded_at=now
    )
    token = secrets.token_urlsafe(32)
    link = CandidateLink.objects.create(
        nomination=nomination,
        email=nomination.candidate_email.strip(),
        token_hash=Nomination.hash_token(token),
        contents=fingerprint(nomination),
        created_at=now,
    )
    Nomination.objects.filter(pk=nomination.pk).update(
        candidate_confirmed_at=None, candidate_declined_at=None
    )
    nomination.candidate_confirmed_at = nomination.candidate_declined_at = None
    queue_templated_email(
        key=f"nomination:{nomination.pk}:candidate-confirmation"
        + ("" if _is_first(link) else f":{link.token_hash[:16]}"),
        to=link.email,
        template="nomination-candidate-confirmation",
        context={
            "nomination": nomination,
            "cohort": nomination.cohort,
            "themes": list(nomination.themes.all()),
            "confirm_url": settings.SITE_URL + reverse("nominations:confirm", args=[token]),
            "asked_again": not _is_first(link),
        },
        language=candidate_language(nomination),
    )
    return link


def _is_first(link: CandidateLink) -> bool:
    earlier = CandidateLink.objects.filter(nomination_id=link.nomination_id, pk__lt=link.pk)
    return not earlier.exists()


def needs_asking_again(*, nomination: Nomination) -> bool:
    """Whether a saved change to a submitted nomination must be confirmed by the candidate:
    the address changed, or something they confirmed (or asked to correct) changed.

    An unanswered link is not sent again when the contents change: it shows the nomination
    as it is when opened, and the answer counts only for what the page showed.
    """
    link = current_link(nomination)
    if link is None:
        return True
    if not _same_address(link.email, nomination.candidate_email):
        return True
    if link.state in (State.CONFIRMED, State.CORRECTION) and link.contents:
        return link.contents != fingerprint(nomination)
    return False


def ask_again_if_changed(*, nomination: Nomination, at: datetime | None = None) -> bool:
    """Mail a new link when :func:`needs_asking_again`; True if one was mailed.

    Raises :class:`RequestRefused` when a limit is reached. Safe to call twice.
    """
    if not needs_asking_again(nomination=nomination):
        return False
    issue_link(nomination=nomination, at=at)
    return True


def record_link(
    *, nomination: Nomination, token: str, at: datetime, confirmed_at: datetime | None = None
) -> CandidateLink:
    """Record a link already known by its token, mailing nothing (the demo's loader): the same
    token keeps the same row, so loading twice changes nothing."""
    link, _created = CandidateLink.objects.update_or_create(
        token_hash=Nomination.hash_token(token),
        defaults={
            "nomination": nomination,
            "email": nomination.candidate_email,
            "state": State.CONFIRMED if confirmed_at else State.PENDING,
            "answered_at": confirmed_at,
            "contents": fingerprint(nomination),
            "created_at": at,
        },
    )
    return link


# --- The link, as the candidate opens it ----------------------------------------------------


def find_link(token: str) -> CandidateLink | None:
    """The link a token belongs to, whatever its state; None for a token never issued."""
    if not token or len(token) > 100:
        return None
    return (
        CandidateLink.objects.select_related(
            "nomination__cohort__call", "nomination__cohort__selection", "nomination__library"
        )
        .filter(token_hash=Nomination.hash_token(token))
        .first()
    )


def results_published(nomination: Nomination) -> datetime | None:
    """When the results of the nomination's cohort were published, or None."""
    selection = getattr(nomination.cohort, "selection", None)
    if selection is not None and selection.published_at is not None:
        return selection.published_at
    return None


def situation_of(link: CandidateLink) -> Situation:
    nomination = link.nomination
    if results_published(nomination) or nomination.status in RESULTS_STATUSES:
        return Situation.CLOSED
    if nomination.status == Status.WITHDRAWN:
        return Situation.WITHDRAWN
    return {
        State.PENDING: Situation.OPEN,
        State.CORRECTION: Situation.CORRECTION,
        State.CONFIRMED: Situation.CONFIRMED,
        State.DECLINED: Situation.DECLINED,
        State.SUPERSEDED: Situation.SUPERSEDED,
    }[State(link.state)]


def may_ask_correction(link: CandidateLink) -> bool:
    """A correction can be asked once per link, while the nominator can still make it."""
    nomination = link.nomination
    return (
        link.state == State.PENDING
        and nomination.status == Status.SUBMITTED
        and timezone.now() < nomination.cohort.nominations_deadline
    )


# --- The candidate's answer -----------------------------------------------------------------


class Answer(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    CORRECT = "correct"


STATE_OF_ANSWER = {
    Answer.CONFIRM: State.CONFIRMED,
    Answer.DECLINE: State.DECLINED,
    Answer.CORRECT: State.CORRECTION,
}


@dataclass
class Answered:
    link: CandidateLink
    recorded: bool  # False when nothing changed: already answered, gone, or changed meanwhile
    changed_meanwhile: bool = False  # the nomination changed since the candidate's page showed it


def answer_link(
    *,
    link: CandidateLink,
    answer: Answer,
    seen: str = "",
    correction: str = "",
    at: datetime | None = None,
) -> Answered:
    """Record the candidate's answer through ``link`` and tell the nominator, once.

    ``seen`` is the fingerprint of the nomination as the candidate's page showed it; when the
    nomination changed since, nothing is recorded and the page shows it again.
    """
    now = at or timezone.now()
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=link.nomination_id)
        locked = (
            CandidateLink.objects.select_for_update(of=("self",))
            .select_related("nomination__cohort__call", "nomination__cohort__selection")
            .get(pk=link.pk)
        )
        situation = situation_of(locked)
        if situation not in ANSWERABLE:
            return Answered(locked, recorded=False)
        if answer == Answer.CORRECT and not may_ask_correction(locked):
            return Answered(locked, recorded=False)
        current = fingerprint(nomination)
        if seen and seen != current:
            return Answered(locked, recorded=False, changed_meanwhile=True)
        locked.state = STATE_OF_ANSWER[answer]
        locked.answered_at = now
        locked.contents = current
        text = correction.strip()[:CORRECTION_MAX_LENGTH]
        locked.correction = text if answer == Answer.CORRECT else ""
        locked.save(update_fields=["state", "answered_at", "contents", "correction"])
        if answer == Answer.CONFIRM:
            Nomination.objects.filter(pk=nomination.pk).update(candidate_confirmed_at=now)
        elif answer == Answer.DECLINE:
            Nomination.objects.filter(pk=nomination.pk).update(candidate_declined_at=now)
        locked.nomination.refresh_from_db()
        nominator_mail.tell_candidate_answered(link=locked)
    return Answered(locked, recorded=True)
