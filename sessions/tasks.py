"""Thin Celery wrappers around the calendar's services."""

from celery import shared_task

from . import reminders


@shared_task(name="calendar.scan_reminders")
def scan_reminders() -> int:
    """Queue every reminder that is due (the beat runs this every five minutes); running it
    again queues nothing twice. Returns how many it queued."""
    return reminders.scan_reminders()
