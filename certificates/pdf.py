"""The certificate as a PDF: an HTML template and a print stylesheet rendered by WeasyPrint
to one A4 landscape page.

Everything printed comes from the certificate row (copied when it was issued), its cohort and
the cohort's letterhead. Rendering never touches the network: the URL fetcher serves only
``data:`` URIs, images from our own storage (read through Django's storage API, so S3 works
too) and files under our static folders, and refuses everything else.
"""

import gc
import hashlib
import mimetypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps
from weasyprint import CSS, HTML
from weasyprint.css import ColorProfile
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from metlib.languages import is_offered

from .models import Certificate, CertificateSettings, Signatory
from .qr import qr_svg

STYLESHEET = Path(__file__).resolve().parent / "print" / "certificate.css"
COMPACT_STYLESHEET = STYLESHEET.with_name("compact.css")
TEMPLATE = "certificates/pdf/certificate.html"
PDF_VARIANT = "pdf/a-2a"
OUTPUT_INTENT = "certificate-srgb"

# Images on a certificate are referred to as ``storage:<name>``; only these folders of the
# storage may be read while rendering.
STORAGE_SCHEME = "storage:"
STORAGE_FOLDERS = ("certificates/logos/", "certificates/signatures/")

# Logos print at most 70 by 16 mm and signatures 37 by 13 mm: 300 dpi needs no more pixels.
IMAGE_MAX_PIXELS = (900, 300)
MAX_KEPT_IMAGES = 64  # per worker thread: a few cohorts' logos and signatures

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
    # Kept by content, not by name: a file replaced under the same name is never stale.
    key = hashlib.sha256(body).digest()
    images = _per_thread.__dict__.setdefault("images", {})
    if key not in images:
        if len(images) >= MAX_KEPT_IMAGES:
            images.clear()
        images[key] = print_ready(body)
    return URLFetcherResponse(url, images[key], {"Content-Type": "image/jpeg"})


def print_ready(body: bytes) -> bytes:
    """An uploaded logo or signature as WeasyPrint embeds it fastest: a JPEG (copied into
    the PDF as it is, where a PNG is decoded and compressed again for every certificate), on
    white where it was transparent, no larger than it prints at 300 dpi. Each worker thread
    keeps what it made, so an image is converted once, not once per certificate.
    """
    with Image.open(BytesIO(body)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(IMAGE_MAX_PIXELS)
        if image.mode in ("RGBA", "LA", "P", "PA"):
            image = image.convert("RGBA")
            ground = Image.new("RGB", image.size, "white")
            ground.paste(image, mask=image.getchannel("A"))
            image = ground
        elif image.mode != "RGB":
            image = image.convert("RGB")
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


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


def _fetcher() -> CertificateFetcher:
    """This thread's URL fetcher: building one sets up urllib's whole chain of handlers
    (HTTP, FTP, proxies…) that it never uses, a fifth of a millisecond per certificate.
    It keeps no state between fetches, so every certificate of the thread can use it."""
    if getattr(_per_thread, "fetcher", None) is None:
        _per_thread.fetcher = CertificateFetcher()
    return _per_thread.fetcher


def _stylesheet(path: Path = STYLESHEET) -> CSS:
    """A print stylesheet, read and parsed once per thread."""
    sheets = _per_thread.__dict__.setdefault("stylesheets", {})
    if path not in sheets:
        sheets[path] = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=_base_url(),
            url_fetcher=_fetcher(),
            font_config=_font_config(),
        )
    return sheets[path]


def _color_profiles() -> dict[str, ColorProfile]:
    """The sRGB profile PDF/A's output intent names, read once per thread. (Left to the
    variant, WeasyPrint opens and parses the profile for every PDF and leaves the file open.)
    """
    if getattr(_per_thread, "color_profiles", None) is None:
        with (files("weasyprint.pdf") / "sRGB2014.icc").open("rb") as handle:
            profile = ColorProfile(
                handle, "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
            )
        _per_thread.color_profiles = {OUTPUT_INTENT: profile}
    return _per_thread.color_profiles


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


def achievement_name(*, programme_name: str, cohort_name: str) -> str:
    """What was done, named once: the cohort's name when it already holds the programme's
    ("MetLib Learning Circle 2024–25"), else both ("MetLib Learning Circle (2024–25)")."""
    programme_name, cohort_name = programme_name.strip(), cohort_name.strip()
    if not cohort_name or programme_name.casefold() in cohort_name.casefold():
        return cohort_name or programme_name
    if not programme_name or cohort_name.casefold() in programme_name.casefold():
        return programme_name or cohort_name
    return f"{programme_name} ({cohort_name})"


