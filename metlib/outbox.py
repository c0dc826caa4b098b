"""The outbox: every email is a row before it is a message.

Callers queue mail inside their own transaction; the row and the change that caused it
commit together. After commit a task sends it; a periodic sweep retries what is pending.
"""

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import mail_connection
from .languages import is_offered
from .models import Email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str

    def as_json(self) -> dict[str, str]:
        return {"filename": self.filename, "content": self.content, "mimetype": self.mimetype}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _render_plain_text(template_name: str, context: Mapping[str, Any]) -> str:
    # A text mail shows "O'Brien & Co" as typed: nothing in it is HTML-escaped.
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(dict(context), autoescape=False))


def one_line(subject: str) -> str:
    """A subject on one line: runs of spaces, tabs and line breaks made one space. A
    no-break space (French puts one before a colon) is kept: it is not a place to break."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip()


def render_email(
    *, template: str, context: Mapping[str, Any], language: str | None = None
) -> RenderedEmail:
    """Render the triplet ``email/<template>-subject.txt``, ``-body.txt`` and ``-body.html``.

    The subject and the text are rendered without HTML escaping, the HTML with it. A
    ``language`` not offered (its catalogue incomplete) gives way to the site's.
    """
    context = {"site_url": settings.SITE_URL, **context}
    if language and not is_offered(language):
        language = settings.LANGUAGE_CODE
    with translation.override(language or translation.get_language()):
        subject = _render_plain_text(f"email/{template}-subject.txt", context)
        text = _render_plain_text(f"email/{template}-body.txt", context)
        html = render_to_string(f"email/{template}-body.html", context)
    return RenderedEmail(subject=one_line(subject), text=text.strip() + "\n", html=html)


@dataclass(frozen=True)
class OutgoingEmail:
    """One mail to queue, as :func:`queue_email` takes it; :func:`queue_emails` takes many."""

    key: str
    to: str
    subject: str
    text: str
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    headers: Mapping[str, str] | None = None
    calendar: str = ""
    calendar_method: str = ""

    def as_row(self) -> Email:
        if self.calendar and not self.calendar_method:
            raise ValueError("a calendar part needs its iTIP method")
        return Email(
            key=self.key,
            to=self.to,
            # A line break in a header would make every attempt to send it fail.
            subject=one_line(self.subject)[:300],
            body_text=self.text,
            body_html=self.html,
            attachments=[a.as_json() for a in self.attachments],
            headers=dict(self.headers or {}),
            calendar=self.calendar,
            calendar_method=self.calendar_method if self.calendar else "",
        )


# Mails queued together are sent by tasks of this many: one message to the broker each, not
# one per mail, and still several workers at once for a large batch.
SEND_BATCH = 50


def queue_email(
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    attachments: Iterable[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    calendar: str = "",
    calendar_method: str = "",
) -> Email:
    """Write one mail to the outbox in the caller's transaction and send it after commit.

    ``calendar`` (with its iTIP ``calendar_method``) makes it an invitation calendar apps act
    on: the iCalendar text is sent as the message's ``text/calendar; method=…`` alternative.
    Queuing the same ``key`` twice returns the mail already queued, unchanged.
    """
    return _queue_one(
        OutgoingEmail(
            key=key,
            to=to,
            subject=subject,
            text=text,
            html=html,
            attachments=tuple(attachments),
            headers=headers,
            calendar=calendar,
            calendar_method=calendar_method,
        )
    )


def _queue_one(mail: OutgoingEmail) -> Email:
    email = mail.as_row()
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        return Email.objects.get(key=mail.key)
    from .tasks import send_email

    # robust: if the broker is down, the caller's change still succeeds; the sweep sends later.
    transaction.on_commit(lambda: send_email.delay(email_id=email.pk), robust=True)
    return email


def queue_emails(mails: Sequence[OutgoingEmail]) -> list[Email]:
    """Write many mails to the outbox in one statement, in the caller's transaction, and send
    them after commit, :data:`SEND_BATCH` to a task.

    As with :func:`queue_email`, a key queued already (by a scan running at the same time, say)
    keeps the mail queued first: the batch is then written one by one.
    """
    if not mails:
        return []
    try:
        with transaction.atomic():
            emails = Email.objects.bulk_create([mail.as_row() for mail in mails])
    except IntegrityError:
        return [_queue_one(mail) for mail in mails]
    from .tasks import send_emails

    ids = [email.pk for email in emails]
    if None in ids:  # a database that cannot return a bulk insert's ids (SQLite before 3.35)
        by_key = dict(Email.objects.filter(key__in=[m.key for m in mails]).values_list("key", "pk"))
        for email in emails:
            email.pk = by_key[email.key]
        ids = [email.pk for email in emails]
    for start in range(0, len(ids), SEND_BATCH):
        batch = ids[start : start + SEND_BATCH]
        transaction.on_commit(lambda batch=batch: send_emails.delay(email_ids=batch), robust=True)
    return emails


def templated_email(
    *,
    key: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
    calendar: str = "",
    calendar_method: str = "",
) -> OutgoingEmail:
    """A template triplet rendered (see :func:`render_email`) into a mail to queue."""
    rendered = render_email(template=template, context=context, language=language)
    return OutgoingEmail(
        key=key,
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=tuple(attachments),
        calendar=calendar,
        calendar_method=calendar_method,
    )


# Keys looked up per query: PostgreSQL binds at most 65,535 parameters to a statement.
KEYS_PER_QUERY = 10_000


def queued_keys(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` the outbox holds already, in one query (one per 10,000 keys): what a
    sender of many mails skips without rendering them."""
    keys = list(keys)
    return {
        key
        for start in range(0, len(keys), KEYS_PER_QUERY)
        for key in Email.objects.filter(key__in=keys[start : start + KEYS_PER_QUERY]).values_list(
            "key", flat=True
        )
    }


