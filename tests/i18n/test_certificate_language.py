"""A certificate prints in its cohort's language, not in the language of whoever issues it."""

from django.utils import translation

from certificates.pdf import certificate_html

from ..factories import CallFactory, CertificateFactory


def test_certificate_prints_in_the_cohorts_language_whoever_issues_it(french, db):
    french({"Certificate of participation": "Certificat de participation"})
    certificate = CertificateFactory(name="Ana Example")
    CallFactory(cohort=certificate.cohort, main_language="fr")
    with translation.override("en"):  # the facilitator issuing it reads English
        html = certificate_html(certificate=certificate)
    assert '<html lang="fr">' in html
    assert "Certificat de participation" in html
    assert translation.get_language() == "en"
