"""The certificate pages: who may see what, the eligibility page's query count, issuing by
POST, the download and the ZIP."""

import io
import subprocess
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates import issuing, names
from certificates.models import Certificate, EligibilityOverride, IssueBatch, NameChange
from cohorts.models import Role
from tests.certificates.year import mark, past_sessions, ready_people
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def url(name, cohort, **kwargs):
    return reverse(f"certificates:{name}", kwargs={"cohort_slug": cohort.slug, **kwargs})


@pytest.fixture
def issued(cohort, facilitator, make_member, django_capture_on_commit_callbacks):
    people = ready_people(cohort, by=facilitator, make_member=make_member, count=2)
    with django_capture_on_commit_callbacks(execute=True):
        issuing.start_batch(cohort=cohort, by=facilitator)
    return people


@pytest.mark.parametrize("name", ["eligibility", "zip"])
def test_facilitator_pages_refuse_anonymous_participant_and_other_facilitator(
    client, cohort, make_member, name
):
    page = url(name, cohort)
    assert client.get(page).status_code == 302
    assert "/accounts/login/" in client.get(page)["Location"]

    client.force_login(make_member(cohort))
    assert client.get(page).status_code == 403

    client.force_login(make_member(CohortFactory(), Role.FACILITATOR))
    assert client.get(page).status_code == 403


def test_issue_post_refuses_participant(client, cohort, make_member):
    client.force_login(make_member(cohort))

    assert client.post(url("issue", cohort)).status_code == 403
    assert not IssueBatch.objects.exists()


def test_eligibility_page_shows_why(client, cohort, facilitator, make_member):
    events = past_sessions(cohort, 10)
    ana = make_member(cohort, display_name="Ana Silva")
    mark(events[:7], ana, "present", by=facilitator)
    client.force_login(facilitator)

    html = client.get(url("eligibility", cohort)).content.decode()

    assert html.count("<h1>") == 1
    assert "Ana Silva" in html
    assert "Attended 7 of 10 monthly sessions; needs 8." in html
    assert "Not eligible" in html


def test_eligibility_page_takes_the_same_queries_at_two_sizes(
    client, cohort, facilitator, make_member, django_assert_num_queries
):
    events = past_sessions(cohort, 4)
    client.force_login(facilitator)

    def count_for(size):
        for _ in range(size):
            person = make_member(cohort)
            mark(events[:3], person, "present", by=facilitator)
            names.confirm_printed_name(cohort=cohort, person=person, name="A Name")
        with django_assert_num_queries(15) as captured:
            assert client.get(url("eligibility", cohort)).status_code == 200
        return len(captured.captured_queries)

    assert count_for(5) == count_for(30)


