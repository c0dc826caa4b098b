"""Batch issuing (the Certificates issue's target): 200 certificates through one Celery
worker process with ``--concurrency=2`` against ``--concurrency=1``, timed from the start of
the batch to its ``finished_at``; at least 1.7 times as fast with two. One batch per
measurement (see :mod:`bench.certificate_batch`)."""

from functools import cache

from ..certificate_batch import COUNT, run_batch
from ..context import Context
from ..environment import VAR
from ..registry import Measurement, scenario

ONE_WORKER = f"certificate batch of {COUNT}, 1 worker process"


@cache
def _cohort_pk() -> int:
    from ..certificate_batch import ready_cohort

    return ready_cohort(count=COUNT)


def _measure(concurrency: int) -> Measurement:
    figures = run_batch(cohort_pk=_cohort_pk(), concurrency=concurrency, log_dir=VAR)
    per_certificate_ms = 1000 * figures.seconds / figures.count
    return Measurement(
        rate=figures.rate,
        p50_ms=per_certificate_ms,
        p99_ms=per_certificate_ms,
        errors=0,
        count=figures.count,
        seconds=figures.seconds,
        unit="certificates/s",
        note=f"start_batch to finished_at, --concurrency={concurrency}",
    )


@scenario(ONE_WORKER)
def batch_one_worker(ctx: Context) -> Measurement:
    return _measure(1)


@scenario(f"certificate batch of {COUNT}, 2 worker processes", baseline=ONE_WORKER, target=1.7)
def batch_two_workers(ctx: Context) -> Measurement:
    return _measure(2)
