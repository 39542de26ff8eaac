"""
Reading and checking a year's SSDA903 CSV tables, before anything is written.

``read_return`` takes the uploaded files, works out which 903 table each one is (by its columns, or by its
name when the columns are ambiguous), checks every row and field against the code lists and the rules below
and returns a ``ParsedReturn``: clean rows per table, plus every error (table, row, field, value, message)
and warning. It reads the database only for code lists, postcode districts and nothing else, so a file with
errors changes nothing; ``children.services`` writes a clean return in one transaction.

Row numbers are the line numbers a spreadsheet shows: the column headings are row 1, the first child row 2.
"""
import csv
import datetime
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.uploads import decode_text

from .models import CodeList

# How each table's columns are read: (column, kind, code list or limit, required).
# kinds: text (max length), code (code list), date, int (maximum), flag (0/1), sex, district, child.
TABLES = {
    "header": {
        "label": "Header",
        "identifying": {"ETHNIC"},
        "columns": [
            ("CHILD", "child", None, True),
            ("SEX", "sex", None, True),
            ("DOB", "date", None, True),
            ("ETHNIC", "code", CodeList.ETHNICITY, True),
            ("UPN", "text", 13, False),
        ],
        "known_extra": {"MOTHER", "MC_DOB"},
    },
    "episodes": {
        "label": "Episodes",
        "identifying": {"DECOM"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DECOM", "date", None, True),
            ("RNE", "code", CodeList.REASON_NEW_EPISODE, True),
            ("LS", "code", CodeList.LEGAL_STATUS, True),
            ("CIN", "code", CodeList.CATEGORY_OF_NEED, True),
            ("PLACE", "code", CodeList.PLACEMENT_TYPE, True),
            ("PLACE_PROVIDER", "code", CodeList.PLACEMENT_PROVIDER, False),
            ("DEC", "date", None, False),
            ("REC", "code", CodeList.REASON_CEASED, False),
            ("REASON_PLACE_CHANGE", "code", CodeList.REASON_PLACE_CHANGE, False),
            ("HOME_POST", "district", None, False),
            ("PL_POST", "district", None, False),
            ("URN", "text", 10, False),
        ],
        "known_extra": {"PL_DISTANCE", "PL_LA", "PL_LOCATION", "DEC_REASON"},
    },
    "uasc": {
        "label": "UASC",
        "identifying": {"DUC"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DOB", "date", None, False),
            ("SEX", "sex", None, False),
            ("DUC", "date", None, False),
        ],
        "known_extra": set(),
    },
    "reviews": {
        "label": "Reviews",
        "identifying": {"REVIEW"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DOB", "date", None, False),
            ("REVIEW", "date", None, True),
            ("REVIEW_CODE", "code", CodeList.REVIEW_PARTICIPATION, False),
        ],
        "known_extra": set(),
    },
    "oc2": {
        "label": "OC2",
        "identifying": {"SDQ_SCORE"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DOB", "date", None, False),
            ("SDQ_SCORE", "int", 40, False),
            ("SDQ_REASON", "text", 4, False),
            ("CONVICTED", "flag", None, False),
            ("HEALTH_CHECK", "flag", None, False),
            ("IMMUNISATIONS", "flag", None, False),
            ("TEETH_CHECK", "flag", None, False),
            ("HEALTH_ASSESSMENT", "flag", None, False),
            ("SUBSTANCE_MISUSE", "flag", None, False),
            ("INTERVENTION_RECEIVED", "flag", None, False),
            ("INTERVENTION_OFFERED", "flag", None, False),
        ],
        "known_extra": set(),
    },
    "oc3": {
        "label": "OC3",
        "identifying": {"IN_TOUCH"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DOB", "date", None, False),
            ("IN_TOUCH", "code", CodeList.IN_TOUCH, True),
            ("ACTIV", "code", CodeList.CARE_LEAVER_ACTIVITY, False),
            ("ACCOM", "code", CodeList.CARE_LEAVER_ACCOMMODATION, False),
        ],
        # Columns added to OC3 from 2023-24; accepted, not stored.
        "known_extra": {"AGE", "IN_TOUCH_DATE", "EMPLOYMENT_TYPE", "ACCOM_TYPE", "STAYING_PUT"},
    },
    "missing": {
        "label": "Missing",
        "identifying": {"MIS_START"},
        "columns": [
            ("CHILD", "child", None, True),
            ("DOB", "date", None, False),
            ("MISSING", "code", CodeList.MISSING_TYPE, True),
            ("MIS_START", "date", None, True),
            ("MIS_END", "date", None, False),
        ],
        "known_extra": set(),
    },
}
# Tables of the 903 this app does not keep: recognised (so not an error) and reported as not imported.
IGNORED_TABLES = {
    "ad1": ("AD1 (adoptions)", {"DATE_INT", "DATE_MATCH"}),
    "placed_adoption": ("Placed for adoption", {"DATE_PLACED", "DATE_PLACED_CEASED"}),
    "prev_perm": ("Previous permanence", {"PREV_PERM"}),
}
FILE_NAME_HINTS = [
    ("header", "header"), ("episodes", "episode"), ("uasc", "uasc"), ("reviews", "review"), ("oc2", "oc2"),
    ("oc3", "oc3"), ("missing", "missing"), ("ad1", "ad1"), ("placed_adoption", "placed"),
    ("prev_perm", "prev"),
]
REQUIRED_TABLES = ("header", "episodes")
EARLIEST_DATE = datetime.date(1900, 1, 1)
DISTRICT_PATTERN = r"[A-Z]{1,2}[0-9][0-9A-Z]?"


