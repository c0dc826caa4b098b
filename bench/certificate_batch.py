"""Issuing a batch of 200 certificates with real Celery workers: one worker process with
``--concurrency=1`` against one with ``--concurrency=2`` (target: at least 1.7 times faster).

Each run starts ``celery -A metlib worker`` as a subprocess on its own Redis database
(``BENCH_CELERY_URL``, default db 12, flushed before each run) against the database in
``DATABASE_URL``, waits until the worker answers a ping, then times from
:func:`certificates.issuing.start_batch` to the batch's ``finished_at``. Between runs the
certificates and batches of the bench cohort are deleted, so every run issues all 200.

``python -m bench.certificate_batch [--count 200] [--repeat 1]`` prints the figures on its
own (it creates its cohort in the database and leaves it there; point it at a bench
database). ``python -m bench`` runs the same through the scenarios in
``bench/scenarios/certificate_batch.py``.
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
COUNT = 200
CELERY_URL = os.environ.get("BENCH_CELERY_URL", "redis://127.0.0.1:6379/12")
COHORT_SLUG = "bench-certificate-batch"
START_TIMEOUT = 60.0
BATCH_TIMEOUT = 900.0


@dataclass(frozen=True)
class BatchFigures:
    concurrency: int
    count: int
    seconds: float  # start_batch to finished_at

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def ready_cohort(*, count: int) -> int:
    """A cohort with ``count`` participants, each present at 4 past monthly sessions with a
    confirmed name; made once (by slug) and reused. Returns its pk."""
    import datetime as dt

    from django.utils import timezone

    from certificates.models import CertificateSettings, PrintedName
    from cohorts.models import Cohort, Membership, Role
    from metlib.models import User
    from sessions.models import Attendance, Event
    from tests.factories import CohortFactory, LibraryFactory, SignatoryFactory

    cohort = Cohort.objects.filter(slug=COHORT_SLUG).first()
    if cohort is not None and cohort.memberships.filter(role=Role.PARTICIPANT).count() == count:
        return cohort.pk
    cohort = cohort or CohortFactory(slug=COHORT_SLUG, name="Bench certificate batch")
    CertificateSettings.objects.get_or_create(cohort=cohort)
    for position, name in enumerate(["Алексей Смирнов", "Çağrı Öztürk"]):
        SignatoryFactory(cohort=cohort, name=name, position=position)
    library = LibraryFactory()
    facilitator, _created = User.objects.get_or_create(email="bench-facilitator@example.org")
    Membership.objects.get_or_create(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    now = timezone.now()
    events = [
        Event.objects.create(
            cohort=cohort,
            title=f"Monthly session {n}",
            starts_at=now - dt.timedelta(days=120 - 30 * n),
            ends_at=now - dt.timedelta(days=120 - 30 * n, hours=-2),
        )
        for n in range(4)
    ]
    people = User.objects.bulk_create(
        [
            User(email=f"bench-batch-{n}@example.org", display_name=f"Ελένη Østergård {n:03}")
            for n in range(count)
        ],
        ignore_conflicts=True,
    )
    people = list(User.objects.filter(email__startswith="bench-batch-").order_by("pk")[:count])
    Membership.objects.bulk_create(
        [Membership(user=p, cohort=cohort, role=Role.PARTICIPANT, library=library) for p in people],
        ignore_conflicts=True,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(event=e, person=p, status="present", recorded_by=facilitator)
            for e in events
            for p in people
        ],
        ignore_conflicts=True,
    )
    PrintedName.objects.bulk_create(
        [
            PrintedName(cohort=cohort, person=p, name=p.display_name, confirmed_at=now)
            for p in people
        ],
        ignore_conflicts=True,
    )
    return cohort.pk


def clear_certificates(cohort_pk: int) -> None:
    from certificates.models import Certificate, IssueBatch

    for certificate in Certificate.objects.filter(cohort_id=cohort_pk).exclude(pdf=""):
        certificate.pdf.delete(save=False)
    IssueBatch.objects.filter(cohort_id=cohort_pk).delete()
    Certificate.objects.filter(cohort_id=cohort_pk).delete()


def _use_broker(url: str) -> None:
    """Publish this process's tasks to ``url`` instead of running them in-process."""
    import kombu.pools

    from metlib.celery import app

    app.conf.update(broker_url=url, task_always_eager=False)
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextmanager
def celery_worker(*, concurrency: int, log_path: Path) -> Iterator[subprocess.Popen]:
    """``celery -A metlib worker --concurrency=N`` on :data:`CELERY_URL`, ready to take tasks."""
    import redis

    from metlib.celery import app

    redis.Redis.from_url(CELERY_URL).flushdb()
    env = {**os.environ, "CELERY_BROKER_URL": CELERY_URL}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "metlib",
        "worker",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
        f"--hostname=bench-{concurrency}@%h",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not app.control.ping(timeout=0.5):
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The Celery worker did not start; see {log_path}")
            yield worker
        finally:
            worker.terminate()  # warm shutdown: SIGTERM lets the children finish
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def run_batch(*, cohort_pk: int, concurrency: int, log_dir: Path) -> BatchFigures:
    """Issue every participant's certificate through a worker of ``concurrency`` processes."""
    from django.db import connections
    from django.utils import timezone

    from certificates import issuing
    from certificates.models import IssueBatch
    from cohorts.models import Cohort, Membership, Role

    clear_certificates(cohort_pk)
    cohort = Cohort.objects.get(pk=cohort_pk)
    by = Membership.objects.get(cohort=cohort, role=Role.FACILITATOR).user
    _use_broker(CELERY_URL)
    log_path = log_dir / f"celery-batch-{concurrency}.log"
    with celery_worker(concurrency=concurrency, log_path=log_path) as worker:
        started = timezone.now()
        batch, _left_out = issuing.start_batch(cohort=cohort, by=by)
        deadline = time.monotonic() + BATCH_TIMEOUT
        while True:
            batch = IssueBatch.objects.get(pk=batch.pk)
            if batch.finished_at is not None:
                break
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The batch stopped at {batch.done} of {batch.total}; see {log_path}"
                )
            time.sleep(0.1)
    connections.close_all()
    if batch.failed:
        raise RuntimeError(f"{batch.failed} certificates failed in the benchmark batch")
    return BatchFigures(
        concurrency=concurrency,
        count=batch.total,
        seconds=(batch.finished_at - started).total_seconds(),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metlib.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    cohort_pk = ready_cohort(count=args.count)
    log_dir = BASE_DIR / "var" / "bench"
    results: dict[int, list[float]] = {1: [], 2: []}
    for _round in range(args.repeat):
        for concurrency in (1, 2):
            figures = run_batch(cohort_pk=cohort_pk, concurrency=concurrency, log_dir=log_dir)
            results[concurrency].append(figures.seconds)
            print(
                f"concurrency={concurrency}: {figures.count} certificates in "
                f"{figures.seconds:.1f} s ({figures.rate:.1f}/s)",
                flush=True,
            )
    one, two = min(results[1]), min(results[2])
    print(f"speed-up with two: {one / two:.2f}x (target 1.7x; best of {args.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
