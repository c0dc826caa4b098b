"""A certificate prints in its cohort's language, not in the language of whoever issues it."""

import subprocess

import pytest
from django.utils import translation

from certificates.pdf import certificate_html, render_certificate_pdf

from ..factories import CertificateFactory


def test_certificate_prints_in_the_cohorts_language_whoever_issues_it(french, db):
    french({"Certificate of participation": "Certificat de participation"})
    certificate = CertificateFactory(name="Ana Example")
    certificate.cohort.main_language = "fr"
    certificate.cohort.save()
    with translation.override("en"):  # the facilitator issuing it reads English
        html = certificate_html(certificate=certificate)
    assert '<html lang="fr">' in html
    assert "Certificat de participation" in html
    assert translation.get_language() == "en"


FONTS_FOR = {"ar": ("DejaVu-Sans", "NotoSansArabic", "NotoNaskhArabic"), "zh-hans": ("CJK",)}


@pytest.mark.parametrize(("language", "title"), [("ar", "شهادة مشاركة"), ("zh-hans", "参与证书")])
def test_certificate_in_arabic_or_chinese_embeds_fonts_that_have_its_letters(
    catalogue, db, tmp_path, language, title
):
    catalogue(language, {"Certificate of participation": title})
    certificate = CertificateFactory(name="Ana Example")
    certificate.cohort.main_language = language
    certificate.cohort.save()
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate=certificate))
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True)
    # pdftotext gives Arabic in reading order, letter forms joined; compare without spaces.
    assert title.replace(" ", "") in text.stdout.replace(" ", "")
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True)
    # Noto Sans CJK (fonts-noto-cjk) for Chinese; DejaVu Sans or Noto Sans Arabic have Arabic.
    assert any(name in fonts.stdout for name in FONTS_FOR[language]), fonts.stdout
