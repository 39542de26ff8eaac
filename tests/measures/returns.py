"""
Small hand-written 903 returns for the measure tests, loaded through the real import (so the history is
joined as it is after a council's upload). Rows are written as the 903 writes them; columns a test does not
care about are filled with ordinary values that the DfE's own rules accept for the return's year.

Each return is a ``Return`` held in a module-level name of its test module, so that
``tests/children/test_hand_written_returns.py`` finds every one of them and runs the DfE's rule engine over it.
"""
import datetime
import zlib
from dataclasses import dataclass, field

from children import services

HEADINGS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "uasc": ["CHILD", "DOB", "SEX", "DUC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
}
# Real postcodes (the import and the DfE's rules look them up in the ONS directory): the child's home and
# their placement in Worcester, 4 miles apart.
HOME, PLACED = "WR1 1DB", "WR5 1AA"
FIRST_SEX_M_F_YEAR = 2025  # SEX is 1 (boy) or 2 (girl) up to 2023-24, M, F or U from 2024-25


URN = "SC100001"  # the Ofsted number of the placement's provider (rule 218: every placement but those below)
NO_URN = ("H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1")
NEW_PLACEMENT = ("P", "B", "T", "U")
CARE_PLAN = "CARPL"  # reason for a placement change: the care plan (rule 225 wants one before each P, B, T or U)


def ep(child, decom, rne, dec="", rec="", *, ls="C2", cin="N1", place="U4", provider="PR1", home=HOME, placed=PLACED,
       change="", urn=None):
    """
    An Episodes row: child, DECOM, RNE, DEC, REC (and the codes when they matter). An episode ending (X1) in a
    new placement (the next episode's RNE is P, B, T or U) gets a reason for the change (``change``) from
    ``Return`` unless given one. ``urn`` is the provider's by default (none for the placements in ``NO_URN``).
    """
    if urn is None:
        urn = "" if place in NO_URN else URN
    return [child, decom, rne, ls, cin, place, provider, dec, rec, change, home, placed, urn]


def ad1(child, born, matched, foster_carers="0", *, decided):
    """An AD1 row: the child adopted, the agency decision (DATE_INT), the match date, and whether the foster
    carers adopted (FOSTER_CARE)."""
    return [child, born, decided, matched, foster_carers, "2", "MF", "L11"]  # a married couple


UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(child):
    """
    A Unique Pupil Number for a hand-written child, the same in every year: the council's LA number (885),
    an establishment number, a year and a serial number from the child's identifier, and the check letter the
    DfE's UPN guidance works out from them (each digit times its position, 2 to 13, summed, modulo 23).
    """
    digits = f"885200024{zlib.crc32(child.encode()) % 1000:03d}"
    total = sum(int(digit) * position for position, digit in enumerate(digits, start=2))
    return UPN_CHECK_LETTERS[total % 23] + digits


def _date(text):
    day, month, year = map(int, text.split("/"))
    return datetime.date(year, month, day)


def _fourth_birthday(born):
    try:
        return born.replace(year=born.year + 4)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 4, day=28)


@dataclass(frozen=True)
class Return:
    """
    One year's hand-written return. ``children`` is {CHILD: date of birth as DD/MM/YYYY} (boys unless named
    in ``girls``); the other tables are lists of rows in the table's column order (see ``HEADINGS``).
    """

    year: int
    children: dict
    episodes: list = field(default_factory=list)
    oc2: list = field(default_factory=list)
    oc3: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    uasc: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    adoptions: list = field(default_factory=list)
    girls: frozenset = frozenset()
    # Tables sent with their headings only when they have no rows (a council may send every table): returns with
    # the same tables are checked by the DfE's engine as one, so a few such returns cost one run, not several.
    empty_tables: frozenset = frozenset()

    def header(self):
        """Header rows as the DfE's rules want them for the year: SEX in the year's codes; a UPN for a child
        of school age (UN1 for one not yet of school age, who has none); MOTHER (0) for a girl looked after in
        the year."""
        boy, girl = ("M", "F") if self.year >= FIRST_SEX_M_F_YEAR else ("1", "2")
        looked_after = {row[0] for row in self.episodes}
        school_age_on = datetime.date(self.year - 2, 8, 31)  # aged 4 by 31 August before the year began (rule 209)
        rows = []
        for child, born in self.children.items():
            school_age = _fourth_birthday(_date(born)) <= school_age_on
            girl_looked_after = child in self.girls and child in looked_after
            rows.append([child, girl if child in self.girls else boy, born, "WBRI", upn(child) if school_age else "UN1",
                         "0" if girl_looked_after else "", ""])
        return rows

    def episode_rows(self):
        """The Episodes rows, each episode ending in a new placement with its reason for the change."""
        rows = [list(row) for row in self.episodes]
        for row, following in zip(rows, rows[1:]):
            if row[0] == following[0] and row[8] == "X1" and following[2] in NEW_PLACEMENT and not row[9]:
                row[9] = CARE_PLAN
        return rows

    def files(self):
        """The return as the CSV files a council uploads: [(name, bytes)]."""
        tables = {
            "header": self.header(), "episodes": self.episode_rows(), "oc2": self.oc2, "oc3": self.oc3,
            "missing": self.missing, "uasc": self.uasc, "reviews": self.reviews, "ad1": self.adoptions,
        }
        files = []
        for key, rows in tables.items():
            if key not in ("header", "episodes", *self.empty_tables) and not rows:
                continue
            text = "\n".join(",".join(row) for row in [HEADINGS[key], *rows]) + "\n"
            files.append((f"{key}.csv", text.encode()))
        return files


def load(ret, *, user=None):
    """Import one hand-written ``Return``; returns the finished ``CohortImport``."""
    files = [services.store_upload_copy(name, content) for name, content in ret.files()]
    cohort_import = services.create_import(year=ret.year, files=files, user=user)
    result = services.run_import(cohort_import.pk)
    assert result.status == result.Status.SUCCEEDED, result.errors
    return result