def test_override_form_requires_a_reason_and_keeps_the_choice(
    client, cohort, facilitator, make_member
):
    ana = make_member(cohort, display_name="Ana Silva")
    client.force_login(facilitator)

    refused = client.post(
        url("eligibility", cohort),
        {"action": "override", "person": ana.pk, "decision": "yes", "reason": " "},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Please give a reason for this decision." in html
    assert '<option value="yes" selected>' in html
    assert not EligibilityOverride.objects.exists()

    client.post(
        url("eligibility", cohort),
        {"action": "override", "person": ana.pk, "decision": "yes", "reason": "Ill in spring"},
    )
    assert EligibilityOverride.objects.get(person=ana).reason == "Ill in spring"


def test_rule_form_rejects_share_over_100_and_keeps_values(client, cohort, facilitator):
    client.force_login(facilitator)

    response = client.post(
        url("eligibility", cohort),
        {
            "action": "rule",
            "monthly_share": "150",
            "mentoring_minimum": "2",
            "title": "Certificate",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in html
    assert 'value="150"' in html


def test_issue_twice_by_post_makes_one_batch(
    client, cohort, facilitator, make_member, django_capture_on_commit_callbacks
):
    ready_people(cohort, by=facilitator, make_member=make_member, count=2)
    client.force_login(facilitator)

    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(url("issue", cohort))
        second = client.post(url("issue", cohort), follow=True)

    batch = IssueBatch.objects.get()
    assert first["Location"] == url("batch", cohort, pk=batch.pk)
    html = second.content.decode()
    assert "Certificates are being issued already" in html
    assert "0 of 2 issued" in html
    assert "<progress" in html
    assert 'http-equiv="refresh"' not in html  # only when asked (WCAG 2.2.1)
    assert "Refresh automatically every two seconds" in html
    followed = client.get(url("batch", cohort, pk=batch.pk) + "?follow=1").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in followed
    assert "Stop refreshing" in followed


def test_batch_page_shows_the_result_and_who_was_left_out(
    client, cohort, facilitator, issued, make_member
):
    make_member(cohort, display_name="Nina Absent")
    client.force_login(facilitator)
    batch = IssueBatch.objects.get()

    html = client.get(url("batch", cohort, pk=batch.pk)).content.decode()

    assert "2 of 2 issued" in html
    assert "Nina Absent: Not eligible: Attended 0 of 4 monthly sessions; needs 3." in html
    assert 'http-equiv="refresh"' not in html
    progress = client.get(url("batch_progress", cohort, pk=batch.pk)).json()
    assert progress == {
        "total": 2,
        "done": 2,
        "failed": 0,
        "finished": True,
        "text": "2 of 2 issued",
    }
    followed = client.get(url("batch", cohort, pk=batch.pk) + "?follow=1").content.decode()
    assert 'http-equiv="refresh"' not in followed  # finished: nothing to follow


def test_download_for_the_person_and_the_facilitator_only(
    client, cohort, facilitator, make_member, issued
):
    certificate = Certificate.objects.get(person=issued[0])
    download = reverse("certificates:download", kwargs={"code": certificate.code})

    client.force_login(issued[0])
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Participant%2000%20%C3%98sterg%C3%A5rd%20-%20"
        f"{cohort.slug}.pdf"
    )
    assert response.content.startswith(b"%PDF-")

    client.force_login(facilitator)
    assert client.get(download).status_code == 200

    for stranger in (issued[1], make_member(CohortFactory(), Role.FACILITATOR)):
        client.force_login(stranger)
        assert client.get(download).status_code == 404
    assert client.get(reverse("certificates:download", kwargs={"code": "nope"})).status_code == 404


def test_download_of_a_revoked_certificate_is_refused_clearly(client, cohort, facilitator, issued):
    certificate = Certificate.objects.get(person=issued[0])
    issuing.revoke_certificate(certificate=certificate, by=facilitator, reason="Issued in error")
    client.force_login(issued[0])

    response = client.get(reverse("certificates:download", kwargs={"code": certificate.code}))

    assert response.status_code == 410
    html = response.content.decode()
    assert "was revoked and can no longer be downloaded" in html
    assert "Issued in error" in html


def test_zip_holds_one_pdf_per_valid_certificate(client, cohort, facilitator, issued):
    issuing.revoke_certificate(
        certificate=Certificate.objects.get(person=issued[1]), by=facilitator, reason="x"
    )
    client.force_login(facilitator)

    response = client.get(url("zip", cohort))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["Participant 00 Østergård.pdf"]
    assert archive.read("Participant 00 Østergård.pdf").startswith(b"%PDF-")


def test_zip_names_are_unique_for_equal_names(client, cohort, facilitator, issued):
    Certificate.objects.update(name="Same Name")
    client.force_login(facilitator)

    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(url("zip", cohort)).streaming_content))
    )

    assert sorted(archive.namelist()) == ["Same Name-2.pdf", "Same Name.pdf"]


