"""The demo's certificates: a year of attendance, someone below the threshold, confirmed
names and issued PDFs, the same rows after a second load."""

import subprocess
import unicodedata

import pytest
from django.utils import formats, timezone

from certificates.eligibility import eligibility_for_cohort
from certificates.models import Certificate, EligibilityOverride, PrintedName, Signatory
from certificates.pdf import render_certificate_pdf
from cohorts.models import Cohort, Membership, Role
from sessions.models import Attendance

from .loading import load_demo_command as _load_demo_command

MODELS = (Attendance, Certificate, PrintedName, Signatory, EligibilityOverride)


def _rows():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


@pytest.mark.django_db
def test_load_demo_issues_certificates_and_keeps_the_same_rows_twice():
    output = _load_demo_command()
    first = _rows()
    _load_demo_command()

    assert _rows() == first
    assert len(first["Signatory"]) == 2
    assert len(first["EligibilityOverride"]) == 1
    assert "Certificates: 270 attendance marks, 17 eligible, 16 issued" in output
    cohort = Cohort.objects.get(slug="metlib-2024")
    rows = eligibility_for_cohort(cohort=cohort)
    below = [row for row in rows if not row.eligible]
    assert len(below) == 1
    assert any("excused absences do not count" in row.reason for row in below)
    assert set(Attendance.objects.values_list("status", flat=True)) == {
        "present",
        "absent",
        "excused",
    }
    issued = Certificate.objects.filter(cohort=cohort)
    assert issued.count() == 16
    assert not issued.filter(pdf="").exists()
    assert {row.person for row in rows if row.certificate} == {c.person for c in issued}


def _text(path) -> str:
    printed = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return unicodedata.normalize("NFC", " ".join(printed.split()))


@pytest.mark.django_db
def test_demo_certificates_name_each_thing_once_and_date_it_one_way(client, tmp_path):
    cohort = Cohort.objects.select_related("programme").get(slug="metlib-2024")
    certificates = list(Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True))
    issued_on = formats.date_format(timezone.localtime(certificates[0].issued_at, cohort.zone))
    start, end = (
        formats.date_format(day) for day in (cohort.programme_start, cohort.programme_end)
    )
    overridden = [c for c in certificates if c.by_override]
    facilitator = Membership.objects.get(cohort=cohort, role=Role.FACILITATOR).user
    signatories = list(Signatory.objects.filter(cohort=cohort))

    assert facilitator.display_name in [signatory.name for signatory in signatories]
    assert all(signatory.signature for signatory in signatories)

    assert len(overridden) == 1
    for certificate in certificates:
        # Rendered again here: the package's load stored its files under another test's media.
        path = tmp_path / f"{certificate.pk}.pdf"
        path.write_bytes(render_certificate_pdf(certificate=certificate))
        text = _text(path)
        assert text.count(cohort.programme.name) == 1, text  # within the cohort's name
        assert text.count(cohort.name) == 1, text
        assert text.count(cohort.programme.organisation.upper()) == 1, text
        assert f"took part in {cohort.name} from {start} to {end}." in text
        assert f"Issued on {issued_on}" in text
        if certificate.by_override:
            assert "participation confirmed by the facilitator" in text
            assert "monthly sessions attended" not in text
        else:
            assert f"{certificate.monthly_attended} of 10 monthly sessions attended" in text
            assert "confirmed by the facilitator" not in text
        page = client.get(f"/verify/{certificate.code}/").content.decode()
        assert issued_on in page  # the same date, written the same way
