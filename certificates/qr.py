"""The QR code printed on a certificate: the verification URL, as inline SVG."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(*, url: str) -> SafeString:
    """An ``<svg>`` element (sized by the stylesheet) that encodes ``url``.

    Medium error correction survives a crease or a stain on a printed copy; the four-module
    quiet zone is what readers need to find the code.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None)
    # segno writes every character of this markup; the URL is encoded as modules, not text.
    return mark_safe(svg)  # noqa: S308
