"""Every CSV the app writes is safe to open in a spreadsheet: no cell can run as a formula."""
import csv
import io

import pytest

from core import csv_files


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+SUM(A1)", "'+SUM(A1)"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-5", "-5"),  # a number, not a formula
    ("+4.5", "+4.5"),
    ("C001", "C001"),
    ("a=b", "a=b"),
    (None, ""),
    (-3, -3),
])
def test_a_cell_that_could_run_as_a_formula_is_written_as_text(value, written):
    assert csv_files.safe_cell(value) == written
    handle = io.StringIO()
    csv_files.writer(handle).writerow([value])
    assert next(csv.reader(io.StringIO(handle.getvalue()))) == [str(written)]


def test_the_streaming_writer_returns_each_line():
    assert csv_files.streaming_writer().writerow(["=1", "x"]) == "'=1,x\r\n"
