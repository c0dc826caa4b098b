"""The certificate PDF, checked with tools we did not write: poppler's pdftotext, pdfinfo,
pdffonts, pdfimages and pdftoppm, qpdf, and zbarimg for the QR code."""

import gc
import io
import logging
import socket
import subprocess
import threading
import unicodedata

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from certificates import pdf as certificate_pdf
from certificates.pdf import (
    CertificateFetcher,
    RefusedFetch,
    certificate_html,
    render_certificate_pdf,
    verification_url,
)
from tests.factories import CertificateFactory, CertificateSettingsFactory, SignatoryFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "Anne Østergård",
    "Lucia D'Amico",
    "Zofia Łódź-Wąsowska",
    "Çağrı Öztürk",
    "Đorđe Đorđević",
    "José Ñúñez",
    "Ελένη Παπαδοπούλου",
    "Алексей Смирнов",
]


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def without_spaces(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def png(*, size: tuple[int, int] = (240, 80), colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def write_pdf(tmp_path):
    def write(certificate) -> str:
        path = tmp_path / f"certificate-{certificate.pk}.pdf"
        path.write_bytes(render_certificate_pdf(certificate=certificate))
        return str(path)

    return write


@pytest.fixture
def certificate(settings):
    settings.SITE_URL = "https://circle.example.org"
    certificate = CertificateFactory(name="Anna Virtanen", city="Helsinki", library="Oodi")
    CertificateSettingsFactory(cohort=certificate.cohort)
    SignatoryFactory(cohort=certificate.cohort, name="Marie Østby", title="Chair")
    return certificate


def test_verification_url_is_the_site_and_the_code(certificate):
    assert verification_url(certificate) == (
        f"https://circle.example.org/verify/{certificate.code}/"
    )


def test_pdf_text_has_name_place_and_url_when_rendered(certificate, write_pdf):
    text = nfc(run("pdftotext", write_pdf(certificate), "-"))

    assert "Anna Virtanen" in text
    assert "Oodi, Helsinki, Finland" in text
    assert verification_url(certificate) in text
    assert certificate.code in text
    assert certificate.cohort.name in text
    assert "9 of 10 monthly sessions attended" in text
    assert "Marie Østby" in text


def test_pdf_is_one_a4_landscape_page_when_rendered(certificate, write_pdf):
    info = run("pdfinfo", write_pdf(certificate))

    assert "Pages:           1\n" in info
    assert "Page size:       841.89 x 595.276 pts (A4)" in info


def test_pdf_embeds_every_font_when_rendered(certificate, write_pdf):
    rows = run("pdffonts", write_pdf(certificate)).splitlines()[2:]

    assert rows, "the PDF names no font"
    for row in rows:
        # name type encoding emb sub uni object-id gen: "emb" is the fourth from the end.
        assert row.split()[-5] == "yes", row


def test_pdf_passes_qpdf_check_when_rendered(certificate, write_pdf):
    result = subprocess.run(["qpdf", "--check", write_pdf(certificate)], capture_output=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_qr_code_decodes_to_the_verification_url_when_printed(certificate, write_pdf, tmp_path):
    run("pdftoppm", "-r", "150", "-png", "-singlefile", write_pdf(certificate), str(tmp_path / "p"))
    decoded = run(
        "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "p.png")
    )

    assert decoded.strip() == verification_url(certificate)


@pytest.mark.parametrize("name", NAMES)
def test_name_prints_exactly_when_it_has_diacritics_or_another_script(name, write_pdf):
    certificate = CertificateFactory(name=name)

    text = nfc(run("pdftotext", write_pdf(certificate), "-"))

    assert unicodedata.normalize("NFC", name) in text


def test_long_name_fits_one_page_and_prints_whole_when_200_characters(write_pdf):
    name = " ".join(["Maria-Ελένη Østergård-Đorđević Алексеевна"] * 5)[:200].strip()
    certificate = CertificateFactory(name=name)
    path = write_pdf(certificate)

    assert "Pages:           1\n" in run("pdfinfo", path)
    # The name wraps; -layout keeps the hyphen at a line's end (the default mode drops it as
    # if it were hyphenation), and the comparison ignores where the lines break.
    text = run("pdftotext", "-layout", path, "-")
    assert without_spaces(name) in without_spaces(text)


def test_longest_texts_every_field_allows_still_fit_one_page(write_pdf):
    certificate = CertificateFactory(
        name="W" * 200,
        library="Bibliothèque " * 15,
        city="Ciudad " * 17,
        country="Country " * 15,
    )
    CertificateSettingsFactory(
        cohort=certificate.cohort, title="Certificate " * 10, statement="Statement " * 30
    )
    for position in range(4):
        SignatoryFactory(
            cohort=certificate.cohort,
            name="Signatory " * 15,
            title="Title " * 33,
            position=position,
        )
    path = write_pdf(certificate)

    assert "Pages:           1\n" in run("pdfinfo", path)
    assert "W" * 20 in run("pdftotext", path, "-")
    assert verification_url(certificate) in run("pdftotext", path, "-")


def test_signatory_without_image_gets_a_line_to_sign_on(write_pdf):
    certificate = CertificateFactory()
    with_image = SignatoryFactory(cohort=certificate.cohort, name="Ana Signed", position=0)
    with_image.signature.save("ana.png", ContentFile(png()), save=True)
    SignatoryFactory(cohort=certificate.cohort, name="Ben Unsigned", position=1)

    html = certificate_html(certificate=certificate)
    path = write_pdf(certificate)

    assert html.count("sign-here") == 1
    assert html.count('class="signature"') == 1
    images = run("pdfimages", "-list", path).splitlines()[2:]
    assert [line.split()[3:5] for line in images] == [["240", "80"]]  # the QR code is vector
    text = run("pdftotext", path, "-")
    assert "Ana Signed" in text
    assert "Ben Unsigned" in text


def test_logo_prints_when_the_cohort_has_one(write_pdf):
    certificate = CertificateFactory()
    letterhead = CertificateSettingsFactory(cohort=certificate.cohort)
    letterhead.logo.save("logo.png", ContentFile(png(size=(400, 120))), save=True)

    images = run("pdfimages", "-list", write_pdf(certificate)).splitlines()[2:]

    assert len(images) == 1
    assert images[0].split()[3:5] == ["400", "120"]


def test_render_fetches_nothing_from_the_network(monkeypatch, write_pdf):
    certificate = CertificateFactory(name='<img src="http://tracker.invalid/n.png">Eve')
    letterhead = CertificateSettingsFactory(
        cohort=certificate.cohort,
        statement='<img src="http://tracker.invalid/s.png"> <link href="//x.invalid">',
    )
    letterhead.logo.save("logo.png", ContentFile(png()), save=True)
    fetched: list[str] = []
    real_fetch = CertificateFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    def no_network(*args, **kwargs):
        raise AssertionError("rendering a certificate opened a network connection")

    monkeypatch.setattr(CertificateFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    text = nfc(run("pdftotext", write_pdf(certificate), "-"))

    assert fetched == [f"storage:{letterhead.logo.name}"]
    assert '<img src="http://tracker.invalid/s.png">' in text  # printed as text, not loaded
    assert '<img src="http://tracker.invalid/n.png">Eve' in text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/logo.png",
        "ftp://example.org/logo.png",
        "file:///etc/passwd",
        "storage:nominations/secret.pdf",
        "storage:certificates/logos/../../secret.pdf",
    ],
)
def test_fetcher_refuses_when_not_data_storage_or_static(url):
    with pytest.raises(RefusedFetch):
        CertificateFetcher().fetch(url)


def test_fetcher_serves_data_uris():
    response = CertificateFetcher().fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"


def test_fetcher_is_built_once_per_thread_and_serves_each_certificate(certificate, write_pdf):
    first = certificate_pdf._fetcher()
    write_pdf(certificate)
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(certificate_pdf._fetcher()))
    thread.start()
    thread.join()

    assert certificate_pdf._fetcher() is first
    assert isinstance(elsewhere[0], CertificateFetcher)
    assert elsewhere[0] is not first


def test_cycle_collector_is_paused_while_rendering_and_running_after(certificate, monkeypatch):
    during = []
    render = certificate_pdf._render_html_pdf

    def spy(**kwargs):
        during.append(gc.isenabled())
        return render(**kwargs)

    monkeypatch.setattr(certificate_pdf, "_render_html_pdf", spy)

    render_certificate_pdf(certificate=certificate)

    assert during == [False]
    assert gc.isenabled()


def test_cycle_collector_paused_by_someone_else_stays_paused(certificate):
    gc.disable()
    try:
        render_certificate_pdf(certificate=certificate)

        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycle_collector_runs_again_when_a_render_fails(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(certificate_pdf, "_render_html_pdf", broken)

    with pytest.raises(RuntimeError):
        certificate_pdf.render_html_pdf(html="<p>Anna</p>")
    assert gc.isenabled()


def test_fonts_are_subset_by_harfbuzz_when_rendered(certificate, caplog):
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_certificate_pdf(certificate=certificate)

    assert harfbuzz_subset is not None
    assert harfbuzz.hb_version_atleast(4, 1, 0)
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]


def test_name_size_steps_down_with_length():
    sizes = [certificate_pdf.name_size("x" * n) for n in (10, 35, 55, 90, 200)]

    assert sizes == ["xl", "l", "m", "s", "xs"]


def test_render_queries_cohort_letterhead_and_signatories_only(
    certificate, django_assert_num_queries
):
    certificate = type(certificate).objects.get(pk=certificate.pk)

    with django_assert_num_queries(4):  # cohort, programme, letterhead, signatories
        render_certificate_pdf(certificate=certificate)


def test_signature_file_gone_from_storage_still_renders_one_page(write_pdf):
    certificate = CertificateFactory(name="Ana Example")
    signatory = SignatoryFactory(cohort=certificate.cohort, name="Gone Signature")
    signatory.signature.save("gone.png", ContentFile(png()), save=True)
    signatory.signature.storage.delete(signatory.signature.name)

    path = write_pdf(certificate)

    assert "Pages:           1\n" in run("pdfinfo", path)
    assert "Gone Signature" in run("pdftotext", path, "-")


def test_pdf_is_tagged_pdf_a_2a_with_title_author_and_language(certificate, write_pdf):
    path = write_pdf(certificate)
    info = run("pdfinfo", path)
    metadata = run("pdfinfo", "-meta", path)
    root = run("qpdf", "--show-object=trailer", path).split("/Root ")[1].split()[0]
    catalog = run("qpdf", f"--show-object={root}", path)
    objects = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", path, "-"], check=True, capture_output=True
    ).stdout

    assert "Tagged:          yes" in info
    assert "Metadata Stream: yes" in info
    assert f"Title:           Certificate of participation · {certificate.name}" in info
    assert f"Author:          {certificate.cohort.programme.organisation}" in info
    assert 'pdfaid:part="2" pdfaid:conformance="A"' in metadata
    assert f"<dc:creator><rdf:Seq><rdf:li>{certificate.cohort.programme.organisation}" in metadata
    assert "/Lang (en)" in catalog
    assert "/MarkInfo << /Marked true >>" in catalog
    assert "/StructTreeRoot" in catalog
    assert "/S /GTS_PDFA1" in catalog  # the output intent PDF/A asks for
    assert b"/S /H1" in objects  # the title is a heading for a screen reader


