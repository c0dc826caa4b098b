import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from metlib import mail_connection, outbox
from metlib.models import Email
from metlib.outbox import (
    SEND_BATCH,
    Attachment,
    OutgoingEmail,
    queue_email,
    queue_emails,
    queued_keys,
    render_email,
    retry_delay,
    retry_failed_email,
    send_queued_email,
    sweep_outbox,
)

from ..factories import UserFactory
from ..fixtures import WAIT_SECONDS

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)

# An invitation as the calendar code will attach it: CRLF line ends, non-ASCII text.
INVITATION = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//MetLib Circle//EN\r\n"
    "METHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:session-1@metlib.test\r\n"
    "DTSTAMP:20250303T090000Z\r\n"
    "DTSTART:20250310T150000Z\r\n"
    "DTEND:20250310T163000Z\r\n"
    "SUMMARY:Monthly session — Bibliothèques & villes\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def make_email(**fields) -> Email:
    """A committed pending row, without the send that queue_email schedules."""
    defaults = {
        "key": "test:reminder:1",
        "to": "participant@example.org",
        "subject": "Your session starts soon",
        "body_text": "See you on Monday.\n",
    }
    return Email.objects.create(**{**defaults, **fields})


class Boom(Exception):
    pass


def test_queue_email_keeps_first_when_key_repeats(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue_email(
            key="nomination:7:receipt", to="first@example.org", subject="First", text="one"
        )
        second = queue_email(
            key="nomination:7:receipt", to="second@example.org", subject="Second", text="two"
        )

    assert second.pk == first.pk
    row = Email.objects.get()
    assert (row.to, row.subject, row.body_text) == ("first@example.org", "First", "one")
    assert len(callbacks) == 1
    assert [message.subject for message in mail.outbox] == ["First"]


def test_queue_email_puts_subject_on_one_line_when_it_has_line_breaks(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_email(
            key="k:subject", to="a@example.org", subject="Your nomination\r\nfor Oodi", text="Hi"
        )

    queued.refresh_from_db()
    assert queued.status == Email.Status.SENT
    assert [message.subject for message in mail.outbox] == ["Your nomination for Oodi"]


def test_queue_email_sends_only_when_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = queue_email(key="k:commit", to="a@example.org", subject="Hello", text="Hi")
        assert mail.outbox == []

    queued.refresh_from_db()
    assert queued.status == Email.Status.SENT
    assert [message.to for message in mail.outbox] == [["a@example.org"]]


def test_queue_email_leaves_nothing_when_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    def queue_then_fail() -> None:
        with transaction.atomic():
            queue_email(key="k:rollback", to="a@example.org", subject="Hello", text="Hi")
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        queue_then_fail()

    assert not Email.objects.exists()
    assert callbacks == []
    assert mail.outbox == []


def test_queue_email_keeps_mail_when_broker_is_down(
    monkeypatch, django_capture_on_commit_callbacks
):
    class BrokerDown:
        @staticmethod
        def delay(**kwargs: object) -> None:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("metlib.tasks.send_email", BrokerDown)

    # The change that queued the mail commits and the caller carries on …
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queued = queue_email(key="k:broker", to="a@example.org", subject="Hello", text="Hi")

    queued.refresh_from_db()
    assert queued.status == Email.Status.PENDING
    assert mail.outbox == []
    # … and the sweep delivers the mail later.
    assert sweep_outbox() == 1
    assert [message.subject for message in mail.outbox] == ["Hello"]


@time_machine.travel(NOW, tick=False)
def test_send_queued_email_sends_once_when_called_twice():
    queued = make_email()

    assert send_queued_email(email_id=queued.pk) is True
    assert send_queued_email(email_id=queued.pk) is False

    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.sent_at, queued.attempts) == (Email.Status.SENT, NOW, 1)


@pytest.mark.django_db(transaction=True)
def test_send_queued_email_sends_once_when_two_senders_race(monkeypatch):
    queued = make_email()
    start = threading.Barrier(2, timeout=WAIT_SECONDS)
    a_sender_returned = threading.Event()
    other_gave_up_while_row_was_held = []

    class HoldingBackend(LocmemBackend):
        """Keeps the claimed row locked until the other sender has returned."""

        def send_messages(self, messages):
            other_gave_up_while_row_was_held.append(a_sender_returned.wait(WAIT_SECONDS))
            return super().send_messages(messages)

    monkeypatch.setattr(mail_connection, "get_connection", HoldingBackend)

    def sender() -> bool:
        try:
            start.wait()
            sent = send_queued_email(email_id=queued.pk)
            a_sender_returned.set()
            return sent
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(sender) for _ in range(2)]
        results = sorted(future.result() for future in futures)

    assert results == [False, True]
    # The loser skipped the locked row instead of waiting for it.
    assert other_gave_up_while_row_was_held == [True]
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Email.Status.SENT, 1)