def participation(certificate: Certificate) -> list[str]:
    """The participation line's parts. A certificate the facilitator granted against the
    attendance rule says so instead of printing a count that contradicts the decision."""
    parts = []
    if certificate.by_override:
        parts.append(_("participation confirmed by the facilitator"))
    elif certificate.monthly_total:
        parts.append(
            ngettext(
                "%(attended)d of %(total)d monthly session attended",
                "%(attended)d of %(total)d monthly sessions attended",
                certificate.monthly_total,
            )
            % {"attended": certificate.monthly_attended, "total": certificate.monthly_total}
        )
    if certificate.mentoring_attended:
        parts.append(
            ngettext(
                "%(count)d group mentoring session",
                "%(count)d group mentoring sessions",
                certificate.mentoring_attended,
            )
            % {"count": certificate.mentoring_attended}
        )
    if certificate.attended_conference:
        parts.append(_("the conference"))
    return parts


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
        "achievement": achievement_name(programme_name=programme.name, cohort_name=cohort.name),
        "participation": participation(certificate),
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
    the cohort's main language while offered, else the site's."""
    return cohort.main_language if is_offered(cohort.main_language) else settings.LANGUAGE_CODE


def certificate_html(*, certificate: Certificate, compact: bool = False) -> str:
    """The certificate as HTML, ready for :func:`render_html_pdf`: in the cohort's language
    (:func:`certificate_language`) whoever or whatever renders it, so every text and date on
    it is in one language and dates in one format (the language's)."""
    with translation.override(certificate_language(cohort=certificate.cohort)):
        context = certificate_context(certificate=certificate)
        context["compact"] = compact
        return render_to_string(TEMPLATE, context)


def render_html_pdf(*, html: str, compact: bool = False) -> tuple[bytes, int]:
    """``html`` rendered with the certificate stylesheet: the PDF and its number of pages.

    Written as PDF/A-2a: archival (fonts embedded, XMP metadata with title, author and
    language) and tagged, so a screen reader reads the headings and paragraphs in order.
    """
    # The document is dropped before the collector is back (see _collector_paused).
    with _collector_paused():
        return _render_html_pdf(html=html, compact=compact)


def _render_html_pdf(*, html: str, compact: bool) -> tuple[bytes, int]:
    options = {"pdf_variant": PDF_VARIANT, "output_intent": OUTPUT_INTENT}
    document = HTML(string=html, base_url=_base_url(), url_fetcher=_fetcher()).render(
        stylesheets=[_stylesheet(), _stylesheet(COMPACT_STYLESHEET)]
        if compact
        else [_stylesheet()],
        font_config=_font_config(),
        color_profiles=_color_profiles(),
        **options,
    )
    if len(document.pages) == 1:
        _fill_the_page(document)
    return document.write_pdf(**options), len(document.pages)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays out and writes a certificate.

    A render makes tens of thousands of objects that live until it ends (the parsed page,
    its styles and boxes, the PDF's objects). With the collector running, each young
    collection during the render walks them and moves them on to the old generation, and
    they set off full collections of the whole process (every object Django and the fonts
    keep, a tenth of a second and more each) four or five times per 180 certificates,
    against once per 500 plain pages: 5 ms of collector a certificate in the bench, 2 ms
    paused. Paused, what the render made is freed by reference counting as it ends,
    and the few thousand objects in reference cycles by the young collection that the
    collector runs as soon as it is back: nothing outlives the render, and a worker's
    memory grows no faster (bench.certificate_memory).

    The collector is the whole process's: a render that finds it paused (by a render in
    another thread, or by anyone) leaves it paused, and a render that paused it starts it
    again when it ends, whatever other threads are doing, so it is never left stopped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fill_the_page(document: Any) -> None:
    """Move the foot down to the bottom of the frame and the statement to the middle of the
    space left, in the laid-out page, before it is drawn.

    The letterhead, the statement and the foot are blocks laid out one under the other (see
    the stylesheet): what they leave of the frame's height is a band under the foot, which
    grows as the statement gets shorter. Flex or grid layout would share it out at twice the
    layout's cost, so the blocks are moved here instead (no box changes size).
    """
    # The laid-out page is WeasyPrint's own (WeasyPrint is pinned; a test checks the foot's
    # place, so an upgrade that changes this is caught, and the page still renders unmoved).
    page = getattr(document.pages[0], "_page_box", None)
    if page is None:
        return
    body = next(
        (box for box in _descendants(page) if box.element_tag == "body"),
        None,
    )
    if body is None:
        return
    blocks = {
        child.element.get("class"): child
        for child in body.children
        if child.element is not None and child.element_tag in {"main", "footer"}
    }
    statement, foot = blocks.get("body"), blocks.get("foot")
    if statement is None or foot is None:
        return
    band = body.content_box_y() + body.height - (foot.position_y + foot.margin_height())
    if band > 0:
        statement.translate(dy=band / 2)
        foot.translate(dy=band)


def _descendants(box: Any):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def render_certificate_pdf(*, certificate: Certificate) -> bytes:
    """The certificate's PDF: one A4 landscape page.

    The stylesheet already sizes long names and texts down; should the longest texts every
    field allows still spill onto a second page, the certificate is set again in its compact
    layout, which fits every field at its longest with up to four signatories.
    """
    pdf, pages = render_html_pdf(html=certificate_html(certificate=certificate))
    if pages > 1:
        pdf, pages = render_html_pdf(
            html=certificate_html(certificate=certificate, compact=True), compact=True
        )
    return pdf


WARM_UP_NAME = "Ελένη Østergård-Алексеевна"


def warm_up() -> float:
    """Render a stand-in certificate (no database) in this thread, so that the site's URLs,
    the fonts (every face the certificate uses, in Latin, Greek and Cyrillic), the parsed
    stylesheet and the colour profile are loaded before the first real certificate; seconds
    it took. Celery workers call it when their process starts."""
    started = time.perf_counter()
    # The first reverse() imports every URL module of the site, and the views behind them.
    url = settings.SITE_URL + reverse("certificates:verify", args=["w" * 32])
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            TEMPLATE,
            {
                "certificate": {"name": WARM_UP_NAME, "code": "warm-up"},
                "cohort": {"programme_start": timezone.now(), "programme_end": timezone.now()},
                "programme": {"organisation": "Warm-up"},
                "title": _("Certificate of participation"),
                "achievement": WARM_UP_NAME,
                "statement": WARM_UP_NAME,
                "participation": [_("the conference")],
                "signatories": [SignatoryView(name=WARM_UP_NAME, title="Ελένη", signature_url="")],
                "name_size": "xl",
                "place": WARM_UP_NAME,
                "issued_on": timezone.now().date(),
                "verification_url": url,
                "qr": qr_svg(url=url),
            },
        )
    render_html_pdf(html=html)
    return time.perf_counter() - started