@dataclass
class Problem:
    table: str
    row: int | None
    field: str
    value: str
    message: str

    def as_dict(self):
        return {"table": self.table, "row": self.row, "field": self.field, "value": self.value, "message": self.message}


@dataclass
class ParsedReturn:
    year: int
    rows: dict = field(default_factory=lambda: defaultdict(list))  # table -> list of dicts (with "_row")
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    tables: dict = field(default_factory=dict)  # file name -> table key
    row_counts: dict = field(default_factory=dict)  # table -> data rows read

    @property
    def ok(self):
        return not self.errors


@dataclass
class Lookups:
    """What checking needs from the database, read once: codes per list and postcode districts."""

    codes: dict  # code_list -> set of codes
    districts: dict  # district -> (latitude, longitude, in_council_area)

    @classmethod
    def from_database(cls):
        from .models import Code

        codes = defaultdict(set)
        for code_list, code in Code.objects.filter(active=True).values_list("code_list", "code"):
            codes[code_list].add(code)
        return cls(codes=dict(codes), districts=load_districts())


def load_districts(only=None):
    """district -> (latitude, longitude, in_council_area), for all districts or just those in ``only``."""
    from .models import PostcodeDistrict

    rows = PostcodeDistrict.objects.all()
    if only is not None:
        rows = rows.filter(district__in=[d for d in only if d])
    return {
        d: (float(lat), float(lon), inside)
        for d, lat, lon, inside in rows.values_list("district", "latitude", "longitude", "in_council_area")
    }


def collection_year_end(year):
    return datetime.date(year, 3, 31)


def latest_collection_year(today):
    """The latest collection year that has ended by ``today``: 31 March 2025 ends 2025."""
    return today.year if today >= datetime.date(today.year, 3, 31) else today.year - 1


def parse_date(text):
    """DD/MM/YYYY (as 903 extracts write dates) to a date, or None if it is not a real date."""
    parts = text.split("/")
    if len(parts) != 3 or len(parts[2]) != 4 or not all(part.isdigit() for part in parts):
        return None
    try:
        return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def postcode_district(text):
    """'WR1 2AB' or 'wr1' -> 'WR1' (the outward code)."""
    text = text.strip().upper()
    if not text:
        return ""
    return text.split()[0] if " " in text else (text[:-3] if len(text) > 4 and text[-3].isdigit() else text)


