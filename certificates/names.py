"""Each participant's name exactly as it is printed on their certificate.

The participant confirms the suggestion or corrects it. What they type is kept as typed,
except that it is NFC-normalised (so "ø" typed as o + combining stroke prints as one
letter), trimmed, and runs of spaces are made one. It must not be blank, must hold no
control characters and at most 200 characters.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Membership, Role
from cohorts.permissions import Perm, has_cohort_perm
from metlib.outbox import queue_emails, queue_templated_email, queued_keys, templated_email

from .models import Certificate, NameChange, PrintedName

MAX_LENGTH = 200


def clean_printed_name(value: str) -> str:
    """The name as it will be printed, or ``ValidationError`` with a message for the field."""
    name = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t " for ch in name):
        raise ValidationError(
            _("The name contains an invisible control character; please type it again."),
            code="control",
        )
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Please enter your name as it should be printed."), code="blank")
    if len(name) > MAX_LENGTH:
        raise ValidationError(
            _("At most %(limit)d characters, please (this one has %(count)d).")
            % {"limit": MAX_LENGTH, "count": len(name)},
            code="too_long",
        )
    return name


def suggested_name(*, cohort: Cohort, person: Any) -> str:
    """What to offer before anything is confirmed: the confirmed or saved name, the person's
    display name (enrolment fills a blank one with the candidate's name), or their email's
    local part, in that order."""
    saved = PrintedName.objects.filter(cohort=cohort, person=person).first()
    return _suggestion(person, saved.name if saved is not None else None)


def _suggestion(person: Any, saved: str | None) -> str:
    if saved is not None:
        return saved
    return person.display_name.strip() or person.email.split("@")[0]


def confirm_printed_name(*, cohort: Cohort, person: Any, name: str) -> PrintedName:
    """Confirm ``name`` (cleaned, see :func:`clean_printed_name`) as ``person``'s printed name
    in ``cohort``. Raises ``ValidationError`` when it breaks a limit."""
    cleaned = clean_printed_name(name)
    with transaction.atomic():
        printed, _created = PrintedName.objects.update_or_create(
            cohort=cohort,
            person=person,
            defaults={"name": cleaned, "confirmed_at": timezone.now()},
        )
    return printed


def propose_printed_name(*, cohort: Cohort, person: Any, name: str) -> PrintedName | NameChange:
    """The participant's name to print. Before a certificate is issued (or when it already
    prints ``name``) it is confirmed at once; once issued, it becomes a proposal the cohort's
    facilitators approve or refuse (a newer proposal replaces an open one), and they are told."""
    cleaned = clean_printed_name(name)
    certificate = Certificate.objects.filter(
        cohort=cohort, person=person, revoked_at__isnull=True
    ).first()
    if certificate is None or certificate.name == cleaned:
        NameChange.objects.filter(
            certificate__cohort=cohort,
            certificate__person=person,
            status=NameChange.Status.PROPOSED,
        ).delete()
        return confirm_printed_name(cohort=cohort, person=person, name=cleaned)
    with transaction.atomic():
        NameChange.objects.filter(
            certificate=certificate, status=NameChange.Status.PROPOSED
        ).delete()
        change = NameChange.objects.create(certificate=certificate, name=cleaned)
        _tell_facilitators(change)
    return change


def open_name_change(certificate: Certificate | None) -> NameChange | None:
    """The proposal awaiting a facilitator for ``certificate``, if any."""
    if certificate is None:
        return None
    return certificate.name_changes.filter(status=NameChange.Status.PROPOSED).first()


def approve_name_change(*, change: NameChange, by: Any) -> NameChange:
    """Print the proposed name: it becomes the confirmed name and, while the certificate is
    valid, a certificate with it replaces the old one. The participant is told."""
    from .issuing import reissue_certificate

    with transaction.atomic():
        if not _decide(change=change, by=by, status=NameChange.Status.APPROVED, reason=""):
            return change
        certificate = change.certificate
        confirm_printed_name(cohort=certificate.cohort, person=certificate.person, name=change.name)
        if certificate.is_valid:
            reissue_certificate(
                certificate=certificate,
                by=by,
                reason=_("Name changed to “%(name)s”, approved by the facilitator.")
                % {"name": change.name},
            )
        _tell_participant(change)
    return change


def refuse_name_change(*, change: NameChange, by: Any, reason: str) -> NameChange:
    """Keep the printed name; the participant is told why. ``reason`` must not be blank."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Please give a reason for this decision."), code="reason")
    with transaction.atomic():
        if _decide(change=change, by=by, status=NameChange.Status.REFUSED, reason=reason):
            _tell_participant(change)
    return change


