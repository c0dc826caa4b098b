"""Issuing certificates: a batch for everyone eligible, worked through by Celery workers one
item at a time; revoking and re-issuing, which keep the history.

How an item is issued (:func:`issue_item`), so that two workers, a retry or a worker that
dies half-way never make two certificates for one person:

1. A short transaction claims the item (``select_for_update(skip_locked=True)``: a second
   worker on the same item skips it), and creates the person's certificate row or reuses
   the valid one. The partial unique constraint "one valid certificate per person" is the
   last line of defence: an ``IntegrityError`` means another process made it first, so
   that one is reused.
2. Outside any transaction the PDF is rendered and stored through Django's storage API.
3. A second short transaction claims the item again, attaches the file if the certificate
   has none yet (otherwise the extra file is deleted), marks the item done and counts it in
   the batch with ``F()``, and queues the "your certificate is ready" mail (one per
   certificate, by its outbox key).

A worker that dies leaves the item pending; :func:`resume_batches` (a beat task) enqueues
again every pending item not touched for :data:`STALE_AFTER`.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from metlib.languages import language_of
from metlib.outbox import queue_templated_email

from .credentials import signed_credential
from .eligibility import EligibilityRow, eligibility_for_cohort, eligibility_of
from .filenames import printable_stem
from .models import BatchItem, Certificate, IssueBatch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=3)


class IssueRefused(Exception):
    """Issuing cannot start; the message says why, for the facilitator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LeftOut:
    person: Any
    reason: str


def left_out_reason(row: EligibilityRow) -> str | None:
    """Why ``row``'s person gets no certificate in a new batch, or None when they do."""
    if row.certificate is not None:
        return _("Already has a valid certificate.")
    if not row.eligible:
        return _("Not eligible: %(reason)s") % {"reason": row.reason}
    if not row.name_confirmed:
        return _("Has not confirmed the name to print.")
    return None


def running_batch(cohort: Cohort) -> IssueBatch | None:
    return IssueBatch.objects.filter(cohort=cohort, finished_at__isnull=True).first()


def start_batch(*, cohort: Cohort, by: Any) -> tuple[IssueBatch, list[LeftOut]]:
    """Start issuing to every eligible participant with a confirmed name and no valid
    certificate; one task per person is enqueued after commit. Returns the batch and who was
    left out and why. Refused (``IssueRefused``) while another batch of the cohort runs, or
    when nobody is left to issue to."""
    from .tasks import issue_item as issue_item_task

    with transaction.atomic():
        # Lock the cohort row: two presses at once wait for each other, the second sees
        # the first's batch running and is refused.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        if running_batch(cohort) is not None:
            raise IssueRefused(_("Certificates are being issued already; wait for that batch."))
        rows = eligibility_for_cohort(cohort=cohort)
        chosen, left_out = [], []
        for row in rows:
            reason = left_out_reason(row)
            if reason is None:
                chosen.append(row.person)
            else:
                left_out.append(LeftOut(person=row.person, reason=reason))
        if not chosen:
            raise IssueRefused(_("Nobody is ready for a certificate: see the reasons below."))
        batch = IssueBatch.objects.create(cohort=cohort, requested_by=by, total=len(chosen))
        items = BatchItem.objects.bulk_create(
            [BatchItem(batch=batch, person=person) for person in chosen]
        )
        for item in items:
            # robust: a broker outage must not undo the batch; the beat's sweep resumes it.
            transaction.on_commit(lambda pk=item.pk: issue_item_task.delay(item_id=pk), robust=True)
    return batch, left_out


