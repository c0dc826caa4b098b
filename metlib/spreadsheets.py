"""CSV downloads that spreadsheets open safely: UTF-8 with a byte-order mark (so Excel reads
the accents), and no cell a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading single quote."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_datetime(moment: datetime) -> str:
    """An aware time in UTC as spreadsheets read a date and time: "2025-03-01 14:30:05"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return spreadsheet_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_formula(value) if isinstance(value, str) else value


def csv_download(*, rows: Iterable[Iterable[object]], name: str) -> HttpResponse:
    """``rows`` as a CSV attachment named ``<name>-<today>.csv``: every text cell guarded
    against formulas, times in UTC as spreadsheets read them."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows([_cell(value) for value in row] for row in rows)
    filename = f"{name}-{timezone.localdate().isoformat()}.csv"
    return HttpResponse(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
