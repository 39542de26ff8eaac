"""
Hand-built cohorts for the measure and dashboard tests: small ones row by row, large ones with bulk_create.

Until the synthetic cohort generator lands in children/, these build 903-shaped records directly with the ORM.
"""
import datetime
import random

from children.models import (
    CareLeaverOutcome,
    Child,
    Code,
    CodeList,
    CohortReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
)
from measures import history

PLACEMENT_CODES = {
    "U1": "foster", "U4": "foster", "U6": "foster",
    "U2": "kinship", "U3": "kinship",
    "R1": "residential", "K2": "residential",
    "P1": "with_parents",
    "A3": "adoption", "A5": "adoption",
    "Z1": "other",
}
IN_TOUCH_CODES = {"YES": "in_touch", "NO": "not_in_touch", "REFU": "not_in_touch", "DIED": "not_in_touch"}
ACTIVITY_CODES = {"F1": "eet", "P1": "eet", "F2": "eet", "G4": "neet", "G5": "neet", "G6": "neet"}
ACCOMMODATION_CODES = {"B1": "suitable", "C1": "suitable", "B2": "unsuitable", "C2": "unsuitable"}


def make_codes():
    rows = []
    for code_list, codes in (
        (CodeList.PLACEMENT_TYPE, PLACEMENT_CODES),
        (CodeList.IN_TOUCH, IN_TOUCH_CODES),
        (CodeList.CARE_LEAVER_ACTIVITY, ACTIVITY_CODES),
        (CodeList.CARE_LEAVER_ACCOMMODATION, ACCOMMODATION_CODES),
    ):
        rows += [Code(code_list=code_list, code=code, description=code, group=group) for code, group in codes.items()]
    Code.objects.bulk_create(rows)


_counter = {"n": 0}


def child(dob=datetime.date(2012, 6, 1), **fields):
    _counter["n"] += 1
    fields.setdefault("child_id", f"C{_counter['n']:06d}")
    return Child.objects.create(sex=fields.pop("sex", "M"), date_of_birth=dob, ethnicity="WBRI", **fields)


def cohort_return(year):
    return CohortReturn.objects.get_or_create(year=year)[0]


def episode(ret, kid, start, end=None, *, rne="S", ls="C2", cin="N1", place="U1", rec=None, **fields):
    if rec is None:
        rec = "E11" if end else ""
    return Episode.objects.create(
        cohort_return=ret,
        child=kid,
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        legal_status=ls,
        category_of_need=cin,
        placement_type=place,
        reason_ceased=rec,
        **fields,
    )


def d(text):
    """d("31/03/2025") -> date, as the 903 writes dates."""
    day, month, year = (int(part) for part in text.split("/"))
    return datetime.date(year, month, day)


def bulk_cohort(children, year=2025, seed=1, years=1):
    """
    ``children`` looked-after children per year for ``years`` years ending ``year``, with episodes, OC2, OC3
    and missing rows, made with bulk_create (5,000 children take a few seconds). Returns the returns.
    """
    rng = random.Random(seed)
    if not Code.objects.exists():
        make_codes()
    placements = list(PLACEMENT_CODES)
    made = []
    for y in range(year - years + 1, year + 1):
        ret = cohort_return(y)
        made.append(ret)
        start_id = Child.objects.count()
        kids = Child.objects.bulk_create(
            Child(
                child_id=f"B{y}{start_id + i:06d}",
                sex=rng.choice(("M", "F")),
                date_of_birth=datetime.date(y - rng.randint(1, 21), rng.randint(1, 12), rng.randint(1, 28)),
                ethnicity="WBRI",
            )
            for i in range(children)
        )
        episodes, health, leavers, missing = [], [], [], []
        for kid in kids:
            start = datetime.date(y - rng.randint(0, 4), rng.randint(1, 12), rng.randint(1, 28))
            if start <= kid.date_of_birth:
                start = kid.date_of_birth + datetime.timedelta(days=1)
            moves = rng.randint(0, 3)
            current = start
            for move in range(moves + 1):
                last = move == moves
                end = None
                if not last:
                    end = current + datetime.timedelta(days=rng.randint(30, 200))
                elif rng.random() < 0.2:
                    end = current + datetime.timedelta(days=rng.randint(30, 400))
                episodes.append(
                    Episode(
                        cohort_return=ret,
                        child=kid,
                        start_date=current,
                        end_date=end,
                        reason_new_episode="S" if move == 0 else rng.choice("PLTBU"),
                        legal_status=rng.choice(("C1", "C2", "V2", "E1", "J2")),
                        category_of_need=f"N{rng.randint(1, 8)}",
                        placement_type=rng.choice(placements),
                        reason_ceased=("X1" if not last else "E4A") if end else "",
                        distance_miles=rng.randint(0, 60),
                        placed_outside_area=rng.random() < 0.3,
                    )
                )
                if end is None:
                    break
                current = end
            if rng.random() < 0.6:
                health.append(
                    HealthOutcome(
                        cohort_return=ret,
                        child=kid,
                        sdq_score=rng.randint(0, 40),
                        health_assessment=rng.random() < 0.9,
                        teeth_check=rng.random() < 0.8,
                        immunisations=rng.random() < 0.85,
                    )
                )
            if rng.random() < 0.2:
                leavers.append(
                    CareLeaverOutcome(
                        cohort_return=ret,
                        child=kid,
                        in_touch=rng.choice(list(IN_TOUCH_CODES)),
                        activity=rng.choice(list(ACTIVITY_CODES)),
                        accommodation=rng.choice(list(ACCOMMODATION_CODES)),
                    )
                )
            if rng.random() < 0.1:
                missing.append(
                    MissingEpisode(cohort_return=ret, child=kid, kind="M", start_date=datetime.date(y - 1, 9, 1))
                )
        Episode.objects.bulk_create(episodes)
        HealthOutcome.objects.bulk_create(health)
        CareLeaverOutcome.objects.bulk_create(leavers)
        MissingEpisode.objects.bulk_create(missing)
    history.rebuild()  # bulk_create sends no signals: join the histories as an import does
    return made