def queue_templated_email(
    *,
    key: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
    calendar: str = "",
    calendar_method: str = "",
) -> Email:
    """Render a template triplet and queue it (see :func:`queue_email`); a key queued already
    returns its mail without rendering."""
    if Email.objects.filter(key=key).exists():
        return Email.objects.get(key=key)
    return _queue_one(
        templated_email(
            key=key,
            to=to,
            template=template,
            context=context,
            language=language,
            attachments=attachments,
            calendar=calendar,
            calendar_method=calendar_method,
        )
    )


def _as_message(email: Email) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, to=[email.to], headers=dict(email.headers)
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.calendar:
        # RFC 6047 and what Gmail, Outlook and Apple Mail act on: the invitation is the last
        # alternative of the body (text, HTML, calendar), its iTIP method in the type.
        message.attach_alternative(email.calendar, f"text/calendar; method={email.calendar_method}")
    for attachment in email.attachments:
        content = attachment["content"]
        if not attachment["mimetype"].startswith("text/"):
            content = content.encode()  # a str would be encoded as raw-unicode-escape
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message


def retry_delay(attempts: int) -> timedelta:
    """Back off 1, 2, 4 … minutes after each failed attempt, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def send_queued_email(*, email_id: int) -> bool:
    """Send one pending mail; True if this call sent it.

    The row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and marked sent in the same
    transaction, so two senders never send the same mail and a sent mail is never sent again.
    A refusal by the mail server leaves it pending with a later ``next_attempt_at``.
    """
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Email.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        try:
            mail_connection.send([_as_message(email)])
        except Exception as error:  # any failure to hand over the mail is retried
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = Email.Status.FAILED
            email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning(
                "Mail %s not sent (attempt %s): %s", email.pk, email.attempts, type(error).__name__
            )
            return False
        email.status = Email.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def due_email_ids(*, limit: int = 500) -> list[int]:
    """Ids of pending mail whose next attempt is due, oldest first."""
    return list(
        Email.objects.filter(status=Email.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def send_queued_emails(*, email_ids: Iterable[int]) -> int:
    """Send these pending mails one after the other; return how many this call sent."""
    return sum(send_queued_email(email_id=email_id) for email_id in email_ids)


def sweep_outbox(*, limit: int = 500) -> int:
    """Try every pending mail that is due, in this process; return how many were sent."""
    return send_queued_emails(email_ids=due_email_ids(limit=limit))


def retry_failed_email(*, email_id: int) -> bool:
    """Put a failed mail back in the queue (a facilitator's "retry"); True if it had failed."""
    from .tasks import send_email

    requeued = Email.objects.filter(pk=email_id, status=Email.Status.FAILED).update(
        status=Email.Status.PENDING, attempts=0, last_error="", next_attempt_at=timezone.now()
    )
    if requeued:
        transaction.on_commit(lambda: send_email.delay(email_id=email_id), robust=True)
    return bool(requeued)


# allauth's mails (metlib/accounts.py): sign-in codes, address confirmations, password resets.
ACCOUNT_KEY_PREFIX = "account:"
SECRETS_KEPT_FOR = timedelta(hours=1)


def forget_sent_secrets(*, now: Any = None) -> int:
    """Blank the bodies of account mails sent more than an hour ago; return how many.

    They carry sign-in codes and confirmation or reset links. Once a mail has gone, the copy in
    the outbox serves no one and would only be a live secret in the database (and in its
    backups). Subject, address and times stay, for the record. Pending and failed mails are
    left whole, so they can still be sent.
    """
    cutoff = (now or timezone.now()) - SECRETS_KEPT_FOR
    return (
        Email.objects.filter(
            key__startswith=ACCOUNT_KEY_PREFIX, status=Email.Status.SENT, sent_at__lt=cutoff
        )
        .exclude(body_text="", body_html="")
        .update(body_text="", body_html="")
    )