def test_achievement_names_the_programme_once_when_the_cohort_repeats_it():
    assert (
        certificate_pdf.achievement_name(
            programme_name="MetLib Learning Circle", cohort_name="MetLib Learning Circle 2024–25"
        )
        == "MetLib Learning Circle 2024–25"
    )
    assert (
        certificate_pdf.achievement_name(
            programme_name="MetLib Learning Circle", cohort_name="2026"
        )
        == "MetLib Learning Circle (2026)"
    )


def test_pdf_prints_the_facilitators_decision_not_a_count_when_overridden(write_pdf):
    certificate = CertificateFactory(monthly_attended=5, monthly_total=9, by_override=True)

    text = nfc(run("pdftotext", write_pdf(certificate), "-"))

    assert "participation confirmed by the facilitator" in text
    assert "monthly session" not in text
    assert "5 of 9" not in text


def test_warm_up_renders_without_the_database_and_runs_as_a_worker_starts(
    django_assert_num_queries,
):
    from celery.signals import worker_process_init

    from certificates.tasks import warm_up_certificates

    with django_assert_num_queries(0):
        seconds = certificate_pdf.warm_up()

    assert seconds > 0
    assert warm_up_certificates in [ref() for _key, ref in worker_process_init.receivers]


@pytest.mark.parametrize("dpi", ["72", "96", "150", "300", "600"])
def test_qr_code_decodes_at_screen_and_print_resolutions(certificate, write_pdf, tmp_path, dpi):
    run("pdftoppm", "-r", dpi, "-png", "-singlefile", write_pdf(certificate), str(tmp_path / "p"))
    decoded = run(
        "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "p.png")
    )

    assert decoded.strip() == verification_url(certificate)


