"""The certificate as a PDF: an HTML template and a print stylesheet rendered by WeasyPrint
to one A4 landscape page.

Everything printed comes from the certificate row (copied when it was issued), its cohort and
the cohort's letterhead. Rendering never touches the network: the URL fetcher serves only
``data:`` URIs, images from our own storage (read through Django's storage API, so S3 works
too) and files under our static folders, and refuses everything else.
"""

import mimetypes
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from metlib.languages import is_offered
from nominations.models import Call

from .models import Certificate, CertificateSettings, Signatory
from .qr import qr_svg

STYLESHEET = Path(__file__).resolve().parent / "print" / "certificate.css"
TEMPLATE = "certificates/pdf/certificate.html"

# Images on a certificate are referred to as ``storage:<name>``; only these folders of the
# storage may be read while rendering.
STORAGE_SCHEME = "storage:"
STORAGE_FOLDERS = ("certificates/logos/", "certificates/signatures/")

# The name's size steps down as it gets longer, then it wraps (see the stylesheet).
NAME_SIZES = ((28, "xl"), (40, "l"), (60, "m"), (100, "s"))


class RefusedFetch(ValueError):
    """A resource a certificate may not load (anything from the network, say)."""


class CertificateFetcher(URLFetcher):
    """Serves ``data:`` URIs, ``storage:`` names in the certificate folders and files under
    our static folders; refuses everything else before any connection is attempted."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STORAGE_SCHEME):
            return _from_storage(unquote(url.removeprefix(STORAGE_SCHEME)), url=url)
        if url.startswith("file:"):
            return _from_static(url)
        raise RefusedFetch(f"A certificate may not load {url[:80]!r}")


def _from_storage(name: str, *, url: str) -> URLFetcherResponse:
    if ".." in name or not name.startswith(STORAGE_FOLDERS):
        raise RefusedFetch(f"Not a certificate image: {name[:80]!r}")
    with default_storage.open(name, "rb") as handle:
        body = handle.read()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body, {"Content-Type": kind})


def _from_static(url: str) -> URLFetcherResponse:
    path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
    roots = [Path(root).resolve() for root in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]]
    if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
        raise RefusedFetch(f"Not one of our static files: {url[:80]!r}")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})


# WeasyPrint's font configuration (a Pango font map) and a parsed stylesheet are not meant to
# be shared between threads; each thread keeps its own, built on its first certificate.
_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's font configuration: building one reloads every system font.

    Reusing it is safe because the stylesheet has no ``@font-face`` (the fonts are system
    fonts named by family), so nothing is ever added to it.
    """
    if getattr(_per_thread, "font_config", None) is None:
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def _stylesheet() -> CSS:
    """The print stylesheet, read and parsed once per thread."""
    if getattr(_per_thread, "stylesheet", None) is None:
        _per_thread.stylesheet = CSS(
            string=STYLESHEET.read_text(encoding="utf-8"),
            base_url=_base_url(),
            url_fetcher=CertificateFetcher(),
            font_config=_font_config(),
        )
    return _per_thread.stylesheet


@cache
def _base_url() -> str:
    """Relative addresses in the template resolve into our own static folder (and no further:
    the fetcher serves nothing outside it)."""
    folders = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]
    return Path(folders[0]).resolve().as_uri() + "/"


def verification_url(certificate: Certificate) -> str:
    """The public page that says whether ``certificate`` is genuine (and the QR code's text)."""
    return settings.SITE_URL + reverse("certificates:verify", args=[certificate.code])


@dataclass(frozen=True)
class SignatoryView:
    name: str
    title: str
    signature_url: str


def name_size(name: str) -> str:
    """The size class for a printed name: long names are set smaller before they wrap."""
    length = len(name)
    for limit, size in NAME_SIZES:
        if length <= limit:
            return size
    return "xs"


def certificate_context(*, certificate: Certificate) -> dict:
    """What the certificate template prints: two queries (letterhead, signatories), two more
    when the certificate was fetched without ``select_related("cohort__programme")``."""
    cohort = certificate.cohort
    programme = cohort.programme
    letterhead = CertificateSettings.objects.filter(cohort=cohort).first()
    signatories = [
        SignatoryView(
            name=signatory.name,
            title=signatory.title,
            signature_url=_storage_url(signatory.signature.name),
        )
        for signatory in Signatory.objects.filter(cohort=cohort).order_by("position", "pk")
    ]
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "cohort": cohort,
        "programme": programme,
        "title": (letterhead.title if letterhead else "") or _("Certificate of participation"),
        "statement": letterhead.statement if letterhead else "",
        "logo_url": _storage_url(letterhead.logo.name) if letterhead else "",
        "signatories": signatories,
        "name_size": name_size(certificate.name),
        "place": ", ".join(
            part for part in (certificate.library, certificate.city, certificate.country) if part
        ),
        # The day of issue as the cohort's people saw it, wherever the worker runs.
        "issued_on": timezone.localtime(certificate.issued_at, cohort.zone).date(),
        "verification_url": url,
        "qr": qr_svg(url=url),
    }


def _storage_url(name: str) -> str:
    return STORAGE_SCHEME + quote(name) if name else ""


def certificate_language(*, cohort: Any) -> str:
    """The language a cohort's certificates print in, whoever issues them and wherever:
    the cohort's own (its call's main language) while offered, else the site's."""
    language = Call.objects.filter(cohort=cohort).values_list("main_language", flat=True).first()
    return language if is_offered(language) else settings.LANGUAGE_CODE


def certificate_html(*, certificate: Certificate, compact: bool = False) -> str:
    """The certificate as HTML, ready for :func:`render_html_pdf`."""
    with translation.override(certificate_language(cohort=certificate.cohort)):
        context = certificate_context(certificate=certificate)
        context["compact"] = compact
        return render_to_string(TEMPLATE, context)


def render_html_pdf(*, html: str) -> tuple[bytes, int]:
    """``html`` rendered with the certificate stylesheet: the PDF and its number of pages."""
    document = HTML(string=html, base_url=_base_url(), url_fetcher=CertificateFetcher()).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
    )
    return document.write_pdf(), len(document.pages)


def render_certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF: one A4 landscape page.

    The stylesheet already sizes long names and texts down; should the longest texts every
    field allows still spill onto a second page, the certificate is set again in its compact
    layout, which fits every field at its longest with up to four signatories.
    """
    pdf, pages = render_html_pdf(html=certificate_html(certificate=certificate))
    if pages > 1:
        pdf, pages = render_html_pdf(html=certificate_html(certificate=certificate, compact=True))
    return pdf
