"""
Reading and checking a year's SSDA903 return (CSV tables or the DfE's XML submission file), before anything
is written.

Each collection year's specification is data: ``children/data/ssda903/<year>.json`` holds the year's tables,
their columns (which are key fields, which are dates, codes...), the XML element each table's rows sit in, and
every code list. Adding next year's specification is adding its file.

``read_return`` works out which table each file is (by its columns), reads every row against its own year's
specification and returns a ``ParsedReturn``: rows per table plus every problem found. A problem either
**blocks** the import (the return cannot be read without guessing: an unreadable file, a missing Header or
Episodes table, a key field missing or unparseable, rows that contradict each other so that no history can be
built) or is **reported** beside the loaded return (everything else: a code not in the year's list, a code
from another year's list, a date after the year end, a flag that is not 0 or 1...). Nothing here changes the
cohort: the rows read wait in temporary tables of the import's own connection (``children.staging``), where
the checks between tables are queries, and ``children.services`` saves a return that has no blocking problem
from them, in one transaction.

Row numbers are the line numbers a spreadsheet shows: the column headings are row 1, the first child row 2.
In an XML file a row is the position of the element among that table's rows, counting from 2 likewise.
"""
import csv
import datetime
import functools
import io
import itertools
import json
import operator
import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core import collection_year

from . import postcodes
from .staging import Staging
from .staging import quote as staging_quote

SPEC_DIR = Path(__file__).resolve().parent / "data" / "ssda903"

# The app's key for each of the DfE's table names (kept on ``CohortImportFile.table``).
TABLE_KEYS = {
    "Header": "header", "Episodes": "episodes", "UASC": "uasc", "Reviews": "reviews", "OC2": "oc2", "OC3": "oc3",
    "Missing": "missing", "AD1": "ad1", "PlacedAdoption": "placed_adoption", "PrevPerm": "prev_perm",
    "SWEpisodes": "sw_episodes", "DoLo": "dolo",
}
TABLE_NAMES = {key: name for name, key in TABLE_KEYS.items()}
# Tables the app keeps; any other table of the return is recognised, listed as not used and never blocks.
USED_TABLES = ("header", "episodes", "uasc", "reviews", "oc2", "oc3", "missing", "ad1", "placed_adoption", "prev_perm")
REQUIRED_TABLES = ("header", "episodes")
# Columns whose pairs must be unique because the app stores one row per pair: a second row contradicts the first.
UNIQUE_ROWS = {
    "header": ("CHILD",), "episodes": ("CHILD", "DECOM"), "uasc": ("CHILD",), "oc2": ("CHILD",), "oc3": ("CHILD",),
    "ad1": ("CHILD",),
}
# Repeated rows that are reported but do not block (the app can keep both).
REPEATED_ROWS = {
    "reviews": ("CHILD", "REVIEW"), "missing": ("CHILD", "MIS_START"), "placed_adoption": ("CHILD", "DATE_PLACED"),
    "prev_perm": ("CHILD",),
}
# Longest value each stored text column holds; a longer one is reported and left blank.
TEXT_LIMITS = {"CHILD": 20, "UPN": 13, "URN": 10, "SDQ_REASON": 4, "LA_PERM": 10, "DATE_PERM": 10, "SW_ID": 20}
CODE_LIMIT = 10
EARLIEST_DATE = datetime.date(1900, 1, 1)
# Problems listed of each kind; beyond, a kind's problems are counted only, so that a file of 300,000 bad rows
# holds (and its import page lists) a few thousand problems, not a million.
PROBLEMS_KEPT = 1000
POSTCODE_PATTERN = r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}"  # a full postcode, normalised (no space)
# SEX before 2024-25 was 1 (male) / 2 (female); the app keeps the 2024-25 codes M / F / U.
SEX_FROM_NUMBER = {"1": "M", "2": "F"}


# Each year's specification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    name: str  # the DfE's name, e.g. "Episodes"
    key: str  # the app's key, e.g. "episodes"
    columns: dict  # column -> {"type": ..., "key": bool, "after_year_end": bool}
    identifying: frozenset
    xml: str

    @property
    def used(self):
        return self.key in USED_TABLES


@dataclass(frozen=True)
class Spec:
    year: int  # the year the collection ends: 2025 is 2024-25
    label: str
    tables: dict  # key -> TableSpec
    codes: dict  # column -> frozenset of codes
    source: str


