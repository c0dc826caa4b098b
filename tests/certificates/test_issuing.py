"""Issuing: a batch for everyone ready, exactly one certificate per person, failures,
revoking and re-issuing with history, and the ready mail."""

import datetime as dt

import pytest
from django.utils import timezone

from certificates import issuing
from certificates.models import BatchItem, Certificate, IssueBatch
from metlib.models import Email
from tests.certificates.year import ready_people
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code under test enqueues after commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ready(cohort, facilitator, make_member):
    return ready_people(cohort, by=facilitator, make_member=make_member, count=2)


def test_start_batch_issues_to_everyone_ready_and_says_who_was_left_out(
    cohort, facilitator, make_member, ready, commit
):
    unconfirmed = make_member(cohort, display_name="Nina Unconfirmed")

    with commit():
        batch, left_out = issuing.start_batch(cohort=cohort, by=facilitator)

    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed) == (2, 2, 0)
    assert batch.finished_at is not None
    assert [(entry.person, entry.reason[:13]) for entry in left_out] == [
        (unconfirmed, "Not eligible:")
    ]
    certificates = Certificate.objects.filter(cohort=cohort).order_by("name")
    assert [c.person for c in certificates] == ready
    for certificate in certificates:
        with certificate.pdf.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    first = certificates[0]
    assert (first.name, first.monthly_attended, first.monthly_total) == (
        "Participant 00 Østergård",
        4,
        4,
    )
    assert first.batch == batch
    assert first.issued_by == facilitator


def test_start_batch_queues_the_ready_mail_once_per_certificate(cohort, facilitator, ready, commit):
    with commit():
        issuing.start_batch(cohort=cohort, by=facilitator)
    certificate = Certificate.objects.get(person=ready[0])

    issuing.queue_ready_mail(certificate=certificate)  # a second time: nothing new

    mails = Email.objects.filter(to=ready[0].email)
    assert mails.count() == 1
    mail = mails.get()
    assert mail.key == f"certificate-ready:{certificate.pk}"
    assert f"/certificates/{certificate.code}/download/" in mail.body_text
    assert f"/cohorts/{cohort.slug}/certificate/" in mail.body_text


