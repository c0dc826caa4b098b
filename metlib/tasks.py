"""Thin Celery wrappers around the outbox: take ids, call the service."""

from celery import shared_task

from . import outbox


@shared_task(name="metlib.send_email")
def send_email(*, email_id: int) -> bool:
    return outbox.send_queued_email(email_id=email_id)


@shared_task(name="metlib.sweep_outbox")
def sweep_outbox() -> int:
    return outbox.sweep_outbox()

