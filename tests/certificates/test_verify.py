"""The public verification page and the form where someone types a code."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from certificates.models import Certificate
from tests.factories import CertificateFactory, CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

# 02:00 UTC on 6 March is still 5 March in New York, the cohort's zone.
ISSUED = dt.datetime(2027, 3, 6, 2, 0, tzinfo=dt.UTC)
REVOKED = dt.datetime(2027, 9, 1, 12, 0, tzinfo=dt.UTC)


def main(response) -> str:
    """The page's own content (the layout around it carries the path and a CSRF token)."""
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def verify_url(code: str) -> str:
    return reverse("certificates:verify", args=[code])


@pytest.fixture
def certificate():
    person = UserFactory(email="eleni.private@example.org")
    return CertificateFactory(
        person=person, name="Ελένη Παπαδοπούλου", issued_at=ISSUED, cohort=CohortFactory()
    )


def test_verify_shows_name_programme_cohort_and_date_when_valid(client, certificate):
    response = client.get(verify_url(certificate.code))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ελένη Παπαδοπούλου" in page
    assert "MetLib Learning Circle" in page
    assert certificate.cohort.name in page
    assert "March 5, 2027" in page
    assert "This certificate is genuine and valid." in page
    assert page.count("<h1") == 1


def test_verify_shows_revoked_and_its_date_but_not_the_reason_when_revoked(client, certificate):
    certificate.revoked_at = REVOKED
    certificate.revocation_reason = "Name misspelt by the facilitator"
    certificate.save()

    page = client.get(verify_url(certificate.code)).content.decode()

    assert "This certificate was revoked on Sept. 1, 2027" in page
    assert "genuine and valid" not in page
    assert "misspelt" not in page


def test_verify_never_shows_an_email_address(client, certificate):
    page = client.get(verify_url(certificate.code)).content.decode()

    assert "eleni.private@example.org" not in page
    assert "@" not in main(client.get(verify_url(certificate.code)))


def test_verify_asks_search_engines_not_to_index(client, certificate):
    response = client.get(verify_url(certificate.code))

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    "code",
    [
        "A" * 32,  # well formed, never issued
        "A" * 65,  # longer than any code
        "short",
        "abc.def.ghi.jkl.mno.pqr",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "Ωmega-Ωmega-Ωmega-Ωmega-Ωmega",
    ],
)
def test_verify_answers_the_same_plain_404_when_code_unknown_or_malformed(client, code):
    CertificateFactory()  # a real one exists; the page must not hint at it
    reference = client.get(verify_url("B" * 32))

    response = client.get(verify_url(code))

    assert response.status_code == 404
    assert main(response) == main(reference)
    assert "No certificate has this verification code." in response.content.decode()


def test_verify_does_not_query_when_code_malformed(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(verify_url("x" * 65)).status_code == 404


@pytest.mark.parametrize("others", [0, 25])
def test_verify_query_count_constant_whatever_the_number_of_certificates(
    client, certificate, others, django_assert_num_queries
):
    for _ in range(others):
        CertificateFactory(cohort=certificate.cohort)

    with django_assert_num_queries(1):
        assert client.get(verify_url(certificate.code)).status_code == 200


def test_verify_refuses_post(client, certificate):
    assert client.post(verify_url(certificate.code)).status_code == 405


def test_verify_form_sends_a_known_code_to_its_page(client, certificate):
    response = client.get(reverse("certificates:verify_form"), {"code": f" {certificate.code} "})

    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.code)


def test_verify_form_accepts_the_whole_address(client, certificate, settings):
    address = settings.SITE_URL + verify_url(certificate.code)

    response = client.get(reverse("certificates:verify_form"), {"code": address})

    assert response["Location"] == verify_url(certificate.code)


@pytest.mark.parametrize("typed", ["C" * 32, "not a code <b>", "x" * 600])
def test_verify_form_keeps_the_value_and_explains_when_code_bad(client, certificate, typed):
    response = client.get(reverse("certificates:verify_form"), {"code": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert "No certificate has this code." in page
    field = re.search(r'<input type="text" name="code"[^>]*>', page)[0]
    assert 'aria-invalid="true"' in field
    kept = typed[:500].replace("<", "&lt;").replace(">", "&gt;")
    assert f'value="{kept}"' in field


def test_verify_form_asks_for_a_code_when_empty(client):
    page = client.get(reverse("certificates:verify_form"), {"code": "  "}).content.decode()

    assert "Enter the code printed on the certificate." in page


def test_verify_form_shows_an_empty_field_on_first_visit(client):
    response = client.get(reverse("certificates:verify_form"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value=""' in page
    assert "errorlist" not in page


def test_verify_page_follows_a_certificate_made_now(client):
    with time_machine.travel(ISSUED, tick=False):
        certificate = CertificateFactory()

    page = client.get(verify_url(certificate.code)).content.decode()

    assert Certificate.objects.get(code=certificate.code).issued_at == ISSUED
    assert "March 5, 2027" in page