def _load_spec(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    tables = {}
    for name, table in data["tables"].items():
        key = TABLE_KEYS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        tables[key] = TableSpec(
            name=name, key=key, columns=table["columns"], identifying=frozenset(table["identifying"]),
            xml=table.get("xml", ""),
        )
    return Spec(
        year=int(data["year_ending"]), label=data["collection_year"], tables=tables,
        codes={column: frozenset(codes) for column, codes in data["codes"].items()}, source=data.get("source", ""),
    )


@functools.cache
def specifications():
    """Every year's specification held, by the year the collection ends."""
    loaded = (_load_spec(path) for path in sorted(SPEC_DIR.glob("*.json")))
    return {spec.year: spec for spec in loaded}


def years_held():
    return sorted(specifications())


def specification(year):
    """The year's specification; a year not held is read against the nearest year held (and says so)."""
    held = specifications()
    if year in held:
        return held[year]
    nearest = min(held, key=lambda y: (abs(y - year), -y))
    return held[nearest]


def years_valid(column, code):
    """Labels of the held years whose list for ``column`` has ``code``, e.g. ["2016-17", ..., "2019-20"]."""
    return [spec.label for year, spec in sorted(specifications().items()) if code in spec.codes.get(column, ())]


def describe_years(labels):
    """["2016-17", "2017-18", "2018-19"] -> "2016-17 to 2018-19" (runs of consecutive years)."""
    if not labels:
        return ""
    years = sorted(int(label[:4]) + 1 for label in labels)
    runs, start, previous = [], years[0], years[0]
    for year in years[1:] + [None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        first, last = f"{start - 1}-{str(start)[2:]}", f"{previous - 1}-{str(previous)[2:]}"
        runs.append(first if start == previous else f"{first} to {last}")
        if year is not None:
            start = previous = year
    return ", ".join(runs)


# Postcodes: full postcodes, placed by the ONS postcode directory ------------------------------------------


@dataclass
class Lookups:
    """What checking needs beside the files: the council's own local authority code and, once the return's
    postcodes are read, where each of them is (normalised postcode -> ``postcodes.Place``)."""

    council: str = ""
    places: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        return cls(council=settings.COUNCIL_LA_CODE)


def find_postcodes(lookups, *values):
    """Look the postcodes among ``values`` up in the directory (only those not looked up before)."""
    wanted = {postcodes.normalise(value) for value in values if value}
    lookups.places.update(postcodes.lookup(wanted - lookups.places.keys()))


def placement_location(home, placement, lookups):
    """
    (distance in miles or None, the placement's local authority code or "", placed outside the council's area
    or None) for two postcodes, the DfE's way: the straight line between their grid references, and the
    upper-tier council of the placement's district against the council's own code.
    """
    home_at = lookups.places.get(postcodes.normalise(home)) if home else None
    placed_at = lookups.places.get(postcodes.normalise(placement)) if placement else None
    return placement_between(home_at, placed_at, lookups)


def placement_between(home_at, placed_at, lookups):
    """``placement_location`` for two places already found (``postcodes.Place`` or None)."""
    distance = postcodes.miles(home_at, placed_at)
    authority = placed_at.council if placed_at else ""
    outside = (authority != lookups.council) if authority and lookups.council else None
    return (None if distance is None else Decimal(f"{distance:.1f}")), authority, outside


# Problems and the parsed return -------------------------------------------------------------------------


@dataclass
class Problem:
    table: str
    row: int | None
    field: str
    value: str
    message: str
    blocks: bool = True
    kind: str = ""  # what sort of problem: problems are counted, and stored up to a limit, per kind
    child: str = ""

    def as_dict(self):
        return {
            "table": self.table, "row": self.row, "field": self.field, "value": self.value, "message": self.message,
            "blocks": self.blocks, "kind": self.kind or self.message, "child": self.child,
        }


@dataclass
class ParsedReturn:
    year: int
    rows: dict = field(default_factory=lambda: defaultdict(list))  # a kind's rows held in memory, by table key
    errors: list = field(default_factory=list)  # problems that block the import
    warnings: list = field(default_factory=list)  # problems reported beside the loaded return
    tables: dict = field(default_factory=dict)  # file name -> table key ("" if not recognised)
    row_counts: dict = field(default_factory=dict)  # table key -> data rows read, rejected rows included
    not_used: list = field(default_factory=list)  # names of tables recognised but not kept by the app
    file_format: str = "csv"
    lookups: Lookups = field(default_factory=Lookups)  # the council and the return's postcodes
    # The 903's rows as read, in temporary tables (``children.staging``) rather than in memory: Header with every
    # row read and whether it was kept (``kept``), the other tables with the rows kept; each row has its number.
    staging: Staging | None = None
    # (blocks, kind) -> [how many, the first one]: every problem counted, each kind's first ``PROBLEMS_KEPT`` listed
    kinds: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    @property
    def error_count(self):
        """How many blocking problems were found, listed or not."""
        return sum(count for (blocks, _kind), (count, _first) in self.kinds.items() if blocks)

    def problem_counts(self):
        """Each kind of problem found: its count, how many are listed, whether it blocks, and its first example."""
        return [
            {"kind": kind, "blocks": blocks, "count": count, "listed": min(count, PROBLEMS_KEPT),
             "table": first.table, "field": first.field, "message": first.message}
            for (blocks, kind), (count, first) in self.kinds.items()
        ]

    def close(self):
        """Let go of what the return holds beyond this object (its staged tables); the import calls it at the end."""
        if self.staging is not None:
            self.staging.close()

    def staged_rows(self, key):
        """The kept rows of a staged table as dicts of its columns (with ``_row``), in the file's order."""
        staging = self.staging
        if staging is None or key not in staging:
            return
        columns = ["_row", *(c for c in staging.columns[key] if c != "kept")]
        where = " WHERE kept" if "kept" in staging.columns[key] else ""
        names = ", ".join(["row", *map(staging_quote, columns[1:])])
        for values in staging.rows(f"SELECT {names} FROM {staging.table(key)}{where} ORDER BY row"):
            yield dict(zip(columns, values))

    def problem(self, table, row, column, value, message, *, blocks, kind, child=""):
        """Record a problem: counted always, listed if it is among the first ``PROBLEMS_KEPT`` of its kind."""
        counted = self.kinds.get((blocks, kind))
        if counted is not None:
            counted[0] += 1
            if counted[0] > PROBLEMS_KEPT:
                return
        problem = Problem(table, row, column, value, message, blocks=blocks, kind=kind, child=child)
        if counted is None:
            self.kinds[(blocks, kind)] = [1, problem]
        (self.errors if blocks else self.warnings).append(problem)


def parse_date(text):
    """DD/MM/YYYY (as 903 CSV extracts write dates) or YYYY-MM-DD (as the XML does) to a date, or None."""
    text = text.strip()
    if "-" in text:
        parts = text.split("-")
        if len(parts) == 3 and len(parts[0]) == 4:
            parts = [parts[2], parts[1], parts[0]]
        else:
            return None
    else:
        parts = text.split("/")
    if len(parts) != 3 or len(parts[2]) != 4 or not all(part.isdigit() for part in parts):
        return None
    try:
        return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


# Reading files ---------------------------------------------------------------------------------------------

ENCODING_MESSAGE = "The file is not in a text encoding we can read: save it as UTF-8 (CSV UTF-8) and upload it again."


def decode(raw):
    """
    The file's text, or None if it cannot be read without guessing. UTF-8 (with or without a byte-order mark)
    is read as it is; a file that is not UTF-8 is read as Windows-1252 only if every byte is a character there
    and it has no UTF-8 sequences in it (a file with both is mixed, and refused). UTF-16 is refused.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw):  # some UTF-8 and some not: mixed encodings
        return None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text


def identify_table(columns, spec):
    """The table key for a heading, from the year's specification first and then every year's; None if unknown."""
    columns = set(columns)
    for tables in (spec.tables, _all_tables()):
        matches = [key for key, table in tables.items() if table.identifying <= columns]
        if len(matches) > 1:  # the closest fit wins: most of the table's columns present
            matches.sort(key=lambda key: -len(columns & set(tables[key].columns)) / len(tables[key].columns))
        if matches:
            return matches[0]
    return None


@functools.cache
def _all_tables():
    tables = {}
    for spec in specifications().values():
        tables.update(spec.tables)
    return tables


def table_label(key):
    return TABLE_NAMES.get(key) or (_all_tables()[key].name if key in _all_tables() else key)


def _lines(text):
    """The text's lines, ends kept, one at a time (``io.StringIO`` would hold the text again, four bytes a character)."""
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start)
        end = length if end < 0 else end + 1
        yield text[start:end]
        start = end


class CsvRows:
    """A CSV table's data rows, read from the file's text each time they are walked: never all held at once."""

    def __init__(self, name, text):
        self.name, self.text = name, text

    def __iter__(self):
        reader = csv.reader(_lines(self.text))
        next(reader, None)  # the heading
        return reader

    def __len__(self):
        """About how many rows (lines after the heading): for progress only."""
        return max(0, self.text.count("\n", 0, len(self.text) - 1))


def _csv_tables(name, text, spec, parsed):
    """[(table key, heading, rows)] from one CSV file."""
    reader = csv.reader(_lines(text))
    try:
        heading = next(reader)
    except StopIteration:
        parsed.problem(name, None, "", "", "The file is empty.", blocks=True, kind="file_empty")
        return []
    except csv.Error as error:
        parsed.problem(name, None, "", "", f"The file is not a readable CSV file ({error}).", blocks=True, kind="file_unreadable")
        return []
    heading = [column.strip().upper() for column in heading]
    key = identify_table(heading, spec)
    if key is None:
        parsed.problem(
            name, 1, "", ", ".join(heading)[:200],
            "Not a table of the 903 return we recognise from its columns; the file was not read.",
            blocks=False, kind="table_not_recognised",
        )
        parsed.tables[name] = ""
        return []
    return [(name, key, heading, CsvRows(name, text))]


def _xml_tables(name, text, spec, parsed):
    """
    [(table key, heading, rows)] from the DfE's XML submission file: one element per child, whose own leaf
    elements are the Header (and UASC, OC3 and AD1 items), with an element per episode, review, missing
    period, OC2, previous permanence and placed-for-adoption record inside it. The child's own items are read
    whether they sit directly in the CHILD element or in a HEADER element inside it, as the DfE's schema
    (EXPSSDA903, CHILD, HEADER, CHILDID...) and its validator's reader have them, with the reviews, missing
    periods, OC2 and the rest inside HEADER and each EPISODE beside it; the records are found at any depth.
    """
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        parsed.problem(name, None, "", "", f"The XML file cannot be read ({error}).", blocks=True, kind="file_unreadable")
        return []
    renames = {"CHILDID": "CHILD", "PL": "PLACE"}
    by_tag = defaultdict(list)
    for key, table in spec.tables.items():
        if table.xml and table.xml != "CHILD":
            by_tag[table.xml].append(key)
    child_level = [key for key, table in spec.tables.items() if table.xml == "CHILD"]
    tables = defaultdict(list)

    def leaves(element):
        return {renames.get(node.tag, node.tag): (node.text or "").strip() for node in element if len(node) == 0}

    children = root.iter("CHILD") if root.tag != "CHILD" else [root]
    for element in children:
        own = leaves(element)
        for header in element.findall("HEADER"):  # the DfE's layout: the child's own items in a HEADER element
            own.update(leaves(header))
        for key in child_level:
            table = spec.tables[key]
            if key == "header" or (table.identifying & {k for k, v in own.items() if v}):
                tables[key].append(own)
        for inner in element.iter():
            if inner is element:
                continue
            for key in by_tag.get(inner.tag, ()):
                tables[key].append({**own, **leaves(inner)})
    found = []
    for key, records in tables.items():
        heading = list(spec.tables[key].columns)
        found.append((name, key, heading, [[record.get(column, "") for column in heading] for record in records]))
    return found


def is_xml(name, text):
    """Whether a file is the DfE's XML submission file rather than a CSV table."""
    return name.lower().endswith(".xml") or text.lstrip().startswith("<")


def xml_as_csv(year, name, text):
    """
    The DfE's XML submission file as the CSV tables a case-management system exports: [(table name, CSV
    text)], one per table of the year (those with no rows as headings only, as in a complete CSV return), read
    as ``read_return`` reads it, dates written DD/MM/YYYY. The DfE's rule engine is given these rather than the
    XML, so an XML upload is checked exactly as the same return in CSV: the engine's own XML reader expects one
    nesting only (CHILD elements directly under the root, EPISODE directly under CHILD, reviews, OC2 and missing
    periods inside a HEADER element), leaves dates as the XML writes them while its rules read DD/MM/YYYY, and
    on a file nested otherwise stops (KeyError HOME_POST). An XML file that cannot be read gives no tables.
    """
    spec = specification(year)
    parsed = ParsedReturn(year=year)
    found = {key: rows for _name, key, _heading, rows in _xml_tables(name, text, spec, parsed)}
    if parsed.errors:
        return []
    written = []
    for key, table in spec.tables.items():  # every table: an XML file is the whole return, a table with no rows
        heading, rows = list(table.columns), found.get(key, [])  # included (as a CSV file of headings only)
        columns = table.columns
        dates = [i for i, column in enumerate(heading) if columns[column].get("type") == "date"]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(heading)
        for row in rows:
            for i in dates:
                date = parse_date(row[i])
                if date is not None:
                    row[i] = date.strftime("%d/%m/%Y")
            writer.writerow(row)
        written.append((table.name, out.getvalue()))
    return written


def read_return(year, files, lookups=None, progress=None):
    """
    Read and check a year's return. ``files`` is (name, bytes) for each file, CSV tables or one XML file, in a
    list or any iterable (``children.services`` reads each from storage as it is reached, so one file is held at
    a time); ``progress(done, total)`` is called now and then while rows are checked. Returns a ``ParsedReturn``
    whose rows are staged (``ParsedReturn.staging``; its ``close`` drops them); the cohort is not changed.
    """
    lookups = lookups or Lookups.from_settings()
    spec = specification(year)
    parsed = ParsedReturn(year=year, lookups=lookups, staging=Staging())
    if spec.year != year:
        parsed.problem(
            "", None, "", str(year),
            f"No specification is held for {year - 1}-{str(year)[2:]}; the return was read against {spec.label}'s.",
            blocks=False, kind="year_not_held",
        )
    found = []
    for name, raw in files:
        text = decode(raw)
        del raw
        if text is None:
            parsed.problem(name, None, "", "", ENCODING_MESSAGE, blocks=True, kind="file_encoding")
            continue
        if is_xml(name, text):
            parsed.file_format = "xml"
            tables = _xml_tables(name, text, spec, parsed)
        else:
            tables = _csv_tables(name, text, spec, parsed)
        for file_name, key, heading, rows in tables:
            if key in parsed.tables.values() and parsed.file_format == "csv":
                parsed.problem(
                    table_label(key), None, "", file_name,
                    f"Two files hold the {table_label(key)} table; upload each table once.", blocks=True,
                    kind="table_twice",
                )
                continue
            parsed.tables.setdefault(file_name, key)
            found.append((key, heading, rows))
    present = {key for key, _heading, _rows in found}
    for key in REQUIRED_TABLES:
        if key not in present:
            parsed.problem(table_label(key), None, "", "", f"The {table_label(key)} table is missing.", blocks=True,
                           kind="table_missing")

    total = sum(len(rows) for key, _heading, rows in found if key in USED_TABLES)
    done = 0
    if progress:
        progress(0, total)
    order = list(TABLE_KEYS.values())
    found.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    found.reverse()
    while found:  # each table let go once read (a CSV table's rows are its file's text)
        key, heading, rows = found.pop()
        table = spec.tables.get(key) or _all_tables()[key]
        try:
            done = _read_table(parsed, spec, lookups, table, heading, rows, done, total, progress)
        except csv.Error as error:
            parsed.problem(getattr(rows, "name", table.name), None, "", "",
                           f"The file is not a readable CSV file ({error}).", blocks=True, kind="file_unreadable")
    _check_across_tables(parsed, spec)
    if progress:
        progress(total, total)
    return parsed


def _read_table(parsed, spec, lookups, table, heading, rows, done, total, progress):
    """Read one table's rows (``rows``: lists of text); returns how many rows every table has had read so far."""
    key = table.key
    if key not in USED_TABLES:
        parsed.not_used.append(table.name)
        note = "" if key in spec.tables else f" (it is not part of the {spec.label} return)"
        parsed.problem(
            table.name, None, "", "", f"Recognised; the app does not use this table, so it was not stored{note}.",
            blocks=False, kind="table_not_used",
        )
        parsed.row_counts[key] = sum(1 for _row in rows)
        return done
    if key == "episodes":  # every postcode of the return looked up at once, before its rows are read
        wanted = [heading.index(column) for column in ("HOME_POST", "PL_POST") if column in heading]
        find_postcodes(lookups, *{row[i] for row in rows for i in wanted if i < len(row)})
    checker = _TableReader(table, heading, spec, parsed, lookups)
    if key not in parsed.staging:
        parsed.staging.create(key, checker.staged_columns())
    with parsed.staging.writer(key) as write:
        checker.write = write
        for number, values in enumerate(rows, start=2):
            if not "".join(values).strip():  # a blank row
                continue
            checker.read(number, values)
            done += 1
            if progress and done % 5000 == 0:
                progress(done, total)
    parsed.row_counts[key] = parsed.row_counts.get(key, 0) + checker.rows_read
    return done


# Where each staged episode is placed, worked out from its postcodes as it is read (``placement_location``).
PLACE_COLUMNS = [("distance_miles", "decimal"), ("placement_la", "text"), ("placed_outside_area", "flag")]
# Readers cheap enough, or of values varied enough (a child's identifier, a UPN), that remembering each value's
# result would cost more than reading it again.
NOT_REMEMBERED = ("child", "text", "upn")


class _TableReader:
    """
    Reads one table's rows against the year's specification and stages every row whose key fields read
    (``write``, set by the caller: a staged table's writer); Header's rows are all staged, each with whether it
    was kept, so that a child whose Header row was rejected is still known to be in Header.
    """

    def __init__(self, table, heading, spec, parsed, lookups):
        self.table, self.spec, self.parsed, self.lookups = table, spec, parsed, lookups
        self.label = table.name
        self.year_end = collection_year.ends_on(spec.year)
        self.rows_read = 0
        self.write = None
        self.header = table.key == "header"
        self.episodes = table.key == "episodes"
        positions = {column: heading.index(column) for column in table.columns if column in heading}
        self.blocked = False
        for column, column_spec in table.columns.items():
            if column in positions:
                continue
            if column_spec.get("key"):
                parsed.problem(self.label, 1, column, "", f"The key column {column} is missing.", blocks=True,
                               kind="column_missing")
                self.blocked = True
            else:
                parsed.problem(self.label, 1, column, "", f"The column {column} is missing; it was read as blank.",
                               blocks=False, kind="column_missing_optional")
        unknown = [c for c in heading if c and c not in table.columns]
        if unknown:
            parsed.problem(self.label, 1, ", ".join(unknown), "",
                           f"Columns not in the {spec.label} specification were ignored.", blocks=False,
                           kind="column_unknown")
        # (column, position, reader, is key, may be after the year end, remembered results per distinct value or
        # None, what a blank value is kept as). A key column must be present and filled in; a "must_read" one
        # (DEC) may be blank but must read if given.
        self.plan = [
            (column, positions.get(column), getattr(self, f"_{column_spec['type']}"),
             "key" if column_spec.get("key") else "must_read" if column_spec.get("must_read") else "",
             bool(column_spec.get("after_year_end")), None if column_spec["type"] in NOT_REMEMBERED else {},
             None if column_spec["type"] in ("date", "int", "flag") else "")
            for column, column_spec in table.columns.items()
        ]
        self.places = {}  # each postcode as kept (``_postcode``) -> where it is (``postcodes.Place``) or None
        if self.episodes:
            self.home, self.placement = (list(table.columns).index(c) + 1 for c in ("HOME_POST", "PL_POST"))

    def staged_columns(self):
        """The staged table's columns after ``row``: (name, kind of value)."""
        columns = [(column, column_spec["type"]) for column, column_spec in self.table.columns.items()]
        if self.header:
            columns.append(("kept", "flag"))
        if self.episodes:
            columns += PLACE_COLUMNS
        return columns

    def problem(self, row, column, value, message, *, blocks, kind, child):
        self.parsed.problem(self.label, row, column, value, message, blocks=blocks, kind=kind, child=child)

    def read(self, row, values):
        self.rows_read += 1
        if self.blocked:
            return
        width = len(values)
        child = values[self.plan[0][1]].strip() if self.plan[0][1] is not None and self.plan[0][1] < width else ""
        record = [row]
        kept = True
        for column, position, reader, key, after_year_end, seen, blank in self.plan:
            value = values[position].strip() if position is not None and position < width else ""
            if not value:
                if key == "key":
                    self.problem(row, column, "", f"{column} is required: the row cannot be read without it.",
                                 blocks=True, kind=f"{column}_blank", child=child)
                    kept = False
                record.append(blank)
                continue
            if seen is None:
                problems = []
                result = reader(column, value, key, after_year_end, problems)
            else:
                known = seen.get(value)
                if known is None:
                    problems = []
                    result = reader(column, value, key, after_year_end, problems)
                    seen[value] = known = (result, problems or ())
                result, problems = known
            for message, blocks, kind, shown in problems:
                self.problem(row, column, shown, message, blocks=blocks, kind=kind, child=child)
                if blocks:
                    kept = False
            record.append(result)
        if self.header:
            record.append(kept)
        elif not kept:
            return
        if self.episodes:
            places = self.places
            record += placement_between(places.get(record[self.home]), places.get(record[self.placement]), self.lookups)
        self.write(record)

    # Each reader returns the value to keep and appends (message, blocks, kind, value shown) for each problem.

    def _child(self, column, value, key, after_year_end, problems):
        if len(value) > TEXT_LIMITS["CHILD"]:
            problems.append(("A child identifier can be at most 20 characters.", True, "CHILD_too_long", value))
        return value

    def _text(self, column, value, key, after_year_end, problems):
        limit = TEXT_LIMITS.get(column, 255)
        if len(value) > limit:
            problems.append((f"{column} can be at most {limit} characters; it was left blank.", False,
                             f"{column}_too_long", value))
            return ""
        return value

    _upn = _text

    def _code(self, column, value, key, after_year_end, problems):
        code = value.upper()
        valid = self.spec.codes.get(column)
        if valid is not None and code not in valid:
            elsewhere = years_valid(column, code)
            if elsewhere:
                problems.append((
                    f"{code} is not in the {self.spec.label} list for {column}; it was valid in "
                    f"{describe_years(elsewhere)}.", False, f"{column}_other_year", code,
                ))
            else:
                problems.append((f"{code} is not a code in the {self.spec.label} list for {column}.", False,
                                 f"{column}_not_a_code", code))
        if len(code) > CODE_LIMIT:
            return ""
        return code

    def _sex(self, column, value, key, after_year_end, problems):
        code = value.upper()
        valid = self.spec.codes.get("SEX", ())
        if code not in valid:
            elsewhere = years_valid("SEX", code)
            if elsewhere:
                problems.append((f"SEX {code} is not in the {self.spec.label} list; it was valid in "
                                 f"{describe_years(elsewhere)}.", False, "SEX_other_year", code))
            else:
                problems.append((f"{code} is not a SEX code in any year (1/2 before 2024-25, M/F/U from it); "
                                 "it was kept as U (not known).", False, "SEX_not_a_code", code))
        return SEX_FROM_NUMBER.get(code, code if code in ("M", "F", "U") else "U")

    def _date(self, column, value, key, after_year_end, problems):
        parsed = parse_date(value)
        if parsed is None or parsed < EARLIEST_DATE:
            if key:
                problems.append(("Not a real date in the form DD/MM/YYYY: the row cannot be read without it.",
                                 True, f"{column}_not_a_date", value))
            else:
                problems.append(("Not a real date in the form DD/MM/YYYY; it was left blank.", False,
                                 f"{column}_not_a_date", value))
            return None
        if parsed > self.year_end and not after_year_end:
            problems.append((f"The date is after the end of the collection year ({self.year_end:%d/%m/%Y}).",
                             False, f"{column}_after_year_end", value))
        return parsed

    def _int(self, column, value, key, after_year_end, problems):
        if not value.isdigit() or int(value) > 40:
            problems.append((f"{column} must be a whole number from 0 to 40; it was left blank.", False,
                             f"{column}_not_a_score", value))
            return None
        return int(value)

    def _flag(self, column, value, key, after_year_end, problems):
        if value not in ("0", "1"):
            problems.append((f"{column} must be 0 (no) or 1 (yes); it was left blank.", False,
                             f"{column}_not_a_flag", value))
            return None
        return value == "1"

    def _postcode(self, column, value, key, after_year_end, problems):
        normalised = postcodes.normalise(value)
        if not re.fullmatch(POSTCODE_PATTERN, normalised):
            problems.append(("Not a full postcode (for example WR1 2AB); it was left blank, so distance and area "
                             "are not known.", False, f"{column}_not_a_postcode", value))
            return ""
        place = self.lookups.places.get(normalised)
        if place is None:
            problems.append(("Not in the ONS postcode directory: distance and area are not known.", False,
                             f"{column}_unknown_postcode", value))
        elif not place.located:
            problems.append(("In the ONS postcode directory without a grid reference (terminated, or not a "
                             "place): distance is not known.", False, f"{column}_no_grid_reference", value))
        shown = postcodes.display(normalised)
        self.places[shown] = place
        return shown


def _shown(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ("" if value is None else str(value))


def episode_problems(episodes, date_of_birth):
    """
    Rules for one child's episodes, shared by the import and the episode edit form. ``episodes`` are dicts
    with start, end, reason_ceased; returns (index, field, message, blocks, kind) for each problem. Blocking ones make
    the child's history impossible to build (an episode ending before it starts, two episodes at once); the
    others are reported (the DfE's rules report them too).
    """
    problems = []
    for index, episode in enumerate(episodes):
        if date_of_birth and episode["start"] < date_of_birth:
            problems.append((index, "DECOM", "The episode starts before the child was born.", False, "episode_before_birth"))
        if episode["end"] and episode["end"] < episode["start"]:
            problems.append((index, "DEC", "The episode ends before it starts.", True, "episode_ends_before_start"))
        if episode["end"] and not episode["reason_ceased"]:
            problems.append((index, "REC", "An episode with an end date needs a reason it ceased.", False, "episode_no_REC"))
        if episode["reason_ceased"] and not episode["end"]:
            problems.append((index, "DEC", "An episode with a reason it ceased needs an end date.", False, "episode_no_DEC"))
    ordered = sorted(range(len(episodes)), key=lambda i: episodes[i]["start"])
    for before, after in zip(ordered, ordered[1:]):
        previous, following = episodes[before], episodes[after]
        if previous["start"] == following["start"]:
            continue  # a repeated start date is reported as a repeated row
        if previous["end"] is None or previous["end"] > following["start"]:
            problems.append(
                (after, "DECOM", f"The episode overlaps the one starting {previous['start']:%d/%m/%Y}.", True,
                 "episode_overlap")
            )
    return problems


def _check_across_tables(parsed, spec):
    """
    Checks between rows and tables, after every row has been read: queries over the staged tables (a sort or a
    hash join each), so that no table is held in memory to check it.
    """
    staging = parsed.staging
    quote = staging_quote
    for key, columns in {**UNIQUE_ROWS, **REPEATED_ROWS}.items():
        if key not in staging:
            continue
        blocks = key in UNIQUE_ROWS
        identity = ", ".join(map(quote, columns))
        aliases = ", ".join(f"v{number}" for number in range(len(columns)))
        named = ", ".join(f"{quote(column)} AS v{number}" for number, column in enumerate(columns))
        repeats = staging.rows(
            f"SELECT row, child_id, {aliases}, first FROM (SELECT row, {quote('CHILD')} AS child_id, {named}, "
            f"MIN(row) OVER (PARTITION BY {identity}) AS first FROM {staging.table(key)}"
            f"{' WHERE kept' if key == 'header' else ''}) AS numbered WHERE row <> first ORDER BY row"
        )
        for row, child, *values, first in repeats:
            parsed.problem(
                table_label(key), row, "/".join(columns), " ".join(_shown(v) for v in values),
                f"Repeats row {first}" + ("; the app keeps one row for each." if blocks else "."),
                blocks=blocks, kind=f"{table_label(key)}_repeated", child=child,
            )
    header = staging.table("header") if "header" in staging else None
    # Each child's first kept Header row: the child's details.
    first_header = (
        f"(SELECT {quote('CHILD')}, {quote('DOB')} FROM (SELECT {quote('CHILD')}, {quote('DOB')}, ROW_NUMBER() OVER "
        f"(PARTITION BY {quote('CHILD')} ORDER BY row) AS n FROM {header} WHERE kept) AS numbered WHERE n = 1)"
    )
    if header is not None and "header" in parsed.tables.values():
        for key in staging.columns:
            if key == "header":
                continue
            label, table = table_label(key), staging.table(key)
            # A child with no Header row at all; one whose Header row was rejected has that row's problem, and
            # this row is checked on its own merits.
            for row, child in staging.rows(
                f"SELECT row, {quote('CHILD')} FROM {table} AS s WHERE NOT EXISTS (SELECT 1 FROM {header} AS h "
                f"WHERE h.{quote('CHILD')} = s.{quote('CHILD')}) ORDER BY row"
            ):
                parsed.problem(label, row, "CHILD", child,
                               "This child is not in the Header table, so the row cannot be stored.", blocks=True,
                               kind="child_not_in_header", child=child)
            if "DOB" not in staging.columns[key]:
                continue
            for row, child, born, in_header in staging.rows(
                f"SELECT s.row, s.{quote('CHILD')}, s.{quote('DOB')}, h.{quote('DOB')} FROM {table} AS s "
                f"JOIN {first_header} AS h ON h.{quote('CHILD')} = s.{quote('CHILD')} "
                f"WHERE s.{quote('DOB')} <> h.{quote('DOB')} ORDER BY s.row"
            ):
                parsed.problem(label, row, "DOB", _shown(born),
                               f"Does not match the date of birth in Header ({in_header:%d/%m/%Y}).",
                               blocks=False, kind="DOB_differs", child=child)
    if "episodes" in staging:
        # Each child's episodes together (children in the order they first appear), with the child's date of birth.
        born = f"h.{quote('DOB')}" if header is not None else "NULL"
        joined = f"LEFT JOIN {first_header} AS h ON h.{quote('CHILD')} = e.{quote('CHILD')}" if header is not None else ""
        episodes = staging.rows(
            f"SELECT {quote('CHILD')}, row, {quote('DECOM')}, {quote('DEC')}, {quote('REC')}, born FROM (SELECT "
            f"e.{quote('CHILD')}, e.row, e.{quote('DECOM')}, e.{quote('DEC')}, e.{quote('REC')}, {born} AS born, "
            f"MIN(e.row) OVER (PARTITION BY e.{quote('CHILD')}) AS first FROM {staging.table('episodes')} AS e "
            f"{joined}) AS grouped ORDER BY first, row"
        )
        for child_id, rows in itertools.groupby(episodes, key=operator.itemgetter(0)):
            rows = list(rows)
            episodes_of_child = [{"start": start, "end": end, "reason_ceased": reason} for _c, _r, start, end, reason, _b in rows]
            for index, column, message, blocks, kind in episode_problems(episodes_of_child, rows[0][5]):
                _child, row, start, end, reason, _born = rows[index]
                value = {"DECOM": start, "DEC": end, "REC": reason}[column]
                parsed.problem("Episodes", row, column, _shown(value), message, blocks=blocks, kind=kind, child=child_id)
    if "missing" in staging:
        for row, child, ended in staging.rows(
            f"SELECT row, {quote('CHILD')}, {quote('MIS_END')} FROM {staging.table('missing')} WHERE "
            f"{quote('MIS_END')} < {quote('MIS_START')} ORDER BY row"
        ):
            parsed.problem("Missing", row, "MIS_END", _shown(ended), "The missing episode ends before it starts.",
                           blocks=False, kind="missing_ends_before", child=child)
