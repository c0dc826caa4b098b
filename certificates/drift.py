"""Eligibility that changed after a certificate was issued.

A certificate copies what the person took part in when it is issued. Attendance marked late,
a session moved or cancelled, or an override changed afterwards can make that copy untrue,
or the person no longer eligible. Nothing is changed silently: the facilitator's page lists
each such certificate with what it printed and what eligibility says now, and the
facilitator keeps it (:func:`keep_certificate`), revokes it or re-issues it (the services in
:mod:`certificates.issuing`).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .eligibility import EligibilityRow
from .models import Certificate


def _attendance(*, attended: int, total: int) -> str:
    return ngettext(
        "%(attended)d of %(total)d monthly session",
        "%(attended)d of %(total)d monthly sessions",
        total,
    ) % {"attended": attended, "total": total}


def state_now(row: EligibilityRow, certificate: Certificate) -> str:
    """What eligibility says now, in the terms the certificate printed: only whether the
    person is eligible when the certificate printed the facilitator's decision, the counts
    too when it printed them."""
    if certificate.by_override:
        return f"eligible={row.eligible}"
    return (
        f"eligible={row.eligible};monthly={row.monthly_attended}/{row.monthly_total};"
        f"mentoring={row.mentoring_attended};conference={row.attended_conference}"
    )


def state_printed(certificate: Certificate) -> str:
    """The same terms as :func:`state_now`, as the certificate printed them."""
    if certificate.by_override:
        return "eligible=True"
    return (
        f"eligible=True;monthly={certificate.monthly_attended}/{certificate.monthly_total};"
        f"mentoring={certificate.mentoring_attended};"
        f"conference={certificate.attended_conference}"
    )


@dataclass(frozen=True)
class Drift:
    """A valid certificate whose eligibility changed after it was issued."""

    row: EligibilityRow
    certificate: Certificate

    @property
    def still_eligible(self) -> bool:
        return self.row.eligible

    @property
    def printed(self) -> str:
        certificate = self.certificate
        if certificate.by_override:
            return _("the facilitator's decision")
        return _attendance(attended=certificate.monthly_attended, total=certificate.monthly_total)

    @property
    def now(self) -> str:
        row = self.row
        text = _attendance(attended=row.monthly_attended, total=row.monthly_total)
        text += " " + _("(needs %(needed)d)") % {"needed": row.monthly_needed}
        if row.override is not None:
            text += "; " + (
                _("made eligible by the facilitator")
                if row.override.eligible
                else _("made not eligible by the facilitator")
            )
        return text


def drifted(rows: list[EligibilityRow]) -> list[Drift]:
    """The rows whose valid certificate no longer matches eligibility, leaving out those the
    facilitator kept as they are since this very change."""
    found = []
    for row in rows:
        certificate = row.certificate
        if certificate is None:
            continue
        now = state_now(row, certificate)
        if now != state_printed(certificate) and now != certificate.kept_despite:
            found.append(Drift(row=row, certificate=certificate))
    return found


def keep_certificate(*, certificate: Certificate, row: EligibilityRow) -> None:
    """The facilitator keeps ``certificate`` as issued despite what eligibility says now;
    a later change is raised again."""
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            kept_despite=state_now(row, certificate)[:100]
        )
