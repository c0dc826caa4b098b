"""CSV downloads that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads
the accents), and no cell a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading single quote."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_download(*, rows: Iterable[Iterable[object]], name: str) -> HttpResponse:
    """``rows`` as a CSV attachment named ``<name>-<today>.csv``."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(rows)
    filename = f"{name}-{timezone.localdate().isoformat()}.csv"
    return HttpResponse(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
