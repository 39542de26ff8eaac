"""
Every CSV file the app writes goes through ``writer``: safe to open in a spreadsheet.

A cell that begins with = + - @, a tab or a carriage return can be run by Excel or LibreOffice as a formula
(CSV injection: a child's identifier or a problem's value typed as ``=HYPERLINK(...)`` would run on the
officer's machine). Such a cell is written with a leading apostrophe, which spreadsheets show as text; a plain
number (``-3``, ``+4.5``) is not a formula and is written as it is.

Written here rather than with ``defusedcsv``: that package leaves a leading tab or carriage return alone and
rewrites every ``|`` inside a value, which would change the data officers download.
"""
import csv
import re

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value):
    """``value`` as a spreadsheet will read it as data, never as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return value


class _SafeWriter:
    def __init__(self, handle, **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(handle, **options):
    """``csv.writer`` whose cells are made safe to open in a spreadsheet."""
    return _SafeWriter(handle, **options)


class _Echo:
    def write(self, value):
        return value


def streaming_writer():
    """A writer whose ``writerow`` returns the line, for a ``StreamingHttpResponse``."""
    return writer(_Echo())


def download(filename):
    """(response, writer): a private, uncached CSV download named ``filename`` and a safe writer into it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response, writer(response)