def _decide(*, change: NameChange, by: Any, status: str, reason: str) -> bool:
    """Record the decision once; False when the proposal was decided or replaced already."""
    decided = NameChange.objects.filter(pk=change.pk, status=NameChange.Status.PROPOSED).update(
        status=status, reason=reason[:500], decided_by=by, decided_at=timezone.now()
    )
    change.refresh_from_db()
    return bool(decided)


def _tell_facilitators(change: NameChange) -> None:
    cohort = change.certificate.cohort
    page = settings.SITE_URL + reverse(
        "certificates:eligibility", kwargs={"cohort_slug": cohort.slug}
    )
    facilitators = Membership.objects.filter(cohort=cohort, role=Role.FACILITATOR).select_related(
        "user"
    )
    for membership in facilitators:
        queue_templated_email(
            key=f"name-change-proposed:{change.pk}:{membership.user_id}",
            to=membership.user.email,
            template="certificate-name-proposed",
            context={
                "change": change,
                "certificate": change.certificate,
                "cohort": cohort,
                "page_url": page,
            },
            language=getattr(membership.user, "language", None),
        )


def _tell_participant(change: NameChange) -> None:
    certificate = change.certificate
    person = certificate.person
    page = settings.SITE_URL + reverse(
        "certificates:mine", kwargs={"cohort_slug": certificate.cohort.slug}
    )
    queue_templated_email(
        key=f"name-change-decided:{change.pk}",
        to=person.email,
        template="certificate-name-decided",
        context={
            "change": change,
            "certificate": certificate,
            "cohort": certificate.cohort,
            "page_url": page,
        },
        language=getattr(person, "language", None),
    )


@dataclass(frozen=True)
class NameReminders:
    sent: int  # mailed now
    already: int  # reminded earlier today, not mailed again
    next_at: dt.datetime  # when the next reminder is possible: the cohort's next midnight


def name_reminder_key(*, cohort: Cohort, person: Any, day: dt.date) -> str:
    return f"printed-name-reminder:{cohort.pk}:{person.pk}:{day.isoformat()}"


def remind_unconfirmed_names(
    *, cohort: Cohort, by: Any, now: dt.datetime | None = None
) -> NameReminders:
    """Mail every participant whose printed name is not confirmed, asking them to confirm it:
    at most once a day each (the outbox key holds the day, in the cohort's zone)."""
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.ISSUE_CERTIFICATES):
        raise PermissionDenied
    now = now or timezone.now()
    today = timezone.localtime(now, cohort.zone).date()
    confirmed = PrintedName.objects.filter(cohort=cohort, confirmed_at__isnull=False).values(
        "person_id"
    )
    unconfirmed = (
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT, user__is_active=True)
        .exclude(user_id__in=confirmed)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    people = [m.user for m in unconfirmed]
    keys = {p.pk: name_reminder_key(cohort=cohort, person=p, day=today) for p in people}
    done = queued_keys(keys.values())
    saved = dict(
        PrintedName.objects.filter(cohort=cohort, person__in=people).values_list(
            "person_id", "name"
        )
    )
    page = settings.SITE_URL + reverse("certificates:mine", kwargs={"cohort_slug": cohort.slug})
    mails = [
        templated_email(
            key=keys[person.pk],
            to=person.email,
            template="certificate-name-reminder",
            context={
                "cohort": cohort,
                "suggested": _suggestion(person, saved.get(person.pk)),
                "page_url": page,
            },
            language=getattr(person, "language", None),
        )
        for person in people
        if keys[person.pk] not in done
    ]
    queue_emails(mails)  # one statement; sent by tasks of 50 after commit
    sent = len(mails)
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), tzinfo=cohort.zone)
    return NameReminders(sent=sent, already=len(people) - sent, next_at=tomorrow)