def test_start_batch_twice_while_running_makes_one_batch(
    cohort, facilitator, ready, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        issuing.start_batch(cohort=cohort, by=facilitator)

    with pytest.raises(issuing.IssueRefused, match="being issued already"):
        issuing.start_batch(cohort=cohort, by=facilitator)
    assert IssueBatch.objects.count() == 1


def test_start_batch_with_nobody_ready_is_refused(cohort, facilitator, make_member):
    make_member(cohort)

    with pytest.raises(issuing.IssueRefused, match="Nobody is ready"):
        issuing.start_batch(cohort=cohort, by=facilitator)
    assert not IssueBatch.objects.exists()


def test_issue_item_twice_makes_one_certificate(
    cohort, facilitator, ready, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch, _left = issuing.start_batch(cohort=cohort, by=facilitator)
    item = batch.items.get(person=ready[0])

    assert issuing.issue_item(item_id=item.pk) == "done"
    assert issuing.issue_item(item_id=item.pk) == "skipped"

    assert Certificate.objects.filter(person=ready[0]).count() == 1
    batch.refresh_from_db()
    assert (batch.done, batch.finished_at) == (1, None)


def test_issue_item_reuses_a_valid_certificate_made_meanwhile(
    cohort, facilitator, ready, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch, _left = issuing.start_batch(cohort=cohort, by=facilitator)
    meanwhile = CertificateFactory(cohort=cohort, person=ready[0], name="Made meanwhile")

    item = batch.items.get(person=ready[0])
    assert issuing.issue_item(item_id=item.pk) == "done"

    item.refresh_from_db()
    assert item.certificate == meanwhile
    assert Certificate.objects.filter(person=ready[0]).count() == 1
    meanwhile.refresh_from_db()
    assert meanwhile.pdf


def test_issue_item_fails_after_three_attempts_and_can_be_retried(
    cohort, facilitator, ready, monkeypatch, commit
):
    def broken(*, certificate):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("certificates.pdf.render_certificate_pdf", broken)

    with commit():
        batch, _left = issuing.start_batch(cohort=cohort, by=facilitator)

    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (0, 2)
    assert batch.finished_at is not None
    item = batch.items.first()
    assert (item.status, item.attempts, item.error) == ("failed", 3, "RuntimeError: no fonts")
    assert not Email.objects.exists()

    monkeypatch.undo()
    with commit():
        assert issuing.retry_failed(batch=batch) == 2
    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (2, 0)
    assert batch.finished_at is not None
    assert Certificate.objects.exclude(pdf="").count() == 2


def test_resume_batches_enqueues_only_stale_pending_items(
    cohort, facilitator, ready, django_capture_on_commit_callbacks, commit
):
    with django_capture_on_commit_callbacks(execute=False):
        batch, _left = issuing.start_batch(cohort=cohort, by=facilitator)
    stale, fresh = batch.items.order_by("pk")
    BatchItem.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=10)
    )

    with commit():
        assert issuing.resume_batches() == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("done", "pending")


def test_revoke_and_reissue_keep_the_history(cohort, facilitator, ready, commit):
    with commit():
        issuing.start_batch(cohort=cohort, by=facilitator)
    old = Certificate.objects.get(person=ready[0])

    with commit():
        new = issuing.reissue_certificate(certificate=old, by=facilitator, reason="Name corrected")

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.revoked_at is not None
    assert (old.revoked_by, old.revocation_reason) == (facilitator, "Name corrected")
    assert new.replaces == old
    assert new.is_valid
    assert new.code != old.code
    assert new.pdf
    assert Certificate.objects.filter(person=ready[0], revoked_at__isnull=True).count() == 1
    assert Email.objects.filter(to=ready[0].email).count() == 2  # one per certificate

    with pytest.raises(issuing.IssueRefused, match="revoked already"):
        issuing.revoke_certificate(certificate=old, by=facilitator, reason="again")
    with pytest.raises(issuing.IssueRefused, match="Say why"):
        issuing.revoke_certificate(certificate=new, by=facilitator, reason=" ")


def test_credential_is_signed_at_issue_and_served_as_it_was_signed(
    client, cohort, facilitator, ready, commit
):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    from certificates import credentials
    from certificates.models import CertificateSettings

    with commit():
        issuing.start_batch(cohort=cohort, by=facilitator)
    certificate = Certificate.objects.get(person=ready[0])
    stored = certificate.credential_jwt
    assert stored.count(".") == 2
    # Later changes to the letterhead change what a new credential would say, not this one.
    CertificateSettings.objects.update_or_create(
        cohort=cohort, defaults={"statement": "Written after issue"}
    )
    client.force_login(ready[0])
    url = f"/certificates/{certificate.code}/credential/"
    downloads = [client.get(url).content.decode() for _ in range(2)]

    assert downloads == [stored, stored]  # ES256 signatures differ each time: not re-signed
    keys = KeySet.import_key_set(credentials.public_key_set())
    claims = jwt.decode(stored, keys, algorithms=["ES256"]).claims
    assert "Written after issue" not in str(claims)

    with commit():
        new = issuing.reissue_certificate(certificate=certificate, by=facilitator, reason="Name")
    new.refresh_from_db()
    assert new.credential_jwt
    assert new.credential_jwt != stored
    new_claims = jwt.decode(new.credential_jwt, keys, algorithms=["ES256"]).claims
    assert new_claims["jti"] == credentials.credential_id(new) != claims["jti"]
    # The revoked certificate's credential stays what it was, and the page says revoked.
    certificate.refresh_from_db()
    assert certificate.credential_jwt == stored
    verdict = credentials.verify_credential(stored)
    assert (verdict.genuine, verdict.revoked) == (True, True)


def test_credential_of_a_certificate_issued_before_they_were_stored_is_signed_once(client):
    certificate = CertificateFactory()
    assert certificate.credential_jwt == ""
    client.force_login(certificate.person)
    url = f"/certificates/{certificate.code}/credential/"

    first, second = (client.get(url).content.decode() for _ in range(2))

    certificate.refresh_from_db()
    assert first == second == certificate.credential_jwt


@pytest.mark.parametrize("language", ["en", "fr", "es", "de", "ar", "ru", "zh-hans"])
def test_ready_mail_offers_the_credential_and_linkedin_on_the_certificate_page(
    cohort, facilitator, ready, commit, language
):
    from django.utils import translation
    from django.utils.html import escape

    person = ready[0]
    person.language = language
    person.save(update_fields=["language"])
    with commit():
        issuing.start_batch(cohort=cohort, by=facilitator)
    certificate = Certificate.objects.get(person=person)
    mail = Email.objects.get(key=f"certificate-ready:{certificate.pk}")
    sentence = (
        "On your certificate page you can also download it as a digital credential (Open "
        "Badges 3.0), which anyone can check without visiting our site, and add it to your "
        "LinkedIn profile: the button there fills in LinkedIn's form for you."
    )
    with translation.override(language):
        translated = translation.gettext(sentence)
        link = translation.gettext("Download the credential or add it to LinkedIn")

    if language != "en":
        assert translated != sentence, language
    page = f"/cohorts/{cohort.slug}/certificate/"
    assert translated in mail.body_text
    assert page in mail.body_text
    assert page in mail.body_html
    assert escape(link) in mail.body_html