def certificate_for(
    *, cohort: Cohort, person: Any, batch: IssueBatch | None, by: Any
) -> Certificate:
    """The person's valid certificate: the existing one, or a new one copied from what they
    took part in and their confirmed name."""
    existing = Certificate.objects.filter(cohort=cohort, person=person, revoked_at__isnull=True)
    found = existing.first()
    if found is not None:
        return found
    row = eligibility_of(cohort=cohort, person=person)
    printed = row.printed_name
    library = row.library
    try:
        with transaction.atomic():
            certificate = Certificate(
                cohort=cohort,
                person=person,
                name=printed.name if printed else str(person),
                library=library.name if library else "",
                city=library.city if library else "",
                country=str(library.country.name) if library and library.country else "",
                monthly_attended=row.monthly_attended,
                monthly_total=row.monthly_total,
                mentoring_attended=row.mentoring_attended,
                attended_conference=row.attended_conference,
                by_override=row.override is not None and not row.by_rule,
                issued_by=by,
                batch=batch,
            )
            # Signed now, with what the certificate says now, and never again.
            certificate.credential_jwt = signed_credential(certificate)
            certificate.save(force_insert=True)
            return certificate
    except IntegrityError:
        # Another worker made it between our read and our insert: the constraint held.
        return existing.get()


def _claim(item_id: int) -> BatchItem | None:
    return (
        BatchItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("batch__cohort", "person", "certificate")
        .filter(pk=item_id)
        .first()
    )


def pdf_filename(certificate: Certificate) -> str:
    """The stored file's name (ASCII: storages such as S3 keep it as a key)."""
    name = slugify(certificate.name) or "certificate"
    return f"{name}-{certificate.cohort.slug}.pdf"


def download_filename(certificate: Certificate) -> str:
    """The name a person's browser saves the PDF under: their name as printed."""
    return f"{printable_stem(certificate.name)} - {certificate.cohort.slug}.pdf"


def render_and_store(*, certificate: Certificate) -> bool:
    """Render the PDF (outside any transaction: it takes a while) and attach it to the
    certificate unless another process did first. True when this call stored it."""
    from .pdf import render_certificate_pdf

    if certificate.pdf:
        return False
    content = render_certificate_pdf(certificate=certificate)
    name = certificate.pdf.storage.save(
        certificate.pdf.field.generate_filename(certificate, pdf_filename(certificate)),
        ContentFile(content),
    )
    attached = Certificate.objects.filter(pk=certificate.pk, pdf="").update(pdf=name)
    if not attached:
        certificate.pdf.storage.delete(name)
        certificate.refresh_from_db(fields=["pdf"])
        return False
    certificate.pdf.name = name
    return True


def queue_ready_mail(*, certificate: Certificate) -> None:
    """Tell the person their certificate is ready, once per certificate."""
    person = certificate.person
    mine = reverse("certificates:mine", kwargs={"cohort_slug": certificate.cohort.slug})
    download = reverse("certificates:download", kwargs={"code": certificate.code})
    queue_templated_email(
        key=f"certificate-ready:{certificate.pk}",
        to=person.email,
        template="certificate-ready",
        context={
            "person": person,
            "certificate": certificate,
            "cohort": certificate.cohort,
            "page_url": settings.SITE_URL + mine,
            "download_url": settings.SITE_URL + download,
        },
        language=language_of(person),
    )


def _bump(batch_id: int, field: str) -> None:
    IssueBatch.objects.filter(pk=batch_id).update(**{field: F(field) + 1})
    batch = IssueBatch.objects.get(pk=batch_id)
    if batch.finished_at is None and batch.done + batch.failed >= batch.total:
        IssueBatch.objects.filter(pk=batch_id).update(finished_at=timezone.now())


def issue_item(*, item_id: int) -> str:
    """Issue the certificate of one batch item; safe to run twice or in two workers at once.
    Returns what happened: "done", "failed", "retry", "busy" (another worker holds it) or
    "skipped" (done already, or gone)."""
    with transaction.atomic():
        item = _claim(item_id)
        if item is None:
            return "busy" if BatchItem.objects.filter(pk=item_id).exists() else "skipped"
        if item.status != BatchItem.Status.PENDING:
            return "skipped"
        batch = item.batch
        certificate = item.certificate
        if certificate is None or not certificate.is_valid:
            certificate = certificate_for(
                cohort=batch.cohort, person=item.person, batch=batch, by=batch.requested_by
            )
            item.certificate = certificate
        item.save(update_fields=["certificate", "updated_at"])  # touching it: not stale
    try:
        render_and_store(certificate=certificate)
    except Exception as error:  # any rendering failure is recorded on the item
        logger.exception("Certificate %s could not be rendered", certificate.pk)
        return _record_failure(item_id=item_id, error=error)
    with transaction.atomic():
        item = _claim(item_id)
        if item is None or item.status != BatchItem.Status.PENDING:
            return "skipped"
        item.status = BatchItem.Status.DONE
        item.error = ""
        item.save(update_fields=["status", "error", "updated_at"])
        _bump(item.batch_id, "done")
        queue_ready_mail(certificate=certificate)
    return "done"


