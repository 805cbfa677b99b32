"""Every CSV the application hands out is written here, so that none can carry a formula or forge a row.

- Fields are quoted whenever they hold the delimiter, a double quote, a carriage return or a line
  feed: a title with a line break stays one field of one row.
- A field starting with = + - @ TAB or CR (also after leading spaces or line breaks) gets a leading
  apostrophe: a spreadsheet shows it as text instead of running it as a formula (OWASP, "CSV
  injection").
- UTF-8 with a byte order mark and ';' as delimiter: what a French Excel opens without an import
  wizard. Dates as dd/mm/yyyy (a moment in the local time, dd/mm/yyyy hh:mm), numbers with a
  decimal comma and no thousands separator, so that Excel reads them as dates and numbers.
  A number or a date is written by this module: it needs no apostrophe, even when negative.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

DELIMITER = ";"
BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The value as text, with an apostrophe in front of anything a spreadsheet would run."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def number(value: int | float | Decimal) -> str:
    """A number as a French Excel reads it: a decimal comma, no thousands separator."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def cell(value: Any) -> str:
    """One field: dates, moments, numbers and booleans in the French form, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float | Decimal):
        return number(value)
    return neutralise(value)


def write_csv(stream, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> None:
    """Writes the byte order mark, the header and the rows to a text stream (or an HttpResponse)."""
    stream.write(BOM)
    writer = csv.writer(stream, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """The CSV as UTF-8 bytes with a byte order mark, e.g. for a file inside a ZIP."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header, rows)
    return buffer.getvalue().encode("utf-8")


def csv_response(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """The CSV as a download, never kept by a browser or a proxy."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    write_csv(response, header, rows)
    return response
