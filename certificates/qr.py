"""The QR code printed on a certificate: the verification URL, as a small PNG."""

import base64
from io import BytesIO

import segno
from PIL import Image

QUIET_ZONE = 4  # modules: what readers need to find the code
PIXELS_PER_MODULE = 8  # 27 mm wide: about 300 dpi


def qr_png(*, url: str) -> bytes:
    """A greyscale PNG of the QR code for ``url``, eight pixels per module.

    It prints as crisp as the vector form did and costs a fraction of it: WeasyPrint parsed
    an inline SVG path of a thousand segments for every certificate. Viewers smooth a small
    image when they enlarge it, whatever the PDF asks, so the modules are enlarged here,
    square by square. Medium error correction survives a crease or a stain on a printed copy.
    """
    matrix = segno.make(url, error="m", micro=False).matrix
    count = len(matrix)
    size = count + 2 * QUIET_ZONE
    image = Image.new("L", (size, size), 255)
    image.putdata(
        [
            0
            if 0 <= y - QUIET_ZONE < count
            and 0 <= x - QUIET_ZONE < count
            and matrix[y - QUIET_ZONE][x - QUIET_ZONE]
            else 255
            for y in range(size)
            for x in range(size)
        ]
    )
    image = image.resize((size * PIXELS_PER_MODULE,) * 2, Image.Resampling.NEAREST)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(*, url: str) -> str:
    """:func:`qr_png` as a ``data:`` URI for the certificate's ``<img>``."""
    return "data:image/png;base64," + base64.b64encode(qr_png(url=url)).decode("ascii")