def _record_failure(*, item_id: int, error: Exception) -> str:
    with transaction.atomic():
        item = _claim(item_id)
        if item is None or item.status != BatchItem.Status.PENDING:
            return "skipped"
        item.attempts += 1
        item.error = f"{type(error).__name__}: {error}"[:500]
        if item.attempts < MAX_ATTEMPTS:
            item.save(update_fields=["attempts", "error", "updated_at"])
            return "retry"
        item.status = BatchItem.Status.FAILED
        item.save(update_fields=["attempts", "error", "status", "updated_at"])
        _bump(item.batch_id, "failed")
    return "failed"


def retry_failed(*, batch: IssueBatch) -> int:
    """Put the batch's failed items back to work; how many."""
    from .tasks import issue_item as issue_item_task

    with transaction.atomic():
        IssueBatch.objects.select_for_update().filter(pk=batch.pk).first()
        ids = list(batch.items.filter(status=BatchItem.Status.FAILED).values_list("pk", flat=True))
        if not ids:
            return 0
        BatchItem.objects.filter(pk__in=ids).update(
            status=BatchItem.Status.PENDING, attempts=0, updated_at=timezone.now()
        )
        IssueBatch.objects.filter(pk=batch.pk).update(
            failed=F("failed") - len(ids), finished_at=None
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: issue_item_task.delay(item_id=pk), robust=True)
    return len(ids)


def resume_batches(*, stale_after: timedelta = STALE_AFTER) -> int:
    """Enqueue again every pending item of an unfinished batch that nobody touched for
    ``stale_after`` (its worker died, or the broker lost the task). How many."""
    from .tasks import issue_item as issue_item_task

    cutoff = timezone.now() - stale_after
    ids = list(
        BatchItem.objects.filter(
            status=BatchItem.Status.PENDING,
            batch__finished_at__isnull=True,
            updated_at__lte=cutoff,
        ).values_list("pk", flat=True)
    )
    if ids:
        # Touch them, so the next sweep does not enqueue them again while they wait.
        BatchItem.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    for pk in ids:
        issue_item_task.delay(item_id=pk)
    return len(ids)


def revoke_certificate(*, certificate: Certificate, by: Any, reason: str) -> Certificate:
    """Revoke a valid certificate; it stays, marked revoked, with who and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise IssueRefused(_("Say why the certificate is revoked."))
    updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revocation_reason=reason[:500]
    )
    if not updated:
        raise IssueRefused(_("This certificate is revoked already."))
    certificate.refresh_from_db()
    return certificate


def reissue_certificate(*, certificate: Certificate, by: Any, reason: str) -> Certificate:
    """Revoke ``certificate`` and issue a new one (with the name confirmed now) that
    ``replaces`` it. The PDF is rendered after commit by a task."""
    from .tasks import finish_certificate

    with transaction.atomic():
        revoke_certificate(certificate=certificate, by=by, reason=reason)
        new = certificate_for(
            cohort=certificate.cohort, person=certificate.person, batch=None, by=by
        )
        new.replaces = certificate
        new.save(update_fields=["replaces"])
        transaction.on_commit(lambda: finish_certificate.delay(certificate_id=new.pk), robust=True)
    return new


def finish_certificate(*, certificate_id: int) -> bool:
    """Render and store a single certificate's PDF and send the ready mail; safe to rerun."""
    certificate = (
        Certificate.objects.select_related("cohort", "person").filter(pk=certificate_id).first()
    )
    if certificate is None or not certificate.is_valid:
        return False
    render_and_store(certificate=certificate)
    with transaction.atomic():
        queue_ready_mail(certificate=certificate)
    return True
