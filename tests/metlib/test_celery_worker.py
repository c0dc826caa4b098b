import pytest
from django.db import transaction

from metlib.models import Email
from metlib.outbox import queue_email
from metlib.tasks import sweep_outbox

from ..fixtures import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_queued_email_once_when_swept_again(celery_worker_on_redis, smtp_sink):
    with transaction.atomic():
        queued = queue_email(
            key="nomination:1:receipt",
            to="nominator@example.org",
            subject="We received your nomination",
            text="Thank you.",
        )

    wait_until(lambda: Email.objects.filter(pk=queued.pk, status=Email.Status.SENT).exists())
    wait_until(lambda: celery_worker_on_redis.task_names == ["metlib.send_email"])
    assert [message["To"] for message in smtp_sink.messages] == ["nominator@example.org"]

    swept = sweep_outbox.delay()

    assert celery_worker_on_redis.result_of(swept) == 0
    assert celery_worker_on_redis.task_names == ["metlib.send_email", "metlib.sweep_outbox"]
    assert len(smtp_sink.messages) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Email.Status.SENT, 1)
