"""The QR code printed on a certificate: the verification URL, as inline SVG.

It stays vector: as an image, poppler could not decode it at 72 dpi. WeasyPrint parses the
path in Python, number by number, for every certificate, so the path is kept short: each
dark module is covered by the longer of its row's and its column's dark runs (the finder
patterns' sides become one stroke each), about a quarter fewer strokes than a run per row.
"""

import segno
from django.utils.safestring import SafeString, mark_safe

QUIET_ZONE = 4  # modules: what readers need to find the code

# The data mask is fixed rather than chosen by scoring all eight (what segno does unasked,
# and a third of a certificate's Python time before the layout starts). Every mask is valid
# and decodes the same; scoring only avoids patterns that may confuse a poor reader, and
# the verification URLs are random enough not to make them (tested: every mask decoded at
# 72, 96 and 300 dpi). Pattern 1 (every other row inverted) needs the fewest strokes below.
MASK = 1


def qr_svg(*, url: str) -> SafeString:
    """An ``<svg>`` element (sized by the stylesheet) that encodes ``url``.

    Medium error correction survives a crease or a stain on a printed copy; the four-module
    quiet zone is what readers need to find the code.
    """
    code = segno.make(url, error="m", micro=False, mask=MASK)
    dark = [[bool(module) for module in row] for row in code.matrix]
    size = len(dark) + 2 * QUIET_ZONE
    path = "".join(_strokes(dark))
    # Every character of this markup is written here; the URL is encoded as modules.
    return mark_safe(  # noqa: S308
        f'<svg viewBox="0 0 {size} {size}" class="qr">'
        f'<path stroke="#000" stroke-width="1" d="{path}"/></svg>'
    )


def _strokes(dark: list[list[bool]]) -> list[str]:
    """Path commands covering every dark module and no light one: one stroke per maximal
    run, horizontal or vertical, whichever covers more modules not yet drawn."""
    count = len(dark)
    drawn = [[False] * count for _ in range(count)]
    strokes = []
    for row in range(count):
        for column in range(count):
            if not dark[row][column] or drawn[row][column]:
                continue
            left, right = column, column
            while left > 0 and dark[row][left - 1]:
                left -= 1
            while right < count - 1 and dark[row][right + 1]:
                right += 1
            top, bottom = row, row
            while top > 0 and dark[top - 1][column]:
                top -= 1
            while bottom < count - 1 and dark[bottom + 1][column]:
                bottom += 1
            across = sum(not drawn[row][x] for x in range(left, right + 1))
            down = sum(not drawn[y][column] for y in range(top, bottom + 1))
            if across >= down:
                for x in range(left, right + 1):
                    drawn[row][x] = True
                x, y = left + QUIET_ZONE, row + QUIET_ZONE
                strokes.append(f"M{x} {y}.5h{right - left + 1}")
            else:
                for y in range(top, bottom + 1):
                    drawn[y][column] = True
                x, y = column + QUIET_ZONE, top + QUIET_ZONE
                strokes.append(f"M{x}.5 {y}v{bottom - top + 1}")
    return strokes
