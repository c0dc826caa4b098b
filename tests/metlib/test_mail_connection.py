"""One SMTP connection per thread, kept between mails (metlib.mail_connection), against a real
SMTP server: mails one after another share it; a server that dropped it, or said "421", gets
the mail once over a new one; settings changed or idle too long open a new one."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from django.db import connections

from metlib import mail_connection
from metlib.models import Email
from metlib.outbox import send_queued_email, send_queued_emails

from ..fixtures import SmtpSink, free_port, running_smtp_sink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept():
    mail_connection.forget()
    yield
    mail_connection.forget()


def pending(count: int, prefix: str = "kept") -> list[int]:
    return [
        Email.objects.create(
            key=f"{prefix}:{n}", to=f"p{n}@example.org", subject=f"Mail {n}", body_text="Hi"
        ).pk
        for n in range(count)
    ]


def test_mails_one_after_another_share_one_connection(smtp_sink):
    assert send_queued_emails(email_ids=pending(5)) == 5

    assert [m["Subject"] for m in smtp_sink.messages] == [f"Mail {n}" for n in range(5)]
    assert len(set(smtp_sink.peers)) == 1


def test_a_connection_idle_too_long_is_not_used_again(smtp_sink, monkeypatch):
    monkeypatch.setattr(mail_connection, "KEEP_IDLE_SECONDS", 0.0)

    assert send_queued_emails(email_ids=pending(3)) == 3

    assert len(set(smtp_sink.peers)) == 3


def test_new_settings_open_a_new_connection(smtp_sink, settings):
    first, second = pending(2)
    assert send_queued_email(email_id=first)

    with running_smtp_sink() as other:
        settings.EMAIL_PORT = other.port
        assert send_queued_email(email_id=second)

    assert [m["Subject"] for m in smtp_sink.messages] == ["Mail 0"]
    assert [m["Subject"] for m in other.messages] == ["Mail 1"]


def test_a_server_that_dropped_the_kept_connection_gets_the_mail_once_over_a_new_one(settings):
    first, second = pending(2)
    before = SmtpSink(host="127.0.0.1", port=free_port("127.0.0.1"))
    with serving(before):
        send_through(settings, before)
        assert send_queued_email(email_id=first)
    # The server restarts on the same port: the kept connection is dead, nobody said so.
    after = SmtpSink(host=before.host, port=before.port)
    with serving(after):
        assert send_queued_email(email_id=second)

    assert [m["Subject"] for m in before.messages] == ["Mail 0"]
    assert [m["Subject"] for m in after.messages] == ["Mail 1"]
    email = Email.objects.get(pk=second)
    assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 1, "")


class ClosingOnce(SmtpSink):
    """Answers the next MAIL with "421 closing", as Postfix does when its idle time is up."""

    close_next: bool = False

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.close_next:
            self.close_next = False
            return "421 4.4.2 Error: timeout exceeded"
        envelope.mail_from, envelope.mail_options = address, options
        return "250 OK"


def test_a_421_on_the_kept_connection_sends_the_mail_once_over_a_new_one(settings):
    sink = ClosingOnce(host="127.0.0.1", port=free_port("127.0.0.1"))
    first, second = pending(2)
    with serving(sink):
        send_through(settings, sink)
        assert send_queued_email(email_id=first)
        sink.close_next = True
        assert send_queued_email(email_id=second)

    assert [m["Subject"] for m in sink.messages] == ["Mail 0", "Mail 1"]
    assert len(set(sink.peers)) == 2


def test_a_refusal_on_a_new_connection_is_not_sent_again_at_once(smtp_sink):
    [email_id] = pending(1)
    smtp_sink.refuse = True

    assert send_queued_email(email_id=email_id) is False

    email = Email.objects.get(pk=email_id)
    assert (email.status, email.attempts, smtp_sink.refused) == (Email.Status.PENDING, 1, 1)
    assert "550" in email.last_error


@pytest.mark.django_db(transaction=True)
def test_each_thread_has_its_own_connection_and_closes_it_when_it_ends(smtp_sink):
    ids = pending(4)

    def sender(email_ids: list[int]) -> None:
        try:
            send_queued_emails(email_ids=email_ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender, args=(ids[n::2],)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(smtp_sink.messages) == 4
    assert len(set(smtp_sink.peers)) == 2
    # Nothing of theirs is left open (the suite turns an unclosed socket into an error).


@contextmanager
def serving(sink: SmtpSink) -> Iterator[None]:
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


def send_through(settings, sink: SmtpSink) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = sink.host, sink.port, 10
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