def miles_between(a, b):
    """Great-circle distance in miles between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def placement_location(home, placement, districts, cache=None):
    """(distance in miles or None, placed outside the council's area or None) from two districts."""
    if cache is not None:
        key = (home, placement)
        if key not in cache:
            cache[key] = placement_location(home, placement, districts)
        return cache[key]
    home_at = districts.get(home) if home else None
    placed_at = districts.get(placement) if placement else None
    distance = Decimal(f"{miles_between(home_at, placed_at):.1f}") if home_at and placed_at else None
    outside = (not placed_at[2]) if placed_at else None
    return distance, outside


def identify_table(name, columns):
    """The table key for a file, by its columns first and its name second; None if it cannot be told."""
    columns = set(columns)
    matches = [key for key, spec in TABLES.items() if spec["identifying"] <= columns]
    matches += [key for key, (_label, identifying) in IGNORED_TABLES.items() if identifying & columns]
    if len(matches) == 1:
        return matches[0]
    lowered = name.lower()
    for key, hint in FILE_NAME_HINTS:
        if hint in lowered and (not matches or key in matches):
            return key
    return None


def table_label(key):
    if key in TABLES:
        return TABLES[key]["label"]
    return IGNORED_TABLES[key][0] if key in IGNORED_TABLES else key


def read_return(year, files, lookups=None, progress=None):
    """
    Check a year's tables. ``files`` is a list of (name, bytes); ``progress(done, total)`` is called now and
    then while rows are checked. Returns a ``ParsedReturn``; nothing is written.
    """
    lookups = lookups or Lookups.from_database()
    parsed = ParsedReturn(year=year)
    year_end = collection_year_end(year)
    readers = []
    for name, raw in files:
        text = decode_text(raw)
        if text is None:
            parsed.errors.append(Problem(name, None, "", "", "The file is not readable text (UTF-8 or Windows)."))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            heading = next(reader)
        except StopIteration:
            parsed.errors.append(Problem(name, None, "", "", "The file is empty."))
            continue
        heading = [column.strip().upper() for column in heading]
        key = identify_table(name, heading)
        if key is None:
            parsed.errors.append(
                Problem(name, 1, "", ", ".join(heading)[:200],
                        "Cannot tell which 903 table this is from its columns or its name.")
            )
            continue
        if key in parsed.tables.values():
            parsed.errors.append(Problem(table_label(key), None, "", name, "This table was uploaded twice."))
            continue
        parsed.tables[name] = key
        if key in IGNORED_TABLES:
            parsed.warnings.append(Problem(table_label(key), None, "", name, "This table is not kept by the app; it was not imported."))
            continue
        rows = list(reader)
        readers.append((key, heading, rows))
    found = set(parsed.tables.values())
    for key in REQUIRED_TABLES:
        if key not in found:
            parsed.errors.append(Problem(table_label(key), None, "", "", f"The {table_label(key)} table is missing."))

    total = sum(len(rows) for _key, _heading, rows in readers)
    done = 0
    if progress:
        progress(0, total)
    # Header first: other tables are checked against it.
    readers.sort(key=lambda item: list(TABLES).index(item[0]))
    children = {}
    for key, heading, rows in readers:
        spec = TABLES[key]
        label = spec["label"]
        names = [column for column, *_rest in spec["columns"]]
        missing_columns = [
            column for column, _kind, _extra, required in spec["columns"] if required and column not in heading
        ]
        for column in missing_columns:
            parsed.errors.append(Problem(label, 1, column, "", f"The required column {column} is missing."))
        unknown = [c for c in heading if c and c not in names and c not in spec["known_extra"]]
        if unknown:
            parsed.warnings.append(
                Problem(label, 1, ", ".join(unknown), "", "Unknown columns were ignored.")
            )
        if missing_columns:
            done += len(rows)
            continue
        positions = {column: heading.index(column) for column in names if column in heading}
        checker = _RowChecker(label, spec, positions, lookups, year_end, parsed)
        for number, values in enumerate(rows, start=2):
            if not any(value.strip() for value in values):
                continue
            record = checker.check(number, values)
            if record is not None:
                parsed.rows[key].append(record)
            done += 1
            if progress and done % 2000 == 0:
                progress(done, total)
        parsed.row_counts[key] = len(parsed.rows[key])
        if key == "header":
            children = _check_header(parsed)
        else:
            _check_against_header(parsed, key, children)
    _check_episodes(parsed, children, year_end)
    _check_duplicates(parsed)
    _check_missing(parsed)
    _warn_unknown_districts(parsed, lookups)
    if progress:
        progress(total, total)
    return parsed


class _RowChecker:
    def __init__(self, label, spec, positions, lookups, year_end, parsed):
        self.label = label
        self.columns = [c for c in spec["columns"] if c[0] in positions]
        # Optional columns a file leaves out read as blank.
        self.absent = {
            column: None if kind in ("date", "int", "flag", "sex") else ""
            for column, kind, _extra, _required in spec["columns"] if column not in positions
        }
        # Valid values are remembered per column: codes, dates and districts repeat across thousands of rows.
        self.plan = [
            (column, positions[column], getattr(self, f"_{kind}"), extra, required,
             None if kind in ("date", "int", "flag", "sex") else "", {} if kind not in ("child", "text") else None)
            for column, kind, extra, required in self.columns
        ]
        self.positions = positions
        self.lookups = lookups
        self.year_end = year_end
        self.parsed = parsed

    def error(self, row, column, value, message):
        self.parsed.errors.append(Problem(self.label, row, column, value, message))

    def check(self, row, values):
        record = {"_row": row, **self.absent}
        ok = True
        width = len(values)
        for column, position, handler, extra, required, blank, known in self.plan:
            value = values[position].strip() if position < width else ""
            if not value:
                if required:
                    self.error(row, column, value, f"{column} is required.")
                    ok = False
                record[column] = blank
                continue
            if known is not None and value in known:
                record[column] = known[value]
                continue
            result = handler(row, column, value, extra)
            if result is _INVALID:
                ok = False
            else:
                record[column] = result
                if known is not None:
                    known[value] = result
        return record if ok else None

    def _child(self, row, column, value, extra):
        if len(value) > 20:
            self.error(row, column, value, "A child identifier can be at most 20 characters.")
            return _INVALID
        return value

    def _text(self, row, column, value, limit):
        if len(value) > limit:
            self.error(row, column, value, f"{column} can be at most {limit} characters.")
            return _INVALID
        return value

    def _code(self, row, column, value, code_list):
        value = value.upper()
        if value not in self.lookups.codes.get(code_list, ()):
            self.error(row, column, value, f"{value} is not a code in the {CodeList(code_list).label} list.")
            return _INVALID
        return value

    def _date(self, row, column, value, extra):
        parsed = parse_date(value)
        if parsed is None:
            self.error(row, column, value, "Not a real date in the form DD/MM/YYYY.")
            return _INVALID
        if parsed < EARLIEST_DATE or parsed > self.year_end:
            self.error(
                row, column, value,
                f"The date must be between 01/01/1900 and the end of the collection year ({self.year_end:%d/%m/%Y}).",
            )
            return _INVALID
        return parsed

    def _int(self, row, column, value, maximum):
        if not value.isdigit() or int(value) > maximum:
            self.error(row, column, value, f"{column} must be a whole number from 0 to {maximum}.")
            return _INVALID
        return int(value)

    def _flag(self, row, column, value, extra):
        if value not in ("0", "1"):
            self.error(row, column, value, f"{column} must be 0 (no) or 1 (yes).")
            return _INVALID
        return value == "1"

    def _sex(self, row, column, value, extra):
        if value not in ("1", "2"):
            self.error(row, column, value, "SEX must be 1 (male) or 2 (female).")
            return _INVALID
        return int(value)

    def _district(self, row, column, value, extra):
        district = postcode_district(value)
        if not re.fullmatch(DISTRICT_PATTERN, district):
            self.error(row, column, value, "Not a postcode district such as WR1 or B60.")
            return _INVALID
        return district


_INVALID = object()


def _check_header(parsed):
    children = {}
    for record in parsed.rows["header"]:
        children.setdefault(record["CHILD"], record)
    return children


def _check_against_header(parsed, key, children):
    """Every row must belong to a child in Header, with the same date of birth when one is given."""
    if "header" not in parsed.tables.values():
        return
    label = TABLES[key]["label"]
    kept = []
    for record in parsed.rows[key]:
        child = children.get(record["CHILD"])
        if child is None:
            parsed.errors.append(
                Problem(label, record["_row"], "CHILD", record["CHILD"], "This child is not in the Header table.")
            )
            continue
        if record.get("DOB") and record["DOB"] != child["DOB"]:
            parsed.errors.append(
                Problem(label, record["_row"], "DOB", f"{record['DOB']:%d/%m/%Y}",
                        f"Does not match the date of birth in Header ({child['DOB']:%d/%m/%Y}).")
            )
        kept.append(record)
    parsed.rows[key] = kept


def episode_problems(episodes, date_of_birth):
    """
    Rules for one child's episodes, shared by the import and the episode edit form. ``episodes`` are dicts
    with start, end, reason_ceased; returns (index, field, message) for each problem.
    """
    problems = []
    for index, episode in enumerate(episodes):
        if date_of_birth and episode["start"] < date_of_birth:
            problems.append((index, "DECOM", "The episode starts before the child was born."))
        if episode["end"] and episode["end"] < episode["start"]:
            problems.append((index, "DEC", "The episode ends before it starts."))
        if episode["end"] and not episode["reason_ceased"]:
            problems.append((index, "REC", "An episode with an end date needs a reason it ceased."))
        if episode["reason_ceased"] and not episode["end"]:
            problems.append((index, "DEC", "An episode with a reason it ceased needs an end date."))
    ordered = sorted(range(len(episodes)), key=lambda i: episodes[i]["start"])
    for before, after in zip(ordered, ordered[1:]):
        previous, following = episodes[before], episodes[after]
        if previous["end"] is None or previous["end"] > following["start"]:
            problems.append(
                (after, "DECOM",
                 f"The episode overlaps the one starting {previous['start']:%d/%m/%Y}.")
            )
    return problems


def _check_episodes(parsed, children, year_end):
    by_child = defaultdict(list)
    for record in parsed.rows["episodes"]:
        by_child[record["CHILD"]].append(record)
    for child_id, records in by_child.items():
        header = children.get(child_id)
        episodes = [
            {"start": r["DECOM"], "end": r["DEC"], "reason_ceased": r["REC"]} for r in records
        ]
        for index, column, message in episode_problems(episodes, header["DOB"] if header else None):
            record = records[index]
            value = record.get(column)
            value = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else (value or "")
            parsed.errors.append(Problem("Episodes", record["_row"], column, value, message))


DUPLICATE_KEYS = {
    "header": ("CHILD",),
    "episodes": ("CHILD", "DECOM"),
    "uasc": ("CHILD",),
    "reviews": ("CHILD", "REVIEW"),
    "oc2": ("CHILD",),
    "oc3": ("CHILD",),
    "missing": ("CHILD", "MIS_START"),
}


def _check_duplicates(parsed):
    for key, columns in DUPLICATE_KEYS.items():
        seen = {}
        for record in parsed.rows.get(key, ()):
            identity = tuple(record[c] for c in columns)
            if identity in seen:
                value = " ".join(v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else str(v) for v in identity)
                parsed.errors.append(
                    Problem(TABLES[key]["label"], record["_row"], "/".join(columns), value,
                            f"Duplicate of row {seen[identity]}.")
                )
            else:
                seen[identity] = record["_row"]


def _check_missing(parsed):
    for record in parsed.rows.get("missing", ()):
        if record["MIS_END"] and record["MIS_END"] < record["MIS_START"]:
            parsed.errors.append(
                Problem("Missing", record["_row"], "MIS_END", f"{record['MIS_END']:%d/%m/%Y}",
                        "The missing episode ends before it starts.")
            )


def _warn_unknown_districts(parsed, lookups):
    unknown = defaultdict(int)
    for record in parsed.rows.get("episodes", ()):
        for column in ("HOME_POST", "PL_POST"):
            if record.get(column) and record[column] not in lookups.districts:
                unknown[(column, record[column])] += 1
    for (column, district), rows in sorted(unknown.items()):
        parsed.warnings.append(
            Problem("Episodes", None, column, district,
                    f"Unknown postcode district in {rows} row(s): distance and area left blank.")
        )
