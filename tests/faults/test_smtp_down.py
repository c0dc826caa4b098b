"""The SMTP server is down (nothing listens), then comes back on the same port: mail stays
pending with its attempt counted, and goes out exactly once after it returns."""

import datetime as dt

import pytest
import time_machine
from aiosmtpd.controller import Controller

from metlib.models import Email
from metlib.outbox import queue_email, sweep_outbox

from ..fixtures import SmtpSink
from .services import free_port

pytestmark = [pytest.mark.django_db]

NOW = dt.datetime(2025, 3, 4, 14, 0, tzinfo=dt.UTC)
MAILS = 3


def test_mail_waits_while_smtp_is_down_and_goes_out_once_after(
    settings, django_capture_on_commit_callbacks
):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for number in range(MAILS):
                queue_email(
                    key=f"down:{number}", to=f"p{number}@example.org", subject="Hi", text="x"
                )

        waiting = Email.objects.order_by("pk")
        assert [(e.status, e.attempts) for e in waiting] == [(Email.Status.PENDING, 1)] * MAILS
        assert all("ConnectionRefusedError" in e.last_error for e in waiting)
        assert sweep_outbox() == 0  # not due yet: nothing is tried again before the back-off

    sink = SmtpSink(host="127.0.0.1", port=port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
            assert sweep_outbox() == MAILS
            assert sweep_outbox() == 0
    finally:
        controller.stop()

    assert sorted(message["To"] for message in sink.messages) == [
        f"p{number}@example.org" for number in range(MAILS)
    ]
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}
