"""Each participant's name exactly as it is printed on their certificate.

The participant confirms the suggestion or corrects it. What they type is kept as typed,
except that it is NFC-normalised (so "ø" typed as o + combining stroke prints as one
letter), trimmed, and runs of spaces are made one. It must not be blank, must hold no
control characters and at most 200 characters.
"""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort

from .models import Certificate, PrintedName

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
    if saved is not None:
        return saved.name
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


def needs_reissue(*, printed: PrintedName | None, certificate: Certificate | None) -> bool:
    """True when a valid certificate prints another name than the one now confirmed."""
    return (
        printed is not None
        and printed.confirmed_at is not None
        and certificate is not None
        and certificate.is_valid
        and certificate.name != printed.name
    )
