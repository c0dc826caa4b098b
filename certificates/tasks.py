"""Thin Celery wrappers around issuing: take ids, call :mod:`certificates.issuing`, return."""

import logging

from celery import shared_task
from celery.signals import worker_process_init

from . import issuing

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10


@shared_task(name="certificates.issue_item")
def issue_item(*, item_id: int) -> str:
    """Issue one batch item's certificate. A failed attempt is tried again a little later,
    up to three attempts; running it twice never makes a second certificate."""
    outcome = issuing.issue_item(item_id=item_id)
    if outcome == "retry":
        issue_item.apply_async(kwargs={"item_id": item_id}, countdown=RETRY_SECONDS)
    return outcome


@shared_task(name="certificates.resume_batches")
def resume_batches() -> int:
    """The beat's sweep: enqueue again the pending items that nobody is working on (after a
    worker died or the broker lost a task). Returns how many."""
    return issuing.resume_batches()


@shared_task(name="certificates.finish_certificate")
def finish_certificate(*, certificate_id: int) -> bool:
    """Render and store one re-issued certificate's PDF and tell its owner."""
    return issuing.finish_certificate(certificate_id=certificate_id)


@worker_process_init.connect
def warm_up_certificates(**_kwargs: object) -> None:
    """Load fonts, stylesheet and colour profile as the worker process starts, so its first
    certificate is not the slowest. A failure here only costs that speed."""
    from .pdf import warm_up

    try:
        seconds = warm_up()
    except Exception:  # the worker must start whatever happens here
        logger.exception("Warming up the certificate renderer failed")
    else:
        logger.info("Certificate renderer warmed up in %.2f s", seconds)
