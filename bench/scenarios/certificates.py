"""The certificate PDF (the Certificates issue's targets): one certificate rendered through
the project against bare WeasyPrint rendering the same HTML and stylesheet in the same run
(target: at most 1.3 times the time, so a rate ratio of at least 1 / 1.3), and a worker's
memory over 500 certificates."""

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


@scenario("certificate PDF", baseline=BARE, target=round(1 / 1.3, 2))
def certificate_pdf(ctx: Context) -> Measurement:
    """What a worker does per certificate: read it, query its letterhead and signatories,
    render the template and the QR code, then WeasyPrint."""
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