def test_sweep_outbox_retries_refused_mail_after_delay(
    smtp_sink, django_capture_on_commit_callbacks
):
    smtp_sink.refuse = True
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            queued = queue_email(
                key="session:1:person:1:invitation",
                to="participant@example.org",
                subject="Invitation: Monthly session",
                text="You are invited.",
                html="<p>You are invited.</p>",
                attachments=[
                    Attachment("invitation.ics", INVITATION, "text/calendar; method=REQUEST")
                ],
            )

        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Email.Status.PENDING, 1)
        assert "550" in queued.last_error
        assert queued.next_attempt_at == NOW + retry_delay(1)
        assert (smtp_sink.refused, smtp_sink.messages) == (1, [])

        smtp_sink.refuse = False
        clock.move_to(queued.next_attempt_at - dt.timedelta(seconds=1))
        assert sweep_outbox() == 0
        assert smtp_sink.messages == []

        clock.move_to(queued.next_attempt_at)
        assert sweep_outbox() == 1
        assert sweep_outbox() == 0

    assert len(smtp_sink.messages) == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (Email.Status.SENT, 2, "")
    received = smtp_sink.messages[0]
    assert received["To"] == "participant@example.org"
    assert received["Subject"] == "Invitation: Monthly session"
    assert received.get_body(("plain",)).get_content().strip() == "You are invited."
    assert received.get_body(("html",)).get_content().strip() == "<p>You are invited.</p>"
    [invitation] = received.iter_attachments()
    assert invitation.get_filename() == "invitation.ics"
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == "REQUEST"
    assert (
        invitation.get_payload(decode=True).decode(invitation.get_content_charset()) == INVITATION
    )


def test_send_queued_email_gives_up_after_max_attempts(
    settings, smtp_sink, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_sink.refuse = True

    with time_machine.travel(NOW, tick=False) as clock:
        queued = make_email()
        for _ in range(3):
            clock.move_to(queued.next_attempt_at)
            assert sweep_outbox() == 0
            queued.refresh_from_db()
        clock.shift(dt.timedelta(days=1))
        assert sweep_outbox() == 0

    assert (queued.status, queued.attempts) == (Email.Status.FAILED, 3)
    assert smtp_sink.refused == 3

    smtp_sink.refuse = False
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed_email(email_id=queued.pk) is True

    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Email.Status.SENT, 1)
    assert [message["Subject"] for message in smtp_sink.messages] == ["Your session starts soon"]
    assert retry_failed_email(email_id=queued.pk) is False


@pytest.fixture
def greeting_templates(settings, tmp_path):
    """A template triplet ``email/greeting-…`` in a template folder of its own."""
    folder = tmp_path / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "greeting-subject.txt").write_text(
        'Welcome, {{ name }}\n   — {{ when|date:"j F Y" }}\n', encoding="utf-8"
    )
    (folder / "greeting-body.txt").write_text(
        "\nDear {{ name }},\n\n"
        'your first session of {{ cohort }} is on {{ when|date:"j F Y" }}.\n'
        "{{ site_url }}\n\n",
        encoding="utf-8",
    )
    (folder / "greeting-body.html").write_text(
        '<p>Dear {{ name }},</p><p>{{ cohort }}: {{ when|date:"j F Y" }}</p>\n',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [tmp_path / "templates"],
        }
    ]
    settings.SITE_URL = "https://circle.example.org"
    return "greeting"


GREETING = {"name": "Siobhán O'Brien", "cohort": "Libraries & Cities", "when": dt.date(2025, 3, 3)}


