"""
A synthetic cohort of looked-after children, written as real-shaped 903 CSV files.

Deterministic for a given seed. Used by the demo (``children.demo``), the import benchmark
(``bench/import_903.py``) and other apps' tests (``build_cohort``), always through the same import as a
council's own files. Every child is invented: identifiers are ``WY`` plus digits, postcodes are districts only.

Each child has a life in care: one or (sometimes) two periods of care, split into episodes whenever the
placement or legal status changes, with reviews, missing episodes, health outcomes after 12 months and
care-leaver outcomes from 17 to 21. A year's return holds every child looked after during that year with
their full episode history up to 31 March, plus care leavers with an OC3 row.
"""
import csv
import datetime
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core import collection_year

ONE_DAY = datetime.timedelta(days=1)
IN_AREA = ["WR1", "WR2", "WR3", "WR4", "WR5", "WR6", "WR9", "WR10", "WR11", "WR14", "B60", "B61", "B97", "B98",
           "DY10", "DY11", "DY13"]
NEARBY = ["B29", "B31", "DY5", "DY8", "HR1", "HR4", "GL1", "GL20", "GL50", "CV37", "WV1"]
FAR = ["TF1", "SY1", "BS1", "CF10", "LE1", "NG1", "M1", "LS1", "S1"]
ETHNICITIES = (["WBRI"] * 70 + ["WOTH"] * 4 + ["WIRT", "WROM"] + ["MWBC"] * 4 + ["MWBA", "MWAS", "MOTH"] * 2
               + ["AIND", "APKN", "APKN", "ABAN", "AOTH"] + ["BCRB", "BAFR", "BAFR", "BOTH"] + ["CHNE", "OOTH", "NOBT"])
FOSTER = ["U4", "U6", "U6", "U6", "U5"]
KINSHIP = ["U1", "U3", "U3"]
RESIDENTIAL = ["K2", "K2", "R1", "S1"]
CATEGORIES = ["N1"] * 60 + ["N2"] * 4 + ["N3"] * 4 + ["N4"] * 8 + ["N5"] * 14 + ["N6"] * 2 + ["N7"] + ["N8"] * 7
EET = ["F1", "P1", "F2", "F2", "P2", "F3", "F3", "P3"]
NEET = ["G4", "G5", "G5", "G6"]
SUITABLE = ["B1", "D1", "E1", "K1", "T1", "U1", "U1", "Z1", "Z1"]
UNSUITABLE = ["S2", "V2", "W2", "X2", "K2"]


@dataclass
class Life:
    child_id: str
    sex: int
    dob: datetime.date
    ethnicity: str
    upn: str
    home: str
    episodes: list = field(default_factory=list)  # dicts
    reviews: list = field(default_factory=list)  # (date, code)
    missing: list = field(default_factory=list)  # (kind, start, end)
    uasc: bool = False
    care_leaver: bool = False  # left care at 16 or over
    seed: int = 0

    def age_on(self, date):
        return date.year - self.dob.year - ((date.month, date.day) < (self.dob.month, self.dob.day))

    def birthday(self, age):
        try:
            return self.dob.replace(year=self.dob.year + age)
        except ValueError:  # 29 February
            return self.dob.replace(year=self.dob.year + age, day=28)


def _date_between(rng, start, end):
    days = (end - start).days
    return start + datetime.timedelta(days=rng.randint(0, max(days, 0)))


def _placement(rng, age, home, *, uasc=False):
    if uasc:
        kind = rng.choice(["foster", "foster", "residential", "semi"] if age >= 16 else ["foster", "foster", "residential"])
    elif age < 5:
        kind = rng.choices(["foster", "kinship", "parents"], [65, 25, 10])[0]
    elif age < 13:
        kind = rng.choices(["foster", "kinship", "residential", "parents"], [62, 20, 8, 10])[0]
    else:
        kind = rng.choices(["foster", "kinship", "residential", "parents", "semi"], [48, 12, 22, 8, 10 if age >= 16 else 0])[0]
    if kind == "foster":
        place, provider = rng.choice(FOSTER), rng.choices(["PR1", "PR4", "PR5"], [60, 35, 5])[0]
    elif kind == "kinship":
        place, provider = rng.choice(KINSHIP), "PR1"
    elif kind == "residential":
        place, provider = rng.choice(RESIDENTIAL), rng.choices(["PR1", "PR4", "PR5"], [25, 70, 5])[0]
    elif kind == "semi":
        place, provider = "H5", rng.choice(["PR1", "PR4"])
    else:
        place, provider = "P1", "PR0"
    if place == "P1":
        postcode = home
    elif kind == "kinship":
        postcode = rng.choices([rng.choice(IN_AREA), rng.choice(NEARBY)], [80, 20])[0]
    else:
        far = 20 if kind == "residential" else 6
        postcode = rng.choices([rng.choice(IN_AREA), rng.choice(NEARBY), rng.choice(FAR)], [70 - far, 30, far])[0]
    return place, provider, postcode


