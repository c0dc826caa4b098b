"""A Celery worker process killed (SIGKILL, no goodbye) in the middle of a certificate batch:
a new worker and the beat's resume sweep finish it, with exactly one certificate and one PDF
per person and one ready mail each; none missing, none twice."""

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from certificates import issuing
from certificates.models import Certificate, IssueBatch
from metlib.models import Email

from ..certificates.year import ready_people
from ..fixtures import wait_until
from .services import private_redis, publishing_to

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE = 20


def start_worker(broker_url: str, log) -> subprocess.Popen:
    """``celery worker`` as deployed (prefork, one child), on this test's database."""
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": "",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "metlib",
            "worker",
            "--concurrency=1",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes the child too
    )


def test_batch_finishes_once_when_its_worker_is_killed_half_way(
    cohort, facilitator, make_member, tmp_path
):
    people = ready_people(cohort, by=facilitator, make_member=make_member, count=PEOPLE)
    log = (tmp_path / "worker.log").open("w")
    with private_redis() as redis, publishing_to(redis.url):
        first = start_worker(redis.url, log)
        try:
            batch, left_out = issuing.start_batch(cohort=cohort, by=facilitator)
            assert left_out == []
            wait_until(lambda: IssueBatch.objects.get(pk=batch.pk).done >= 3, timeout=90)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=20)
        batch.refresh_from_db()
        killed_at = batch.done
        assert killed_at < PEOPLE, "the worker finished before it could be killed"

        second = start_worker(redis.url, log)
        try:
            # The beat's sweep, a few minutes later: whatever nobody finished is queued again
            # (some items are now queued twice: the worker must not make two of anything).
            issuing.resume_batches(stale_after=dt.timedelta(0))
            wait_until(
                lambda: IssueBatch.objects.get(pk=batch.pk).finished_at is not None, timeout=120
            )
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=30)
    log.close()

    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed) == (PEOPLE, PEOPLE, 0)
    certificates = Certificate.objects.filter(cohort=cohort)
    assert certificates.count() == PEOPLE
    assert sorted(certificates.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert certificates.filter(pdf="").count() == 0
    assert len(set(certificates.values_list("pdf", flat=True))) == PEOPLE
    stored = list((settings.MEDIA_ROOT / "certificates" / "pdf").rglob("*.pdf"))
    assert len(stored) == PEOPLE  # no orphan file from the killed worker's half-done item
    assert Email.objects.filter(key__startswith="certificate-ready:").count() == PEOPLE