def test_render_email_renders_triplet_when_language_is_given(greeting_templates, settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES  # German offered, as with its catalogue
    rendered = render_email(template=greeting_templates, context=GREETING, language="de")

    assert rendered.subject == "Welcome, Siobhán O'Brien — 3 März 2025"
    assert rendered.text == (
        "Dear Siobhán O'Brien,\n\n"
        "your first session of Libraries & Cities is on 3 März 2025.\n"
        "https://circle.example.org\n"
    )
    assert rendered.html == (
        "<p>Dear Siobhán O&#x27;Brien,</p><p>Libraries &amp; Cities: 3 März 2025</p>\n"
    )
    assert translation.get_language() == "en"


def test_render_email_uses_active_language_when_none_is_given(greeting_templates):
    with translation.override("fr"):
        rendered = render_email(template=greeting_templates, context=GREETING)

    assert rendered.subject == "Welcome, Siobhán O'Brien — 3 mars 2025"


def test_login_code_mail_goes_through_outbox_when_requested(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://circle.example.org"
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": user.email})

    assert response.status_code == 302
    queued = Email.objects.get()
    assert queued.to == user.email
    assert queued.status == Email.Status.SENT
    assert queued.subject == "[MetLib Circle] Sign-In Code"
    assert "You can sign in at https://circle.example.org" in queued.body_text
    code = re.search(r"^([A-Z0-9-]{6,})$", queued.body_text, re.MULTILINE).group(1)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.body == queued.body_text

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unknown_account_mail_names_address_when_stranger_requests_code(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": "stranger@example.org"})

    queued = Email.objects.get()
    assert queued.to == "stranger@example.org"
    assert "tried to access an account with email stranger@example.org." in queued.body_text
    assert [message.to for message in mail.outbox] == [["stranger@example.org"]]


def test_confirmation_mail_names_site_when_someone_signs_up(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "newcomer@example.org", "password1": "a-long-test-password"},
        )

    queued = Email.objects.get()
    assert queued.to == "newcomer@example.org"
    assert "register an account on testserver." in queued.body_text
    assert len(mail.outbox) == 1


def test_sent_account_mails_lose_their_codes_and_links_after_an_hour():
    from metlib.tasks import forget_sent_secrets

    sent_at = timezone.now()

    def mail_row(key, status, **fields):
        return Email.objects.create(
            key=key,
            to="nominator@library.example",
            subject="Your sign-in code",
            body_text="Your code is 482915.",
            body_html="<p>Your code is <b>482915</b>.</p>",
            status=status,
            **fields,
        )

    code = mail_row("account:login_code:1", Email.Status.SENT, sent_at=sent_at)
    waiting = mail_row("account:login_code:2", Email.Status.PENDING)
    failed = mail_row("account:login_code:3", Email.Status.FAILED)
    reminder = mail_row("reminder:event:1", Email.Status.SENT, sent_at=sent_at)

    assert outbox.forget_sent_secrets(now=sent_at + dt.timedelta(minutes=59)) == 0
    with time_machine.travel(sent_at + dt.timedelta(minutes=61)):
        assert forget_sent_secrets.delay().get() == 1  # the hourly task, run eagerly
        assert forget_sent_secrets.delay().get() == 0  # and again: nothing more
    code.refresh_from_db()
    assert (code.body_text, code.body_html) == ("", "")
    assert code.subject == "Your sign-in code"
    assert code.to == "nominator@library.example"
    for kept in (waiting, failed, reminder):
        kept.refresh_from_db()
        assert kept.body_text == "Your code is 482915."


def test_a_subject_is_one_line_and_keeps_its_no_break_spaces():
    assert outbox.one_line(" Votre agenda\n\tpour 2027\u00a0:  11 séances ") == (
        "Votre agenda pour 2027\u00a0: 11 séances"
    )


def outgoing(count: int, prefix: str = "batch") -> list[OutgoingEmail]:
    return [
        OutgoingEmail(key=f"{prefix}:{n}", to=f"p{n}@example.org", subject=f"Mail {n}", text="Hi")
        for n in range(count)
    ]


def test_queue_emails_writes_many_in_one_statement_and_sends_them_in_batches(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    count = 2 * SEND_BATCH + 20
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_num_queries(3),  # SAVEPOINT, one INSERT, RELEASE
    ):
        queued = queue_emails(outgoing(count))

    assert len(callbacks) == 3  # one task per SEND_BATCH mails, not one per mail
    assert len({email.pk for email in queued}) == count
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}
    assert sorted(message.subject for message in mail.outbox) == sorted(
        f"Mail {n}" for n in range(count)
    )


def test_queue_emails_keeps_a_mail_queued_first_under_the_same_key(
    django_capture_on_commit_callbacks,
):
    first = make_email(key="batch:1", subject="Queued first")

    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_emails(outgoing(3))

    assert [email.key for email in queued] == ["batch:0", "batch:1", "batch:2"]
    assert queued[1].pk == first.pk
    assert Email.objects.get(key="batch:1").subject == "Queued first"
    assert sorted(message.subject for message in mail.outbox) == ["Mail 0", "Mail 2"]


def test_queue_emails_leaves_nothing_when_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    def queue_then_fail() -> None:
        with transaction.atomic():
            queue_emails(outgoing(3))
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        queue_then_fail()

    assert not Email.objects.exists()
    assert (callbacks, mail.outbox) == ([], [])


def test_queued_keys_finds_them_across_many_queries(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(outbox, "KEYS_PER_QUERY", 2)
    for key in ("k:1", "k:4"):
        make_email(key=key)

    with django_assert_num_queries(3):
        assert queued_keys(f"k:{n}" for n in range(6)) == {"k:1", "k:4"}


def test_queue_emails_sends_them_where_the_database_returns_no_ids(
    monkeypatch, django_capture_on_commit_callbacks
):
    # SQLite before 3.35 (which Django 5.2 still supports) returns no ids from a bulk insert.
    monkeypatch.setattr(connections["default"].features, "can_return_rows_from_bulk_insert", False)
    with django_capture_on_commit_callbacks(execute=True):
        queued = queue_emails(outgoing(3))

    assert all(email.pk for email in queued)
    assert sorted(message.subject for message in mail.outbox) == ["Mail 0", "Mail 1", "Mail 2"]