def _live(rng, number, window_start, window_end, *, moves_every_days=420, long_stays=0.3, stay_until=None):
    """One child's history between two dates."""
    uasc = rng.random() < 0.04
    entry = _date_between(rng, window_start, window_end)
    if uasc:
        age_at_entry = rng.randint(14, 17)
    else:
        age_at_entry = rng.choices(range(18), [14, 7, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 6, 8, 9, 9, 7, 4])[0]
    if stay_until is not None:  # young enough to be still looked after when the stay ends
        age_at_entry = min(age_at_entry, max(0, 17 - (stay_until - entry).days // 365 - 1))
    dob = entry - datetime.timedelta(days=age_at_entry * 365 + rng.randint(0, 364))
    dob = min(dob, entry)
    life = Life(
        child_id=f"WY{number:06d}", sex=rng.choice((1, 2)) if not uasc else rng.choices((1, 2), [9, 1])[0], dob=dob,
        ethnicity=rng.choice(ETHNICITIES) if not uasc else rng.choice(["AOTH", "BAFR", "OOTH", "MOTH"]),
        upn=f"W{rng.randint(10**11, 10**12 - 1)}" if age_at_entry >= 4 else "", home=rng.choice(IN_AREA), uasc=uasc,
    )
    life.seed = rng.randint(0, 10**9)
    eighteen = life.birthday(18)
    periods = 2 if rng.random() < 0.08 else 1
    start = entry
    for period in range(periods):
        if start >= eighteen:
            break
        if stay_until is not None:
            planned_end = max(stay_until, start) + datetime.timedelta(days=rng.randint(30, 900))
        elif rng.random() < long_stays or uasc:
            planned_end = eighteen
        else:
            planned_end = start + datetime.timedelta(days=int(rng.expovariate(1 / 420)) + 7)
        end = min(planned_end, eighteen)
        if end <= start:
            break
        _episodes(rng, life, start, end, moves_every_days)
        if period == 0 and periods == 2:
            start = end + datetime.timedelta(days=rng.randint(90, 900))
    life.care_leaver = bool(life.episodes) and life.age_on(life.episodes[-1]["end"]) >= 16
    _reviews_and_missing(rng, life)
    return life


def _episodes(rng, life, start, end, moves_every_days):
    age = life.age_on(start)
    if life.uasc:
        legal, need = "V2", "N8"
    else:
        legal = rng.choices(["V2", "C1", "L2", "J1"], [45, 45, 8, 2 if age >= 10 else 0])[0]
        need = rng.choice(CATEGORIES)
    place, provider, postcode = _placement(rng, age, life.home, uasc=life.uasc)
    reason = "S"
    current = start
    adopted = not life.uasc and age < 4 and rng.random() < 0.35
    while True:
        length = max(1, int(rng.expovariate(1 / moves_every_days)))
        episode_end = current + datetime.timedelta(days=length)
        episode = {
            "start": current, "rne": reason, "ls": legal, "cin": need, "place": place, "provider": provider,
            "home": life.home, "postcode": postcode, "end": None, "rec": "", "change": "",
        }
        life.episodes.append(episode)
        if episode_end >= end:
            episode["end"] = end
            age_end = life.age_on(end)
            if life.age_on(end) >= 18 or end == life.birthday(18):
                episode["rec"] = rng.choices(["E5", "E6", "E17", "E8"], [45, 15, 30, 10])[0]
            elif adopted and legal == "E1":
                episode["rec"] = rng.choice(["E11", "E12"])
            elif age_end >= 16:
                episode["rec"] = rng.choices(["E4A", "E5", "E13", "E8"], [40, 30, 15, 15])[0]
            else:
                episode["rec"] = rng.choices(["E4A", "E4B", "E41", "E43", "E44", "E13", "E8", "E3"], [45, 5, 10, 10, 8, 8, 8, 6])[0]
            return
        episode["end"] = episode_end
        episode["rec"] = "X1"
        current = episode_end
        age = life.age_on(current)
        change_legal = legal in ("C1", "L2", "J1", "V2") and rng.random() < 0.45
        if change_legal:
            legal = {"C1": "C2", "L2": "C1", "J1": "V2", "V2": rng.choice(["C1", "V2"])}[legal]
            if adopted and legal == "C2" and rng.random() < 0.7:
                legal = "E1"
        elif adopted and legal == "C2":
            legal = "E1"
        change_place = not change_legal or rng.random() < 0.4
        if adopted and legal == "E1" and not life.episodes[-1]["place"].startswith("A"):
            place, provider, postcode, change_place = rng.choice(["A5", "A6"]), "PR1", rng.choice(IN_AREA + NEARBY), True
        elif change_place:
            place, provider, postcode = _placement(rng, age, life.home, uasc=life.uasc)
        if change_place and change_legal:
            reason = "T"
        elif change_place:
            reason = "P"
        else:
            reason = "L"
        if change_place:
            episode["change"] = rng.choice(["CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND", "OTHER"])


def _reviews_and_missing(rng, life):
    if not life.episodes:
        return
    # Group contiguous episodes into periods of care.
    periods, current = [], None
    for episode in life.episodes:
        if current and current[1] == episode["start"]:
            current[1] = episode["end"]
        else:
            current = [episode["start"], episode["end"]]
            periods.append(current)
    for start, end in periods:
        review = start + datetime.timedelta(days=28)
        gap = 90
        while review < end:
            age = life.age_on(review)
            code = "PN0" if age < 4 else rng.choices(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], [55, 10, 5, 5, 10, 10, 5])[0]
            life.reviews.append((review, code))
            review += datetime.timedelta(days=gap + rng.randint(-10, 10))
            gap = 182
        if life.age_on(start) >= 10 or life.age_on(end) >= 12:
            if rng.random() < 0.22:
                taken = set()
                for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
                    first = max(start, life.birthday(11))
                    if first >= end:
                        break
                    missing_start = _date_between(rng, first, end - ONE_DAY)
                    if missing_start in taken:
                        continue
                    taken.add(missing_start)
                    life.missing.append((rng.choice(["M", "M", "A"]), missing_start, missing_start + datetime.timedelta(days=rng.choice([0, 1, 1, 2, 4]))))


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


HEADINGS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "uasc": ["CHILD", "DOB", "SEX", "DUC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}


def _d(date):
    return date.strftime("%d/%m/%Y") if date else ""


def return_tables(lives, year):
    """The rows of each 903 table for collection year ``year`` (ending 31 March), as lists of strings."""
    year_start, year_end = collection_year.starts_on(year), collection_year.ends_on(year)
    tables = {key: [] for key in HEADINGS}
    for life in lives:
        history = [e for e in life.episodes if e["start"] <= year_end]
        looked_after = any(e["end"] is None or e["end"] >= year_start for e in history)
        birthday_in_year = [age for age in (17, 18, 19, 20, 21) if year_start <= life.birthday(age) <= year_end]
        care_leaver = life.care_leaver and birthday_in_year and life.episodes[-1]["end"] < life.birthday(birthday_in_year[0])
        if not looked_after and not care_leaver:
            continue
        rng = random.Random(life.seed * 31 + year)
        dob = _d(life.dob)
        tables["header"].append([life.child_id, str(life.sex), dob, life.ethnicity, life.upn, "", ""])
        if looked_after:
            for e in history:
                ended = e["end"] is not None and e["end"] <= year_end
                tables["episodes"].append([
                    life.child_id, _d(e["start"]), e["rne"], e["ls"], e["cin"], e["place"], e["provider"],
                    _d(e["end"]) if ended else "", e["rec"] if ended else "", e["change"], e["home"], e["postcode"], "",
                ])
            for review, code in life.reviews:
                if year_start <= review <= year_end:
                    tables["reviews"].append([life.child_id, dob, _d(review), code])
            for kind, start, end in life.missing:
                if year_start <= start <= year_end:
                    tables["missing"].append([life.child_id, dob, kind, _d(start), _d(end) if end <= year_end else ""])
            if life.uasc:
                ceased = life.birthday(18)
                tables["uasc"].append([life.child_id, dob, str(life.sex), _d(ceased) if ceased <= year_end else ""])
            if _continuously_looked_after(history, year_end - datetime.timedelta(days=365), year_end):
                tables["oc2"].append(_oc2_row(rng, life, dob, year_end))
        if care_leaver:
            in_touch = rng.choices(["YES", "NO", "REFU", "NREQ"], [88, 6, 3, 3])[0]
            if in_touch == "YES":
                activity = rng.choice(EET) if rng.random() < 0.58 else rng.choice(NEET)
                accommodation = rng.choice(SUITABLE) if rng.random() < 0.86 else rng.choice(UNSUITABLE)
            else:
                activity, accommodation = "0", "0"
            tables["oc3"].append([life.child_id, dob, in_touch, activity, accommodation])
    return tables


def _continuously_looked_after(history, since, until):
    covered = since
    for e in sorted(history, key=lambda e: e["start"]):
        if e["start"] > covered:
            return False
        covered = max(covered, e["end"] or until)
        if covered >= until:
            return True
    return False


def _oc2_row(rng, life, dob, year_end):
    age = life.age_on(year_end)
    flag = lambda chance: "1" if rng.random() < chance else "0"  # noqa: E731
    sdq, reason = ("", "")
    if 4 <= age <= 16:
        if rng.random() < 0.8:
            sdq = str(min(40, max(0, int(rng.gauss(14, 6)))))
        else:
            reason = rng.choice(["SDQ1", "SDQ2", "SDQ4"])
    return [life.child_id, dob, sdq, reason, flag(0.04) if age >= 10 else "0", flag(0.9), flag(0.85), flag(0.82),
            flag(0.9), flag(0.05) if age >= 10 else "0", "", ""]


def write_return(lives, year, folder):
    """Write a year's tables as CSV files into ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, rows in return_tables(lives, year).items():
        path = folder / f"{key}.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADINGS[key])
            writer.writerows(rows)
        paths.append(path)
    return paths


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
    years before, so roughly 45% appear in any one return and 60% in at least one of three), write
    ``years`` returns ending with ``last_year`` (default: the latest ended) and import each
    through the real import. Loads the shipped code lists and postcode districts if none are loaded.
    Returns the list of ``CohortImport`` rows (one per year, oldest first).
    """
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
