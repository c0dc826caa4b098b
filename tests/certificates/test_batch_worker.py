"""A batch of 20 through a real Celery worker on Redis, stopped half-way with items left
claimed or pending, then resumed by the sweep on a fresh worker: exactly 20 certificates
and 20 PDFs at the end, none twice."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.utils import timezone

from certificates import issuing, pdf, tasks
from certificates.models import BatchItem, Certificate, IssueBatch
from metlib.models import Email
from tests.certificates.year import ready_people
from tests.fixtures import running_celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def stored_pdfs():
    folder = settings.MEDIA_ROOT / "certificates" / "pdf"
    return sorted(p.name for p in folder.rglob("*.pdf")) if folder.exists() else []


def test_batch_of_20_killed_and_resumed_makes_exactly_20_certificates(
    cohort, facilitator, make_member, monkeypatch
):
    people = ready_people(cohort, by=facilitator, make_member=make_member, count=20)
    render = pdf.render_certificate_pdf

    def slow_render(*, certificate):
        time.sleep(0.3)  # so the first worker is surely stopped half-way
        return render(certificate=certificate)

    monkeypatch.setattr(pdf, "render_certificate_pdf", slow_render)
    with running_celery_worker() as first:
        batch, left_out = issuing.start_batch(cohort=cohort, by=facilitator)
        wait_until(lambda: IssueBatch.objects.get(pk=batch.pk).done >= 5, timeout=60)
        # Leaving the block stops the worker and drops its queue: the tasks not yet run
        # are lost, as when a worker dies and the broker forgets what it held.
    assert left_out == []
    assert first.task_names.count("certificates.issue_item") >= 5
    batch.refresh_from_db()
    done_before = batch.done
    assert 5 <= done_before <= 15, done_before
    assert batch.finished_at is None

    monkeypatch.undo()
    # A worker that died half-way through an item: one after creating the certificate row,
    # one after storing the PDF but before marking the item done.
    pending = list(batch.items.filter(status=BatchItem.Status.PENDING).order_by("pk"))
    died_after_claim, died_after_pdf = pending[0], pending[1]
    for item in (died_after_claim, died_after_pdf):
        item.certificate = issuing.certificate_for(
            cohort=cohort, person=item.person, batch=batch, by=facilitator
        )
        item.save(update_fields=["certificate", "updated_at"])
    issuing.render_and_store(certificate=died_after_pdf.certificate)
    # Nobody has touched the pending items for a while: the sweep takes them up.
    BatchItem.objects.filter(status=BatchItem.Status.PENDING).update(
        updated_at=timezone.now() - dt.timedelta(minutes=10)
    )

    with running_celery_worker() as second:
        resumed = second.result_of(tasks.resume_batches.delay())
        wait_until(lambda: IssueBatch.objects.get(pk=batch.pk).finished_at is not None, timeout=90)

    assert resumed == 20 - done_before
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed) == (20, 20, 0)
    assert set(batch.items.values_list("status", flat=True)) == {"done"}
    certificates = Certificate.objects.filter(cohort=cohort)
    assert certificates.count() == 20
    assert certificates.filter(revoked_at__isnull=True).count() == 20
    assert sorted(certificates.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert certificates.filter(pdf="").count() == 0
    assert len(stored_pdfs()) == 20
    assert len(set(certificates.values_list("pdf", flat=True))) == 20
    assert Email.objects.filter(key__startswith="certificate-ready:").count() == 20
