"""Thin Celery wrappers around the outbox: take ids, call the service."""

from celery import shared_task

from . import outbox


@shared_task(name="metlib.send_email")
def send_email(*, email_id: int) -> bool:
    """Send one queued mail; running it again for a sent mail does nothing."""
    return outbox.send_queued_email(email_id=email_id)


@shared_task(name="metlib.send_emails")
def send_emails(*, email_ids: list[int]) -> int:
    """Send queued mails one after the other (over one kept connection); running it again
    sends none of them twice."""
    return outbox.send_queued_emails(email_ids=email_ids)


@shared_task(name="metlib.sweep_outbox")
def sweep_outbox() -> int:
    """Send every pending mail that is due (the beat runs this every minute)."""
    return outbox.sweep_outbox()


@shared_task(name="metlib.forget_sent_secrets")
def forget_sent_secrets() -> int:
    """Blank sent sign-in and account mails after an hour (the beat runs this hourly)."""
    return outbox.forget_sent_secrets()
