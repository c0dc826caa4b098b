"""The demo's certificates: a year of attendance, someone below the threshold, confirmed
names and issued PDFs, the same rows after a second load."""

import pytest

from certificates.eligibility import eligibility_for_cohort
from certificates.models import Certificate, PrintedName
from cohorts.models import Cohort
from sessions.models import Attendance

from .loading import load_demo_command as _load_demo_command

MODELS = (Attendance, Certificate, PrintedName)


def _rows():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


@pytest.mark.django_db
def test_load_demo_issues_certificates_and_keeps_the_same_rows_twice():
    output = _load_demo_command()
    first = _rows()
    _load_demo_command()

    assert _rows() == first
    assert "Certificates: 270 attendance marks, 16 eligible, 15 issued" in output
    cohort = Cohort.objects.get(slug="metlib-2024")
    rows = eligibility_for_cohort(cohort=cohort)
    below = [row for row in rows if not row.eligible]
    assert len(below) == 2
    assert any("excused absences do not count" in row.reason for row in below)
    assert set(Attendance.objects.values_list("status", flat=True)) == {
        "present",
        "absent",
        "excused",
    }
    issued = Certificate.objects.filter(cohort=cohort)
    assert issued.count() == 15
    assert not issued.filter(pdf="").exists()
    assert {row.person for row in rows if row.certificate} == {c.person for c in issued}
