"""
Synthetic 903 returns that the DfE's own rules pass: invented children, real postcodes.

``generate`` invents lives in care (deterministic for a seed); ``return_tables`` / ``write_return`` write
one collection year's return from them the way a council's case-management system exports it:

- in that year's own format, as the year's specification (``children.ssda903.specification``) has it: its
  tables and columns (SWEpisodes from 2023-24, DoLo from 2026-27), SEX 1/2 up to 2023-24 and M/F from
  2024-25, the special guardianship reasons E43/E44 up to 2019-20 and E45-E48 from 2020-21;
- in the DfE's own shape: a year's Episodes hold the episodes open on 1 April and those that start in
  the year (an episode still open at 31 March is written without its end), not the child's whole history,
  so a child's history is the join of several years' returns; Header holds the children looked after in
  the year and the care leavers with an OC3 row; UASC, Reviews, OC2, OC3, Missing, AD1, PlacedAdoption,
  PrevPerm and SWEpisodes hold what the DfE's specification asks of that year;
- with real full postcodes (ONS postcode directory) of one real council's area, its neighbours and the
  rest of England, sampled into ``children/data/synthetic_postcodes.csv`` by
  ``manage.py synthetic_postcodes``; the council is ``SYNTHETIC_COUNCIL`` (Worcestershire, E10000034),
  which the demo's ``COUNCIL_LA_CODE`` is set to.

The returns pass every rule of the DfE's rule set for their year (``csc-validator-be-903``; tested in
tests/children/test_synthetic_dfe_rules.py) unless ``inject`` names rules to break: each injector breaks one
row the way a case-management system would and says which.
"""
import csv
import datetime
import random
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core import collection_year, csv_files

from . import ssda903

ONE_DAY = datetime.timedelta(days=1)
SYNTHETIC_COUNCIL = "E10000034"  # Worcestershire County Council
POSTCODES_FILE = Path(__file__).parent / "data" / "synthetic_postcodes.csv"

ETHNICITIES = (["WBRI"] * 70 + ["WOTH"] * 4 + ["WIRT", "WROM"] + ["MWBC"] * 4 + ["MWBA", "MWAS", "MOTH"] * 2
               + ["AIND", "APKN", "APKN", "ABAN", "AOTH"] + ["BCRB", "BAFR", "BAFR", "BOTH"] + ["CHNE", "OOTH", "NOBT"])
CATEGORIES = ["N1"] * 60 + ["N2"] * 4 + ["N3"] * 4 + ["N4"] * 8 + ["N5"] * 14 + ["N6"] * 2 + ["N7"] + ["N8"] * 7
EET = ["F1", "P1", "F2", "F2", "P2"]
NEET = ["G4", "G5", "G5", "G6"]
SUITABLE = ["B1", "C1", "D1", "E1", "K1", "T1", "U1", "U1", "V1", "W1"]
UNSUITABLE = ["B2", "S2", "V2", "W2", "X2"]
CHANGE_REASONS = ["CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND", "OTHER", "ALLEG", "CLOSE"]
SW_REASONS = ["MANAGE", "LEFTRL", "ORGRST", "CHCHAN", "PCCHAN", "ABSENC", "OTHERS"]
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# The DfE validator recognises a CSV by exactly its columns: every year's tables are written with all of them.
FILE_NAMES = {
    "Header": "header.csv", "Episodes": "episodes.csv", "UASC": "uasc.csv", "Reviews": "reviews.csv",
    "OC2": "oc2.csv", "OC3": "oc3.csv", "AD1": "ad1.csv", "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv", "Missing": "missing.csv", "SWEpisodes": "social_worker_episodes.csv",
    "DoLo": "deprivation_of_liberty.csv",
}
FIRST_YEAR, LAST_YEAR = 2017, 2027  # 2016-17 to 2026-27


def year_tables(year):
    """{DfE table name: columns} of the year's return, from its specification."""
    return {table.name: list(table.columns) for table in ssda903.specification(year).tables.values()}


def sex_code(sex, year):
    """'M'/'F' as the year's code list writes it (1/2 up to 2023-24, M/F from 2024-25)."""
    return sex if sex in ssda903.specification(year).codes["SEX"] else {"M": "1", "F": "2"}[sex]


