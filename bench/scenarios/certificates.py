"""The certificate PDF: one certificate rendered through the project against a minimal A4
page in the same fonts, measured in the same run (issue 20's target: at most three times the
time, so a rate ratio of at least 0.33); bare WeasyPrint on the certificate's own HTML and
stylesheet, without any reuse (what the project's reuse saves; not a layout target); and a
worker's memory over 500 certificates."""

from functools import cache

from ..certificate_memory import make_certificate, measure
from ..context import Context
from ..registry import Measurement, scenario

BARE = "bare WeasyPrint certificate"


@cache
def _certificate_pk() -> int:
    """The certificate every scenario renders, made once in the bench database."""
    return make_certificate()


def _certificate():
    from certificates.models import Certificate

    return Certificate.objects.select_related("cohort__programme").get(pk=_certificate_pk())


@cache
def _html() -> str:
    from certificates.pdf import certificate_html

    return certificate_html(certificate=_certificate())


@scenario(BARE)
def bare_weasyprint(ctx: Context) -> Measurement:
    """WeasyPrint alone on the project's certificate HTML and stylesheet, as its tutorial
    shows it: no fetcher, no reused font configuration or stylesheet."""
    from weasyprint import CSS, HTML

    from certificates.pdf import STYLESHEET

    html = _html()
    css = STYLESHEET.read_text(encoding="utf-8")
    return ctx.call(lambda: HTML(string=html).write_pdf(stylesheets=[CSS(string=css)]))


# A page with one short line in each face a certificate uses (Noto Sans regular, italic and
# bold, Noto Serif bold, DejaVu Sans Mono), in Latin, Greek and Cyrillic.
MINIMAL_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Minimal</title></head><body>
<p style="font-family: 'Noto Sans'">Aino Mäkelä-Järvinen · Ελένη Παπαδοπούλου · Алексей</p>
<p style="font-family: 'Noto Serif'; font-weight: bold">Certificate of participation</p>
<p style="font-family: 'Noto Sans'; font-style: italic">This certifies that</p>
<p style="font-family: 'Noto Sans'; font-weight: bold">Alex Moreau</p>
<p style="font-family: 'DejaVu Sans Mono'">Code: JwCKXaX5kwVax0hQqnaIpfUsdmbh7b2c</p>
</body></html>"""
MINIMAL = "minimal A4 page, same fonts"


@scenario(MINIMAL)
def minimal_page(ctx: Context) -> Measurement:
    """The floor a certificate is measured against (issue 20): five short lines in the
    certificate's five faces on an A4 landscape page, fonts embedded as subsets, written as
    the certificate is (the same reused font configuration and PDF/A-2a variant), so the
    ratio shows what the certificate's own layout costs."""
    from weasyprint import CSS, HTML

    from certificates import pdf

    page = CSS(string="@page { size: A4 landscape; margin: 9mm }", font_config=pdf._font_config())
    options = {"pdf_variant": pdf.PDF_VARIANT, "output_intent": pdf.OUTPUT_INTENT}

    def render() -> bytes:
        return HTML(string=MINIMAL_PAGE).write_pdf(
            stylesheets=[page],
            font_config=pdf._font_config(),
            color_profiles=pdf._color_profiles(),
            **options,
        )

    return ctx.call(render)


@scenario("certificate PDF", baseline=MINIMAL, target=round(1 / 3, 2))
def certificate_pdf(ctx: Context) -> Measurement:
    """What a worker does per certificate: read it, query its letterhead and signatories,
    render the template and the QR code, then WeasyPrint. Target: at most three times the
    minimal page measured in the same run."""
    from certificates.pdf import render_certificate_pdf

    return ctx.call(lambda: render_certificate_pdf(certificate=_certificate()))


@scenario("certificate worker memory, 500 certificates", baseline=BARE)
def worker_memory(ctx: Context) -> Measurement:
    """500 certificates in this process; the note gives the resident set after 50 and after
    500 and the growth per certificate (no target ratio: the figure to watch is the growth)."""
    figures = measure(certificate_pk=_certificate_pk())
    print(f"  certificate worker memory: {figures.describe()}", flush=True)
    rate = figures.count / figures.seconds
    return Measurement(
        rate=rate,
        p50_ms=1000 / rate,
        p99_ms=1000 / rate,
        errors=0,
        count=figures.count,
        seconds=figures.seconds,
        unit="calls/s",
        note=figures.describe(),
    )
