"""
Comparators as the DfE publishes them: the "Children looked after in England including adoptions" data files
from Explore Education Statistics (EES), read as the DfE writes them, and the range each unit's values may
take.

An EES data file is tidy CSV: one row per time period, geographic level, area and filter values, with each
indicator in a column (``time_period``, ``time_identifier``, ``geographic_level``, ``country_code``,
``new_la_code``, ``la_name``, then filter columns such as ``cla_group`` and ``characteristic``, then
indicators such as ``number`` and ``percentage``). Officers say which measure a file holds, which indicator
column, and which filter values pick its rows; the app takes England (the national row), the council itself
(to check the app's own figure against the DfE's) and the average of the council's statistical neighbours.
Suppressed or missing values (c, x, z, low, :) are left out, never read as zero.
"""
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .registry import COUNT, DAYS, MEAN, PER_CHILD, PERCENTAGE, RATE

NOT_A_VALUE = {"c", "x", "z", "low", "k", "u", ":", ".", "", "na", "n/a"}
NATIONAL = "national"
LOCAL_AUTHORITY = "local authority"
REQUIRED_COLUMNS = ("time_period", "geographic_level")

# (lowest, highest) each unit's values may take
RANGES = {
    PERCENTAGE: (Decimal(0), Decimal(100)),
    RATE: (Decimal(0), Decimal(10_000)),
    COUNT: (Decimal(0), Decimal(10_000_000)),
    MEAN: (Decimal(0), Decimal(40)),
    PER_CHILD: (Decimal(0), Decimal(1_000)),
    DAYS: (Decimal(0), Decimal(10_000)),
}


def range_problem(measure, value):
    """Why ``value`` cannot be a value of ``measure``'s unit, or "" if it can."""
    lowest, highest = RANGES[measure.unit]
    if value < lowest or value > highest:
        return f"{value} is outside {lowest} to {highest}, the range of a value in {measure.unit_label}"
    if measure.unit == PERCENTAGE and 0 < value < 1:
        percent = f"{float(value) * 100:g}"
        return (f"{value} looks like a proportion, not a percentage: the DfE publishes percentages from 0 to 100 "
                f"(enter {percent} for {percent}%)")
    return ""


def collection_year(time_period):
    """EES time periods: "2024" (a reporting year ending 31 March 2024) or "202324" (April 2023 to March 2024)."""
    text = (time_period or "").strip()
    if len(text) == 4 and text.isdigit():
        return int(text)
    if len(text) == 6 and text.isdigit() and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        return int(text[:4]) + 1
    return None


def parse_filters(text):
    """ "cla_group=Placement; characteristic=Foster placements" -> {column: value}."""
    filters = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"'{part.strip()}' is not column=value")
        column, value = part.split("=", 1)
        filters[column.strip().lower()] = value.strip()
    return filters


@dataclass
class Reading:
    """What a file gives for one measure: {year: {"england", "council", "neighbours", "reporting"}}, or problems."""

    years: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def read_ees(text, measure, *, indicator, filters, council, neighbours):
    """
    Read ``measure``'s values from an EES CSV ``text``: the ``indicator`` column of the rows whose columns
    match ``filters``, for England, ``council`` (an LA code) and ``neighbours`` (LA codes).
    """
    reading = Reading()
    reader = csv.DictReader(io.StringIO(text))
    columns = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    indicator = indicator.strip().lower()
    missing = [c for c in (*REQUIRED_COLUMNS, indicator, *filters) if c not in columns]
    if missing:
        reading.problems.append(
            f"The file has no column called {', '.join(missing)}. Its columns are: {', '.join(columns)}."
        )
        return reading
    if neighbours and "new_la_code" not in columns:
        reading.problems.append("The file has no new_la_code column, so local authorities cannot be found in it.")
        return reading
    found = {}  # (year, "england" | code) -> Decimal
    for line, row in enumerate(reader, start=2):
        if any((row.get(column) or "").strip() != value for column, value in filters.items()):
            continue
        level = (row.get("geographic_level") or "").strip().lower()
        code = (row.get("new_la_code") or "").strip()
        if level == NATIONAL:
            where = "england"
        elif level == LOCAL_AUTHORITY and code and (code == council or code in neighbours):
            where = code
        else:
            continue
        year = collection_year(row.get("time_period"))
        if year is None:
            reading.problems.append(f"Row {line}: time_period '{row.get('time_period')}' is not a year such as 2024.")
            continue
        raw = (row.get(indicator) or "").strip()
        if raw.lower() in NOT_A_VALUE:
            continue
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            reading.problems.append(f"Row {line}: {indicator} '{raw}' is not a number.")
            continue
        if (year, where) in found and found[(year, where)] != value:
            reading.problems.append(
                f"Row {line}: a second {indicator} for {where} in {year}: the filters do not pick out one row."
            )
            continue
        found[(year, where)] = value
    values = list(found.values())
    if measure.unit == PERCENTAGE and values and all(0 <= v <= 1 for v in values) and any(v for v in values):
        reading.problems.append(
            f"Every {indicator} value is between 0 and 1: these look like proportions, not percentages (the DfE "
            "publishes percentages from 0 to 100). Choose the file's percentage column."
        )
        return reading
    for (year, where), value in sorted(found.items()):
        problem = range_problem(measure, value)
        if problem and not (measure.unit == PERCENTAGE and 0 < value < 1):
            reading.problems.append(f"{where} {year}: {problem}.")
    if reading.problems:
        return reading
    for year in sorted({year for year, _where in found}):
        reported = [found[(year, code)] for code in neighbours if (year, code) in found]
        reading.years[year] = {
            "england": found.get((year, "england")),
            "council": found.get((year, council)) if council else None,
            "neighbours": (sum(reported) / len(reported)).quantize(Decimal("0.01")) if reported else None,
            "reporting": len(reported) if neighbours else None,
        }
    if not reading.years:
        reading.problems.append("No row of the file matches the filters for England, the council or its neighbours.")
    return reading