def test_signature_replaced_under_the_same_name_prints_the_new_image(write_pdf, tmp_path):
    certificate = CertificateFactory()
    signatory = SignatoryFactory(cohort=certificate.cohort, name="Ana Signed")
    signatory.signature.save("ana.png", ContentFile(png(size=(240, 80))), save=True)
    write_pdf(certificate)
    name = signatory.signature.name
    signatory.signature.storage.delete(name)
    signatory.signature.storage.save(name, ContentFile(png(size=(300, 60))))

    images = run("pdfimages", "-list", write_pdf(certificate)).splitlines()[2:]

    assert [line.split()[3:5] for line in images] == [["300", "60"]]


def _word_boxes(path: str) -> list[tuple[str, float, float]]:
    """Each word pdftotext finds: its text and its top and bottom, in points from the top."""
    import re

    html = run("pdftotext", "-bbox", path, "-")
    return [
        (word, float(y_min), float(y_max))
        for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]


@pytest.mark.parametrize("statement", ["", "A year of monthly sessions. " * 8])
def test_foot_sits_at_the_bottom_of_the_frame_and_the_statement_in_the_middle(write_pdf, statement):
    """No dead band under the foot, however short the statement: WeasyPrint leaves what a
    fixed-height table's rows do not use below the last row, and the renderer moves the rows
    (certificates.pdf._fill_the_page)."""
    certificate = CertificateFactory(name="Anna Virtanen", library="", city="", country="")
    CertificateSettingsFactory(cohort=certificate.cohort, statement=statement)
    SignatoryFactory(cohort=certificate.cohort, name="Marie Østby", title="Chair")
    words = _word_boxes(write_pdf(certificate))

    frame_bottom = 595.28 - (9 + 0.8 + 7) * 72 / 25.4  # page less margin, border and padding
    url_bottom = max(bottom for word, _top, bottom in words if "/verify/" in word)
    assert frame_bottom - 6 < url_bottom <= frame_bottom
    # The statement is as far from the letterhead (the organisation's line, first) as from
    # the foot (whose top is the QR code's, beside "Issued on"), within 12 pt.
    organisation_bottom = words[0][2]
    title_top = min(top for word, top, _bottom in words if word == "Certificate")
    body_bottom = max(bottom for word, _top, bottom in words if word == "conference")
    foot_top = min(top for word, top, _bottom in words if word == "Issued")
    assert abs((title_top - organisation_bottom) - (foot_top - body_bottom)) < 12


def test_four_signatories_share_one_row_in_the_full_layout(write_pdf, monkeypatch):
    """Four signatories with two-line titles fit beside the verification block; the page
    is not set again in its compact layout (it was, leaving the page mostly empty)."""
    certificate = CertificateFactory(name="Maria Ελένη Østergård")
    CertificateSettingsFactory(cohort=certificate.cohort)
    for position in range(4):
        SignatoryFactory(
            cohort=certificate.cohort,
            name=f"Signer{position} Name",
            title="Chair of the board of the section",
            position=position,
        )
    layouts = []
    render_html_pdf = certificate_pdf.render_html_pdf

    def recording(*, html, compact=False):
        layouts.append("compact" if compact else "full")
        return render_html_pdf(html=html, compact=compact)

    monkeypatch.setattr(certificate_pdf, "render_html_pdf", recording)
    words = _word_boxes(write_pdf(certificate))

    assert layouts == ["full"]
    assert len({top for word, top, _bottom in words if word.startswith("Signer")}) == 1
