"""A reminder scan killed (SIGKILL) half-way: the next scan queues exactly the reminders the
first did not, so every participant gets one reminder, none twice, none missing."""

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cohorts.models import Membership, Role
from metlib.models import Email, User
from sessions.reminders import QUEUE_CHUNK, scan_reminders

from ..factories import EventFactory
from ..fixtures import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE = 3 * QUEUE_CHUNK  # three chunks, each committed on its own

# The scan, slowed down per mail so that it is surely killed between two chunks.
SLOW_SCAN = """
import time
import django
django.setup()
from sessions import reminders
render = reminders._reminder_email
def slowly(**kwargs):
    time.sleep(0.004)
    return render(**kwargs)
reminders._reminder_email = slowly
reminders.scan_reminders()
"""


def reminders_queued() -> int:
    return Email.objects.filter(key__startswith="reminder:").count()


def test_killed_scan_is_completed_by_the_next_one_without_duplicates(cohort):
    people = User.objects.bulk_create(
        User(email=f"p{number}@scan.example", display_name=f"P {number}")
        for number in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(user=person, cohort=cohort, role=Role.PARTICIPANT) for person in people
    )
    EventFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=20))
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    scan = subprocess.Popen(
        [sys.executable, "-c", SLOW_SCAN],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: reminders_queued() >= QUEUE_CHUNK, timeout=120)
    finally:
        scan.send_signal(signal.SIGKILL)
        scan.wait(timeout=20)
    killed_at = reminders_queued()
    assert QUEUE_CHUNK <= killed_at < PEOPLE, killed_at

    assert scan_reminders() == PEOPLE - killed_at
    assert scan_reminders() == 0  # and a third scan finds nothing left

    reminders = Email.objects.filter(key__startswith="reminder:")
    assert reminders.count() == PEOPLE
    assert reminders.values("to").distinct().count() == PEOPLE