@pytest.mark.parametrize(
    ("printed", "entry"),
    [
        ("Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου.pdf"),
        ("Алексей Смирнов", "Алексей Смирнов.pdf"),
        ("Akosua Ɔfori-Atta", "Akosua Ɔfori-Atta.pdf"),
        ("李小龍", "李小龍.pdf"),
        ('A/B: "Name"?', "A B Name.pdf"),
        ("…", "certificate.pdf"),
    ],
)
def test_zip_names_entries_as_printed_with_the_utf8_flag(
    client, cohort, facilitator, issued, tmp_path, printed, entry
):
    Certificate.objects.filter(person=issued[0]).update(name=printed)
    issuing.revoke_certificate(
        certificate=Certificate.objects.get(person=issued[1]), by=facilitator, reason="x"
    )
    client.force_login(facilitator)
    path = tmp_path / "certificates.zip"
    path.write_bytes(b"".join(client.get(url("zip", cohort)).streaming_content))

    (info,) = zipfile.ZipFile(path).infolist()
    assert info.filename == entry
    assert bool(info.flag_bits & 0x800) == (not entry.isascii())
    # Info-ZIP's unzip, not Python, reads the same name back.
    listed = subprocess.run(["unzip", "-Z1", str(path)], capture_output=True, check=True)
    assert listed.stdout.decode().strip() == entry


def test_participant_page_proposes_a_name_correction_for_the_facilitator(
    client, cohort, facilitator, issued, django_capture_on_commit_callbacks
):
    ana = issued[0]
    client.force_login(ana)
    page = url("mine", cohort)
    html = client.get(page).content.decode()
    assert "Download your certificate (PDF)" in html
    assert "Attended 4 of 4 monthly sessions; needs 3." in html

    client.post(page, {"name": "Participant Zero Østergård"})
    html = client.get(page).content.decode()
    assert "“Participant Zero Østergård” awaits the facilitator" in html

    change = NameChange.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        names.approve_name_change(change=change, by=facilitator)

    valid = Certificate.objects.get(person=ana, revoked_at__isnull=True)
    assert valid.name == "Participant Zero Østergård"
    assert valid.replaces.name == "Participant 00 Østergård"
    html = client.get(page).content.decode()
    assert "History" in html
    assert "approved by the facilitator" in html


def test_participant_page_refuses_non_participants(client, cohort, facilitator, make_member):
    client.force_login(make_member(cohort, Role.MENTOR))
    assert client.get(url("mine", cohort)).status_code == 403
    client.logout()
    assert client.get(url("mine", cohort)).status_code == 302


def _batch_page_queries(client, make_member, capture, size) -> int:
    cohort = CohortFactory()
    facilitator = make_member(cohort, Role.FACILITATOR)
    ready_people(cohort, by=facilitator, make_member=make_member, count=size)
    make_member(cohort, display_name="Left Out")  # a row in "who was left out"
    with capture(execute=True):
        batch, _left_out = issuing.start_batch(cohort=cohort, by=facilitator)
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url("batch", cohort, pk=batch.pk)).content.decode()
    assert f"{size} of {size} issued" in html
    return len(captured.captured_queries)


def test_batch_page_takes_the_same_queries_at_two_sizes(
    client, make_member, django_capture_on_commit_callbacks
):
    small = _batch_page_queries(client, make_member, django_capture_on_commit_callbacks, 2)
    large = _batch_page_queries(client, make_member, django_capture_on_commit_callbacks, 12)
    assert small == large


def test_participant_page_takes_the_same_queries_with_a_longer_history(
    client, cohort, facilitator, issued
):
    person = issued[0]
    client.force_login(person)
    page = url("mine", cohort)
    client.get(page)
    with CaptureQueriesContext(connection) as first:
        assert client.get(page).status_code == 200
    for _ in range(3):  # corrected names: the old certificate revoked, a new one issued
        names.confirm_printed_name(cohort=cohort, person=person, name=f"{person.display_name} Jr")
        certificate = Certificate.objects.get(cohort=cohort, person=person, revoked_at=None)
        issuing.reissue_certificate(certificate=certificate, by=facilitator, reason="Name")
    with CaptureQueriesContext(connection) as longer:
        html = client.get(page).content.decode()
    assert Certificate.objects.filter(cohort=cohort, person=person).count() == 4
    assert html.count("<h1") == 1
    assert len(longer.captured_queries) == len(first.captured_queries)
