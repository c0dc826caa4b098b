"""One connection to the mail server per thread, kept open between mails.

Opening an SMTP connection costs three of the seven exchanges of sending one mail (the
greeting, EHLO and, at the end, QUIT), more with TLS and a login. A worker that sends many
mails one after the other (a reminder scan's, a selection's results, the sweep) keeps its
connection and sends the next mail over it while it is fresh, i.e. used less than
``KEEP_IDLE_SECONDS`` ago with the same settings in the same process.

A server may still have closed a kept connection (its own idle limit, a restart). Sending on
it then fails before the server took the mail (``SMTPServerDisconnected``, or a ``421``
reply), so the mail is sent once more over a new connection. Any other failure closes the
connection; the outbox records the error and tries again later, as before.

Backends without a connection (locmem, console, file) are not kept: a new one each time
costs nothing.
"""

import os
import smtplib
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

KEEP_IDLE_SECONDS = 10.0


class _Connection:
    """A backend with its connection open, the settings it was opened with and when it last
    sent."""

    def __init__(self, backend: SmtpBackend, settings_key: tuple) -> None:
        self.backend, self.settings_key, self.used_at = backend, settings_key, time.monotonic()

    def usable(self, settings_key: tuple) -> bool:
        idle = time.monotonic() - self.used_at
        return self.settings_key == settings_key and idle < KEEP_IDLE_SECONDS

    def close(self) -> None:
        """Say goodbye (QUIT) and close; quietly, as the server may have gone already."""
        smtp = self.backend.connection
        try:
            self.backend.close()
        except Exception:  # a connection the server dropped cannot say goodbye
            if smtp is not None:
                smtp.close()
            self.backend.connection = None

    def __del__(self) -> None:
        # The thread that kept it has ended (or the process is exiting): close the socket,
        # without a word to a server that may be gone.
        if self.backend.connection is not None:
            self.backend.connection.close()
            self.backend.connection = None


class _Kept(threading.local):
    connection: _Connection | None = None


_kept = _Kept()


def _settings_key() -> tuple:
    return (
        os.getpid(),  # a forked worker never shares its parent's socket
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def forget() -> None:
    """Close this thread's kept connection, if any."""
    kept, _kept.connection = _kept.connection, None
    if kept is not None:
        kept.close()


def _fresh_or_kept() -> tuple[Any, bool]:
    """A backend to send with, and whether it is a kept connection opened earlier."""
    key = _settings_key()
    if _kept.connection is not None and _kept.connection.usable(key):
        return _kept.connection.backend, True
    forget()
    backend = get_connection(fail_silently=False)
    if isinstance(backend, SmtpBackend):
        backend.open()
        _kept.connection = _Connection(backend, key)
    return backend, False


def _closed_by_server(error: smtplib.SMTPException) -> bool:
    # Gone without a word, or "421 closing" (Postfix says it when its idle time is up); 4xx
    # means the server did not take the mail.
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        getattr(error, "smtp_code", None) == 421
    )


def send(messages: Sequence[EmailMessage]) -> None:
    """Hand ``messages`` to the mail server; raise whatever it refused them with."""
    backend, reused = _fresh_or_kept()
    try:
        try:
            backend.send_messages(messages)
        except smtplib.SMTPException as error:
            if not (reused and _closed_by_server(error)):
                raise
            forget()  # the kept connection had died: once more, over a new one
            backend, _ = _fresh_or_kept()
            backend.send_messages(messages)
    except Exception:
        forget()
        raise
    if _kept.connection is not None:
        _kept.connection.used_at = time.monotonic()