def special_guardianship_code(kind, year):
    """Reason ceased for a special guardianship order, as the year writes it. ``kind``: (former foster
    carers?, relative or friend?). Up to 2019-20: E43 former foster carers, E44 other carers; from 2020-21
    E45-E48 (E45/E46 former foster carers who are / are not relatives or friends, E47/E48 other carers)."""
    foster_carers, relative = kind
    if "E45" not in ssda903.specification(year).codes["REC"]:
        return "E43" if foster_carers else "E44"
    return {(True, True): "E45", (True, False): "E46", (False, True): "E47", (False, False): "E48"}[kind]


@lru_cache(maxsize=1)
def postcode_rings():
    """{'area': [...], 'near': [...], 'far': [...]}: real postcodes around ``SYNTHETIC_COUNCIL``."""
    rings = {"area": [], "near": [], "far": []}
    with open(POSTCODES_FILE, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["council"] == SYNTHETIC_COUNCIL:
                rings[row["ring"]].append(row["postcode"])
    return rings


@dataclass
class Episode:
    start: datetime.date
    end: datetime.date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    postcode: str
    urn: str
    rec: str = "X1"
    change: str = ""  # reason for the placement change that ends this episode
    sgo: tuple = None  # special guardianship: (former foster carers?, relative or friend?)


@dataclass
class Adoption:
    decided: datetime.date  # decision that the child should be placed for adoption
    matched: datetime.date
    foster_carers: bool
    adopters: tuple  # (NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR)


@dataclass
class Life:
    child_id: str
    sex: str  # M or F
    dob: datetime.date
    ethnicity: str
    upn: str
    home: str  # full postcode; blank for unaccompanied asylum-seeking children
    uasc: bool = False
    episodes: list = field(default_factory=list)
    periods: list = field(default_factory=list)  # [start, end] of each period of care
    adoptions: dict = field(default_factory=dict)  # period index -> Adoption
    reviews: list = field(default_factory=list)  # (date, code)
    missing: list = field(default_factory=list)  # (kind, start, end)
    social_workers: list = field(default_factory=list)  # (id, start, end or None, reason)
    care_leaver: bool = False
    seed: int = 0

    def age_on(self, date):
        return date.year - self.dob.year - ((date.month, date.day) < (self.dob.month, self.dob.day))

    def birthday(self, age):
        try:
            return self.dob.replace(year=self.dob.year + age)
        except ValueError:  # 29 February
            return self.dob.replace(year=self.dob.year + age, day=28)


def _days(n):
    return datetime.timedelta(days=n)


def _date_between(rng, start, end):
    return start + _days(rng.randint(0, max((end - start).days, 0)))


class _Placements:
    """Where children are placed: the council's own foster carers and homes (in its area), agencies and
    homes nearby and further away, each with a plausible Ofsted URN."""

    def __init__(self, rng):
        self.rng = rng
        self.rings = postcode_rings()

    def postcode(self, weights, avoid=""):
        ring = self.rng.choices(["area", "near", "far"], weights)[0]
        while True:
            postcode = self.rng.choice(self.rings[ring])
            if postcode != avoid:
                return postcode

    def urn(self):
        return f"SC{self.rng.randint(100000, 999999)}"

    def choose(self, life, age, legal, *, uasc=False):
        """(PLACE, PLACE_PROVIDER, PL_POST, URN) for a new placement."""
        rng = self.rng
        if uasc:
            kind = rng.choice(["foster", "foster", "residential"])
        elif age < 5:
            kind = rng.choices(["foster", "kinship", "parents"], [65, 25, 10])[0]
        elif age < 13:
            kind = rng.choices(["foster", "kinship", "residential", "parents"], [62, 20, 8, 10])[0]
        else:
            kind = rng.choices(["foster", "kinship", "residential", "parents"], [52, 12, 28, 8])[0]
        if kind == "parents" and legal not in ("C1", "C2"):  # placed with parents needs a care order
            kind = "foster"
        if kind == "foster":
            provider = rng.choices(["PR1", "PR4", "PR5"], [60, 35, 5])[0]
            place = rng.choice(["U4", "U5", "U6", "U6"])
            postcode = self.postcode([75, 22, 3] if provider == "PR1" else [45, 40, 15], avoid=life.home)
        elif kind == "kinship":
            provider, place = "PR1", rng.choice(["U1", "U2", "U3", "U3"])
            postcode = self.postcode([70, 25, 5], avoid=life.home)
        elif kind == "residential":
            provider = rng.choices(["PR1", "PR4", "PR5"], [25, 70, 5])[0]
            place = "K2"
            # The council's own homes are in its area; private and voluntary ones anywhere.
            postcode = self.postcode([100, 0, 0] if provider == "PR1" else [35, 40, 25], avoid=life.home)
        else:
            return "P1", "PR0", life.home, ""
        return place, provider, postcode, self.urn()


def _live(rng, number, window_start, window_end, *, moves_every_days=420, long_stays=0.3, stay_until=None):
    """One child's history between two dates."""
    placements = _Placements(rng)
    uasc = rng.random() < 0.04
    entry = _date_between(rng, window_start, window_end)
    if uasc:
        age_at_entry = rng.randint(14, 17)
    else:
        age_at_entry = rng.choices(range(18), [14, 7, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 6, 8, 9, 9, 7, 4])[0]
    if stay_until is not None:  # young enough to be still looked after when the stay ends
        age_at_entry = min(age_at_entry, max(0, 17 - (stay_until - entry).days // 365 - 1))
    dob = entry - _days(age_at_entry * 365 + rng.randint(0, 364))
    dob = min(dob, entry - ONE_DAY)
    sex = rng.choice("MF") if not uasc else rng.choices("MF", [9, 1])[0]
    life = Life(
        child_id=f"WY{number:06d}", sex=sex, dob=dob,
        ethnicity=rng.choice(ETHNICITIES) if not uasc else rng.choice(["AOTH", "BAFR", "OOTH", "MOTH"]),
        upn=f"{rng.choice(UPN_LETTERS)}{number:06d}{rng.randint(0, 999999):06d}",
        home="" if uasc else placements.postcode([90, 10, 0]), uasc=uasc,
    )
    life.seed = rng.randint(0, 10**9)
    eighteen = life.birthday(18)
    # One period of care: a return to care after leaving would be a second (the DfE's social worker rules
    # cannot be met for a child with a social worker before and after a gap, so the generator leaves it out).
    if stay_until is not None:
        planned_end = max(stay_until, entry) + _days(rng.randint(30, 900))
    elif rng.random() < long_stays or uasc:
        planned_end = eighteen
    else:
        planned_end = entry + _days(int(rng.expovariate(1 / 420)) + 14)
    end = _clear_of_year_end(min(planned_end, eighteen))
    if (end - entry).days < 7:
        end = entry + _days(7)
    _period(rng, life, placements, entry, end, moves_every_days)
    _care_leaver(life)
    _reviews_missing_and_social_workers(rng, life)
    return life


def _period(rng, life, placements, start, end, moves_every_days):
    """One period of care from ``start``, ending at ``end`` (or by adoption)."""
    age = life.age_on(start)
    index = len(life.periods)
    cin = "N8" if life.uasc else rng.choice(CATEGORIES)
    adopted = not life.uasc and age < 4 and rng.random() < 0.35
    if life.uasc:
        legal = "V2"
    elif adopted:
        legal = "C1"
    else:
        legal = rng.choices(["V2", "C1", "L2"], [45, 48, 7])[0]
    place, provider, postcode, urn = placements.choose(life, age, legal, uasc=life.uasc)
    if adopted and place in ("P1", "K2"):
        place, provider, postcode, urn = "U4", "PR1", placements.postcode([80, 20, 0], avoid=life.home), placements.urn()
    episodes = [Episode(start, start, "S", legal, cin, place, provider, postcode, urn)]

    def new_episode(on, rne, **changes):
        previous = episodes[-1]
        previous.end = on
        episode = Episode(on, on, rne, changes.get("ls", previous.ls), cin, changes.get("place", previous.place),
                          changes.get("provider", previous.provider), changes.get("postcode", previous.postcode),
                          changes.get("urn", previous.urn))
        episodes.append(episode)
        return episode

    if adopted:
        # Interim then full care order, the decision that the child should be placed for adoption, a placement
        # order, placement with the adopters (or the foster carers adopting) and the adoption order.
        full_order = start + _days(rng.randint(120, 240))
        decided = full_order + _days(rng.randint(-30, 60))
        placement_order = max(full_order, decided) + _days(rng.randint(30, 120))
        placed = placement_order + _days(rng.randint(30, 150))
        adopted_on = _clear_of_year_end(placed + _days(rng.randint(150, 400)))
        foster_carers = rng.random() < 0.15
        new_episode(full_order, "L", ls="C2")
        new_episode(placement_order, "L", ls="E1")
        episodes[-2].change = ""
        if foster_carers:
            new_episode(placed, "T", place="A5")
            episodes[-2].change = "APPRR"
        else:
            new_episode(placed, "P", place="A6", provider=rng.choice(["PR1", "PR5"]),
                        postcode=placements.postcode([50, 40, 10], avoid=life.home), urn=placements.urn())
            episodes[-2].change = "APPRR"
        episodes[-1].end = adopted_on
        episodes[-1].rec = rng.choice(["E11", "E12"])
        couple = rng.random() < 0.85
        adopters = rng.choice([("2", "MF", "L11"), ("2", "MF", "L11"), ("2", "MF", "L3"), ("2", "FF", "L12"),
                               ("2", "MM", "L4")]) if couple else rng.choice([("1", "F1", "L0"), ("1", "M1", "L0")])
        life.adoptions[index] = Adoption(decided, placed - _days(rng.randint(10, 60)), foster_carers, adopters)
    else:
        current = start
        if legal == "L2":  # an emergency protection order lasts at most 21 days
            current = start + _days(rng.randint(3, 20))
            if current < end:
                new_episode(current, "L", ls="C1")
                legal = "C1"
        while True:
            length = max(2, int(rng.expovariate(1 / moves_every_days)))
            following = current + _days(length)
            if following >= end - ONE_DAY:
                break
            current = following
            age = life.age_on(current)
            episode = episodes[-1]
            change_legal = episode.ls == "C1" and rng.random() < 0.6
            change_place = not change_legal or rng.random() < 0.3
            new_legal = "C2" if change_legal else episode.ls
            if change_place:
                place, provider, postcode, urn = placements.choose(life, age, new_legal, uasc=life.uasc)
                if place == episode.place and postcode == episode.postcode:
                    postcode = placements.postcode([60, 30, 10], avoid=life.home) if place != "P1" else postcode
                    if postcode == episode.postcode:
                        continue
                same_carer = place != "P1" and place[0] == episode.place[0] == "U" and rng.random() < 0.1
                if same_carer:  # the same foster carers, a different kind of placement
                    postcode, provider, urn = episode.postcode, episode.provider, episode.urn
                    place = rng.choice([p for p in ("U1", "U2", "U3", "U4", "U5", "U6") if p != episode.place])
                rne = ("B" if same_carer else "U") if change_legal else ("T" if same_carer else "P")
                episode.change = rng.choice(CHANGE_REASONS)
                new_episode(current, rne, ls=new_legal, place=place, provider=provider, postcode=postcode, urn=urn)
            else:
                new_episode(current, "L", ls=new_legal)
        last = episodes[-1]
        last.end = end
        age_end = life.age_on(end)
        if end >= life.birthday(18):
            last.rec = rng.choices(["E5", "E6", "E17", "E8"], [45, 10, 35, 10])[0]
            if last.rec == "E17" and last.place[0] != "U":
                last.rec = "E5"
        elif age_end >= 16:
            last.rec = rng.choices(["E4A", "E5", "E13", "E8"], [40, 30, 15, 15])[0]
        else:
            last.rec = rng.choices(["E4A", "E4B", "E41", "SGO", "E13", "E8"], [50, 5, 8, 20, 9, 8])[0]
            if last.rec == "SGO":
                if last.ls == "V2" and rng.random() < 0.5:
                    last.rec = "E4A"
                else:
                    foster_carers = last.place[0] == "U"
                    last.sgo = (foster_carers, last.place in ("U1", "U2", "U3") or not foster_carers)
    life.episodes.extend(episodes)
    life.periods.append([episodes[0].start, episodes[-1].end])


def _care_leaver(life):
    """Relevant or former relevant: looked after 13 weeks or more since 14, and at 16 or over, and left care
    other than by adoption, special guardianship or a child arrangements order."""
    if not life.episodes:
        return
    fourteen, sixteen = life.birthday(14), life.birthday(16)
    days = sum(max(0, (e.end - max(e.start, fourteen)).days) for e in life.episodes)
    last = life.episodes[-1]
    life.care_leaver = (
        days >= 91 and last.end > sixteen and last.rec not in ("E11", "E12", "E41", "SGO", "E2", "E3")
    )


def _reviews_missing_and_social_workers(rng, life):
    for start, end in life.periods:
        review = start + _days(20)
        gap = 90
        while review < end:
            age = life.age_on(review)
            code = "PN0" if age < 4 else rng.choices(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"],
                                                     [55, 10, 5, 5, 10, 10, 5])[0]
            life.reviews.append((review, code))
            review += _days(gap + rng.randint(-10, 10))
            gap = 182
        first = max(start, life.birthday(11))
        if first < end - _days(10) and rng.random() < 0.22:
            taken = []
            for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
                missing_start = _date_between(rng, first, end - _days(6))
                missing_end = missing_start + _days(rng.choice([0, 1, 1, 2, 4]))
                episode = next(e for e in life.episodes if e.start <= missing_start < e.end)
                crosses_year = _collection_year(missing_start) != _collection_year(missing_end)
                if missing_end >= episode.end or crosses_year or any(
                    s <= missing_end and missing_start <= e for s, e in taken
                ):
                    continue
                taken.append((missing_start, missing_end))
                life.missing.append((rng.choice(["M", "M", "A"]), missing_start, missing_end))
        # Social workers: one from the start of care, a change every year or so; the last stays with the
        # young person after care ends (the DfE expects a social worker episode open at 31 March).
        sw_start, reason = start, "FCONTA"
        while True:
            worker = f"SW{rng.randint(1, 120):05d}"
            sw_end = _clear_of_year_end(sw_start + _days(rng.randint(150, 600)))
            if sw_end >= end:
                life.social_workers.append((worker, sw_start, None, reason))
                break
            life.social_workers.append((worker, sw_start, sw_end, reason))
            sw_start, reason = sw_end, rng.choice(SW_REASONS)
    life.missing.sort(key=lambda m: m[1])


def _clear_of_year_end(date):
    """Moves a date in the last six days of March back a week: a social worker episode ending then with
    none after it is queried by the DfE (rule SW11bSTG2), so the synthetic ones keep clear of it."""
    return date - _days(7) if date.month == 3 and date.day >= 25 else date


def _collection_year(date):
    return date.year + 1 if date.month >= 4 else date.year


def generate(children=500, last_year=2025, years=6, seed=2025, *, history_years=8, moves_every_days=420,
             long_stays=0.3, all_in_last_year=False):
    """
    ``children`` invented lives entering care between ``history_years`` before the first collection year and
    the end of the last one. With ``all_in_last_year`` every child is still looked after in the last year
    (for the benchmark, which wants one big return).
    """
    rng = random.Random(seed)
    first_start = datetime.date(last_year - years, 4, 1)
    window_start = first_start.replace(year=first_start.year - history_years)
    window_end = datetime.date(last_year, 3, 1)
    stay_until = datetime.date(last_year - 1, 4, 1) if all_in_last_year else None
    lives = []
    for number in range(1, children + 1):
        child_rng = random.Random(rng.randint(0, 2**31))
        lives.append(_live(child_rng, number, window_start, stay_until or window_end,
                           moves_every_days=moves_every_days, long_stays=long_stays, stay_until=stay_until))
    return lives


def _d(date):
    return date.strftime("%d/%m/%Y") if date else ""


def return_tables(lives, year, inject=()):
    """The rows of each table of collection year ``year``'s return (ending 31 March), as lists of strings;
    ``inject`` names DfE rules to break (see ``INJECTORS``)."""
    year_start, year_end = collection_year.starts_on(year), collection_year.ends_on(year)
    tables = {key: [] for key in year_tables(year)}
    for life in lives:
        _child_rows(life, year, year_start, year_end, tables)
    for code in inject:
        {**INJECTORS, **TWO_YEAR_INJECTORS}[code](tables, year)
    return tables


def _child_rows(life, year, year_start, year_end, tables):
    episodes = [e for e in life.episodes if e.start <= year_end and e.end >= year_start]
    oc3 = _oc3_due(life, year_start, year_end)
    if not episodes and not oc3:
        return
    rng = random.Random(life.seed * 31 + year)
    child, dob = life.child_id, _d(life.dob)
    school_age = life.age_on(datetime.date(year - 2, 8, 31)) >= 4
    mother = "0" if life.sex == "F" and episodes else ""
    tables["Header"].append([child, sex_code(life.sex, year), dob, life.ethnicity, life.upn if school_age else "UN1",
                             mother, ""])
    if oc3:
        tables["OC3"].append([child, dob, *_oc3_row(rng, life, year_end)])
    for e in episodes:
        ended = e.end <= year_end
        rec = (special_guardianship_code(e.sgo, year) if e.rec == "SGO" else e.rec) if ended else ""
        tables["Episodes"].append([
            child, _d(e.start), e.rne, e.ls, e.cin, e.place, e.provider, _d(e.end) if ended else "", rec,
            e.change if ended and e.rec == "X1" else "", life.home, e.postcode, e.urn,
        ])
        if e.rne == "S" and e.start >= year_start:  # started to be looked after in the year
            tables["PrevPerm"].append([child, dob, "Z1", "", ""])
    if life.uasc and episodes and life.birthday(18) >= year_start:
        tables["UASC"].append([child, sex_code(life.sex, year), dob, _d(life.birthday(18))])
    for review, code in life.reviews:
        if year_start <= review <= year_end:
            tables["Reviews"].append([child, dob, _d(review), code])
    for kind, start, end in life.missing:
        if year_start <= start <= year_end:
            tables["Missing"].append([child, dob, kind, _d(start), _d(end)])
    for index, (start, end) in enumerate(life.periods):
        adoption = life.adoptions.get(index)
        if adoption and start <= year_end and end >= year_start and adoption.decided <= year_end:
            tables["PlacedAdoption"].append([child, dob, _d(adoption.decided), "", ""])
            if year_start <= end <= year_end:
                tables["AD1"].append([child, dob, _d(adoption.decided), _d(adoption.matched),
                                      "1" if adoption.foster_carers else "0", *adoption.adopters])
    if "SWEpisodes" in tables:
        for worker, start, end, reason in life.social_workers:
            if start <= year_end and (end is None or end >= year_start):
                shown_end = end if end is not None and end <= year_end else None
                tables["SWEpisodes"].append([child, dob, worker, _d(start), _d(shown_end), reason])
    if any(start <= year_start and end >= year_end for start, end in life.periods):
        tables["OC2"].append(_oc2_row(rng, life, dob, year_start, year_end))


def _oc3_due(life, year_start, year_end):
    """A care leaver whose 17th to 21st birthday falls in the year, not looked after on it."""
    if not life.care_leaver:
        return False
    left = life.episodes[-1].end
    for age in (17, 18, 19, 20, 21):
        birthday = life.birthday(age)
        if year_start <= birthday <= year_end:
            if age >= 19:
                return True
            # At 17 and 18, only those who left care before the birthday; the DfE's rule 1016 reckons age at
            # 31 March in 365.25-day years, so a birthday in the last week of March is left out.
            return left < birthday and (left < year_start or birthday < year_end - _days(6))
    return False


def _oc3_row(rng, life, year_end):
    age = life.age_on(year_end)
    in_touch = rng.choices(["YES", "NO", "REFU", "NREQ"], [88, 6, 3, 3])[0]
    if in_touch != "YES":
        return [in_touch, "0", "0"]
    activity = rng.choice(EET) if rng.random() < 0.58 else rng.choice(NEET)
    suitable = SUITABLE + (["Z1"] if age >= 18 else [])
    accommodation = rng.choice(suitable) if rng.random() < 0.86 else rng.choice(UNSUITABLE)
    return [in_touch, activity, accommodation]


def sdq_due(life, year_start, year_end):
    """An SDQ score or the reason there is none: for children aged 4 to 16 at some time in the year, so
    those whose 4th or 17th birthday falls in it (the DfE's rule 197B), the 17th on 1 April included."""
    return life.birthday(4) <= year_end and life.birthday(17) >= year_start


def _oc2_row(rng, life, dob, year_start, year_end):
    age_end = life.age_on(year_end)
    flag = lambda chance: "1" if rng.random() < chance else "0"  # noqa: E731
    sdq, reason = "", ""
    if sdq_due(life, year_start, year_end):
        if rng.random() < 0.8:
            sdq = str(min(40, max(0, int(rng.gauss(14, 6)))))
        else:
            reason = rng.choice(["SDQ2", "SDQ3", "SDQ4", "SDQ5"])
    misuse = flag(0.05) if age_end >= 10 else "0"
    received = flag(0.6) if misuse == "1" else ""
    offered = flag(0.8) if received == "0" else ""
    return [life.child_id, dob, sdq, reason, flag(0.04) if age_end >= 10 else "", flag(0.9) if age_end < 5 else "",
            flag(0.85), flag(0.82), flag(0.9), misuse, received, offered]


# --- Injected failures: each breaks the first row it can, the way a case-management system might. -----------

def _first(rows, test=lambda row: True):
    for row in rows:
        if test(row):
            return row
    raise ValueError("No row to break in this return.")


def _set(table, column, value, test=lambda row: True):
    def inject(tables, year):
        position = year_tables(year)[table].index(column)
        rows = tables[table]
        count = {}
        for row in rows:
            count[row[0]] = count.get(row[0], 0) + 1
        # A child with one row in the table, so no rule comparing a child's rows flags its neighbours.
        _first(rows, lambda row: count[row[0]] == 1 and test(row) and row[position] != value)[position] = value
    return inject


def _oc2_not_looked_after_12_months(tables, year):
    """An OC2 row for a child who came into care during the year, aged 10 to 15 at its end (rule 190)."""
    year_start, year_end = collection_year.starts_on(year), collection_year.ends_on(year)
    in_oc2 = {row[0] for row in tables["OC2"]}
    first_start = {}
    for row in tables["Episodes"]:
        first_start[row[0]] = min(first_start.get(row[0], year_end), ssda903.parse_date(row[1]))
    born = {row[0]: ssda903.parse_date(row[2]) for row in tables["Header"]}
    row = _first(tables["Header"], lambda row: row[0] not in in_oc2 and first_start.get(row[0], year_start) > year_start
                 and datetime.date(year - 16, 3, 31) < born[row[0]] <= datetime.date(year - 10, 3, 31))
    tables["OC2"].append([row[0], row[2], "12", "", "0", "", "1", "1", "1", "0", "", ""])


INJECTORS = {
    "101": _set("Header", "SEX", "9"),  # SEX not a valid code
    "103": _set("Header", "ETHNIC", "XXXX"),  # ethnicity not a valid code
    "143": _set("Episodes", "RNE", "Q"),  # reason for new episode not a valid code
    "146": _set("Episodes", "PLACE", "X9"),  # placement type not a valid code
    # A postcode not in the directory (placed by an agency, so no rule on the council's own provision applies)
    "392c": _set("Episodes", "PL_POST", "ZZ9 9ZZ", lambda row: row[6] in ("PR4", "PR5")),
    "546": _set("OC2", "HEALTH_CHECK", "1", lambda row: row[5] == ""),  # health check for a child aged 5 or over
    "168": _set("Header", "UPN", "I12345678901"),  # UPN not valid (no I, O or S as its letter)
    "190": _oc2_not_looked_after_12_months,  # OC2 for a child not looked after for 12 months
}


def _category_changed_since_last_year(tables, year):
    """The category of need of an episode open on 1 April differs from last year's return (rule 503C, which
    the DfE's engine checks only when it is given last year's return)."""
    columns = year_tables(year)["Episodes"]
    decom, cin = columns.index("DECOM"), columns.index("CIN")
    count = {}
    for row in tables["Episodes"]:
        count[row[0]] = count.get(row[0], 0) + 1
    row = _first(tables["Episodes"], lambda row: count[row[0]] == 1
                 and ssda903.parse_date(row[decom]) < collection_year.starts_on(year))
    row[cin] = "N2" if row[cin] != "N2" else "N1"


# Injected failures that need last year's return beside this one to be found.
TWO_YEAR_INJECTORS = {"503C": _category_changed_since_last_year}
# Rules that fail on the same row as a consequence: an unknown postcode has no local authority (169), no
# placement location (179) and no distance (392a); an SDQ score for a child not looked after 12 months (185).
CONSEQUENCES = {"392c": {"169", "179", "392a"}, "190": {"185"}}


def write_return(lives, year, folder, inject=()):
    """Write a year's tables as CSV files into ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    headings = year_tables(year)
    for key, rows in return_tables(lives, year, inject).items():
        path = folder / FILE_NAMES[key]
        with open(path, "w", newline="") as handle:
            writer = csv_files.writer(handle)
            writer.writerow(headings[key])
            writer.writerows(rows)
        paths.append(path)
    return paths


def write_xml(lives, year, path, inject=()):
    """
    Write a year's return as the DfE's XML submission file (one CHILD element per child, its Header, UASC, OC3
    and AD1 items as its own elements, then an element per episode, review, OC2, missing period... inside it;
    dates as YYYY-MM-DD), holding exactly the rows ``write_return`` writes as CSV. Returns the path.
    """
    spec = ssda903.specification(year)
    tables = return_tables(lives, year, inject)
    message = ElementTree.Element("Message")
    children = ElementTree.SubElement(message, "Children")
    elements = {}  # CHILD -> its element, in the Header's order
    tags = {"CHILD": "CHILDID", "PLACE": "PL"}

    def add(parent, table, row, skip):
        for (column, about), value in zip(table.columns.items(), row):
            if value and column not in skip:
                date = ssda903.parse_date(value) if about.get("type") == "date" else None
                ElementTree.SubElement(parent, tags.get(column, column)).text = date.isoformat() if date else value
                skip.add(column)

    own = [table for table in spec.tables.values() if table.xml == "CHILD"]
    inside = [table for table in spec.tables.values() if table.xml != "CHILD"]
    for table in own:  # the Header first, then the UASC, OC3 and AD1 items of the same children
        for row in tables[table.name]:
            if row[0] not in elements:
                elements[row[0]] = (ElementTree.SubElement(children, "CHILD"), set())
            element, present = elements[row[0]]
            add(element, table, row, present)
    for table in inside:
        for row in tables[table.name]:
            add(ElementTree.SubElement(elements[row[0]][0], table.xml), table, row, {"CHILD", "DOB"})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(message).write(path, encoding="UTF-8", xml_declaration=True)
    return path


def write_cohort(folder, *, children=500, last_year=2025, years=6, seed=2025, **options):
    """Write ``years`` returns ending with ``last_year``, one folder per year; returns {year: [paths]}."""
    lives = generate(children, last_year=last_year, years=years, seed=seed, **options)
    return {
        year: write_return(lives, year, Path(folder) / str(year))
        for year in range(last_year - years + 1, last_year + 1)
    }


def build_cohort(children=50, years=3, seed=1, last_year=None, user=None, **options):
    """
    For tests and the demo: invent ``children`` lives (entering care over the ``years`` returns and the eight
    years before), write ``years`` returns ending with ``last_year`` (default: the latest ended) and import
    each through the real import. Loads the shipped code lists if none are loaded. Returns the list of
    ``CohortImport`` rows (one per year, oldest first).
    """
    import tempfile

    from . import services
    from .models import Code

    if not Code.objects.exists():
        services.load_reference_data()
    last_year = last_year or collection_year.latest_finished()
    with tempfile.TemporaryDirectory() as folder:
        written = write_cohort(folder, children=children, last_year=last_year, years=years, seed=seed, **options)
        imports = [services.import_files(year=year, paths=paths, user=user) for year, paths in written.items()]
    failed = [i for i in imports if i.status != i.Status.SUCCEEDED]
    if failed:
        raise RuntimeError(f"The synthetic cohort did not import: {failed[0].errors[:5]}")
    return imports
