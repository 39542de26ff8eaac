"""
One test per DfE definition the measures once got wrong (issue 13's points) and per edge case, each on a small
hand-written 903 return in the DfE's shape loaded through the real import (``returns.py``), so every return
also passes the DfE's own rules for its year (tests/children/test_hand_written_returns.py). The expected
figures are worked out by hand in each test from the definition (/work/shared/measures.md); the arithmetic is
in the comments.

2024-25 runs from 01/04/2024 to 31/03/2025. Children are boys born 01/06/2014 (10 at 31 March 2025) unless
said otherwise. (A five-year history split across five returns is tests/measures/test_history.py.)
"""
import pytest

from children import services
from measures import queries

from .returns import Return, ep, load

pytestmark = pytest.mark.django_db

BORN = "01/06/2014"
# Other placements' postcodes, so that each new placement is at another address (rule 435).
SECOND, THIRD, FOURTH = "WR2 6AA", "WR4 9AA", "WR2 5AA"


def born(children, on=BORN):
    return dict.fromkeys(children, on)


def figure(identifier, year=2025):
    value = queries.for_year(year)[identifier]
    return value.numerator, value.denominator


# The returns with OC2, OC3 or Missing rows send all three tables (empty where they have no rows), so that the
# DfE's engine checks them as one return (tests/children/test_hand_written_returns.py).
OUTCOME_TABLES = frozenset({"oc2", "oc3", "missing"})


@pytest.fixture
def codes(db):
    services.load_reference_data()  # the shipped England code lists (placement groups, care leavers' codes)


# Rules 1 and 2: long-term stability ------------------------------------------------------------------------

# Each child's period of care starts (S) in an episode the 2024-25 return holds (the one open on 1 April), so
# the day they entered care is known, except ADOPTERS_LONG's: as the DfE's shape has it, the return holds only the
# episode open on 1 April, which began on 01/09/2022 (RNE B), so ADOPTERS_LONG has been looked after since then
# at least.
LONG_TERM = Return(
    2025,
    {**born(["L_ONLY", "T_MOVE", "U_MOVE", "P_MOVE", "B_MOVE", "JUST_LONG_ENOUGH", "TOO_RECENT", "CAME_BACK"]),
     **born(["ADOPTERS_AFTER_LONG", "ADOPTERS_AFTER_SHORT", "ADOPTERS_LONG", "ADOPTERS_FOSTER"], "01/01/2018"),
     "TOO_OLD": "01/03/2009"},
    [
        ep("L_ONLY", "01/01/2020", "S", "01/06/2024", "X1"), ep("L_ONLY", "01/06/2024", "L", ls="C1"),
        ep("T_MOVE", "01/01/2020", "S", "01/06/2024", "X1"), ep("T_MOVE", "01/06/2024", "T", placed=SECOND),
        ep("U_MOVE", "01/01/2020", "S", "01/06/2024", "X1"), ep("U_MOVE", "01/06/2024", "U", ls="C1", placed=SECOND),
        ep("P_MOVE", "01/01/2020", "S", "01/06/2024", "X1"), ep("P_MOVE", "01/06/2024", "P", placed=SECOND),
        ep("B_MOVE", "01/01/2020", "S", "01/06/2024", "X1"), ep("B_MOVE", "01/06/2024", "B", ls="C1", placed=SECOND),
        # Placed for adoption (placement order, E1) on 01/10/2024 with new adopters (A6, a new carer: B): after
        # living with the same foster carer since 01/01/2021 (a move with that carer, T, on 01/06/2024), or after
        # a new foster carer (P) on 01/06/2024.
        ep("ADOPTERS_AFTER_LONG", "01/01/2021", "S", "01/06/2024", "X1"),
        ep("ADOPTERS_AFTER_LONG", "01/06/2024", "T", "01/10/2024", "X1", placed=SECOND),
        ep("ADOPTERS_AFTER_LONG", "01/10/2024", "B", ls="E1", place="A6", placed=THIRD),
        ep("ADOPTERS_AFTER_SHORT", "01/01/2021", "S", "01/06/2024", "X1"),
        ep("ADOPTERS_AFTER_SHORT", "01/06/2024", "P", "01/10/2024", "X1", placed=SECOND),
        ep("ADOPTERS_AFTER_SHORT", "01/10/2024", "B", ls="E1", place="A6", placed=THIRD),
        # With new adopters (A6) since 01/09/2022.
        ep("ADOPTERS_LONG", "01/09/2022", "B", ls="E1", place="A6", placed=SECOND),
        # Placed for adoption on 01/10/2024 with their foster carers (A5, the same carer: U).
        ep("ADOPTERS_FOSTER", "01/01/2021", "S", "01/10/2024", "X1"),
        ep("ADOPTERS_FOSTER", "01/10/2024", "U", ls="E1", place="A5", placed=SECOND),
        ep("JUST_LONG_ENOUGH", "30/09/2022", "S"),
        ep("TOO_RECENT", "01/10/2022", "S"),
        ep("TOO_OLD", "01/01/2020", "S"),
        # In care since 2020, home on 01/06/2024, back with the same foster carer on 01/07/2024: a new period.
        ep("CAME_BACK", "01/01/2020", "S", "01/06/2024", "E4A"), ep("CAME_BACK", "01/07/2024", "S"),
    ],
)


def test_long_term_stability_counts_same_carer_moves_and_adoptive_placements_with_the_placement_before(db):
    load(LONG_TERM)
    # The group: looked after at 31/03/2025, under 16, in care since on or before 30/09/2022 (two and a half
    # years before). TOO_OLD is 16 (born 01/03/2009); TOO_RECENT began on 01/10/2022, a day late; CAME_BACK's
    # period of care began on 01/07/2024 (not continuously looked after since 2020). JUST_LONG_ENOUGH
    # (30/09/2022), ADOPTERS_LONG (by 01/09/2022) and the eight others since 2020 or 2021 are in: 10.
    # Stable: in the same placement (with the same carer) since on or before 31/03/2023 (two years before), or
    # placed for adoption at 31 March with the adoptive placement and the placement before it together lasting
    # that long (the placement before began on or before 31/03/2023).
    #   L_ONLY (legal status only), T_MOVE and U_MOVE (a new placement with the same carer): carer since 2020.
    #   P_MOVE and B_MOVE: a new carer on 01/06/2024, and not placed for adoption.
    #   ADOPTERS_AFTER_LONG: adopters since 01/10/2024; the placement before, with one foster carer, from
    #   01/01/2021 (the T move on 01/06/2024 is the same placement): stable.
    #   ADOPTERS_AFTER_SHORT: adopters since 01/10/2024; the placement before from 01/06/2024: not stable (the
    #   placement before that, from 2021, does not count).
    #   ADOPTERS_LONG: adopters since 01/09/2022 or before: stable.
    #   ADOPTERS_FOSTER: placed for adoption with the foster carers they have lived with since 01/01/2021.
    #   JUST_LONG_ENOUGH: the same carer since 30/09/2022.
    # 7 (L_ONLY, T_MOVE, U_MOVE, ADOPTERS_AFTER_LONG, ADOPTERS_LONG, ADOPTERS_FOSTER, JUST_LONG_ENOUGH) of 10.
    assert figure("long_term_stability") == (7, 10)


# Rule 2: moves with the same carer are not new placements (three or more placements) ------------------------

# MOVED_BEFORE moved twice in 2023-24 and not since; OPEN_ON_1_APRIL came into care in 2022-23. 2023-24's return
# holds what was open on 1 April 2023 and what started in the year; 2024-25's the episodes open on 1 April 2024
# and those starting in the year.
MOVED_BEFORE = [
    ep("MOVED_BEFORE", "01/01/2023", "S", "01/06/2023", "X1"),
    ep("MOVED_BEFORE", "01/06/2023", "P", "01/09/2023", "X1", placed=SECOND),
    ep("MOVED_BEFORE", "01/09/2023", "P", placed=THIRD),
]
PLACEMENT_MOVES = [
    Return(2024, born(["MOVED_BEFORE", "OPEN_ON_1_APRIL"]), [*MOVED_BEFORE, ep("OPEN_ON_1_APRIL", "01/01/2023", "S")]),
    Return(
        2025, born(["MOVED_BEFORE", "OPEN_ON_1_APRIL", "SAME_CARER", "NEW_CARERS", "LEGAL_ONLY", "LEFT"]),
        [
            MOVED_BEFORE[-1],
            ep("OPEN_ON_1_APRIL", "01/01/2023", "S", "01/06/2024", "X1"),
            ep("OPEN_ON_1_APRIL", "01/06/2024", "P", "01/09/2024", "X1", placed=SECOND),
            ep("OPEN_ON_1_APRIL", "01/09/2024", "P", placed=THIRD),
            ep("SAME_CARER", "01/05/2024", "S", "01/07/2024", "X1"),
            ep("SAME_CARER", "01/07/2024", "T", "01/09/2024", "X1", placed=SECOND),
            ep("SAME_CARER", "01/09/2024", "U", "01/11/2024", "X1", ls="C1", placed=THIRD),
            ep("SAME_CARER", "01/11/2024", "P", ls="C1", placed=FOURTH),
            ep("NEW_CARERS", "01/05/2024", "S", "01/07/2024", "X1"),
            ep("NEW_CARERS", "01/07/2024", "P", "01/09/2024", "X1", placed=SECOND),
            ep("NEW_CARERS", "01/09/2024", "B", ls="C1", placed=THIRD),
            ep("LEGAL_ONLY", "01/05/2024", "S", "01/06/2024", "X1"),
            ep("LEGAL_ONLY", "01/06/2024", "L", "01/09/2024", "X1", ls="C1"),
            ep("LEGAL_ONLY", "01/09/2024", "P", ls="C1", placed=SECOND),
            ep("LEFT", "01/05/2024", "S", "01/06/2024", "X1"),
            ep("LEFT", "01/06/2024", "P", "01/09/2024", "X1", placed=SECOND),
            ep("LEFT", "01/09/2024", "P", "01/10/2024", "E4A", placed=THIRD),
        ],
    ),
]


def test_three_or_more_placements_does_not_count_moves_with_the_same_carer(db):
    for ret in PLACEMENT_MOVES:
        load(ret)
    # Placements in 2024-25 (each new carer: the first, then each P or B; T and U keep the carer; L changes
    # nothing but the legal status):
    #   MOVED_BEFORE: the placement held on 1 April only (its moves were in 2023-24): 1.
    #   OPEN_ON_1_APRIL: the placement held on 1 April, P, P: 3.
    #   SAME_CARER: S, T and U (the same carer), P: 2 (4 if every episode were a placement).
    #   NEW_CARERS: S, P, B: 3.   LEGAL_ONLY: S, L (the same placement), P: 2.
    #   LEFT: 3, but not looked after at 31 March, so in neither count.
    # 2 (OPEN_ON_1_APRIL, NEW_CARERS) of the 5 looked after at 31 March.
    assert figure("three_or_more_placements") == (2, 5)
    # Each child once, however many episodes: 5 at 31 March; started in the year: SAME_CARER, NEW_CARERS,
    # LEGAL_ONLY, LEFT (4); ceased: LEFT (X1 ends an episode, not a period of care): 1.
    assert figure("looked_after_at_31_march")[0] == 5
    assert figure("started_during_year")[0] == 4 and figure("ceased_during_year")[0] == 1


# Rule 3: a child who leaves care and comes back in the year -----------------------------------------------

LEFT_AND_CAME_BACK = Return(
    2025, born(["CAME_BACK", "CAME_BACK_ONCE"]),
    [
        ep("CAME_BACK", "01/05/2024", "S", "01/06/2024", "E4A"),
        ep("CAME_BACK", "01/09/2024", "S", "01/12/2024", "X1"),  # back with the same foster carer
        ep("CAME_BACK", "01/12/2024", "P", placed=SECOND),
        ep("CAME_BACK_ONCE", "01/05/2024", "S", "01/06/2024", "E4A"),
        ep("CAME_BACK_ONCE", "01/09/2024", "S"),
    ],
)


def test_the_placement_opening_a_second_period_of_care_counts_among_the_years_placements(db):
    load(LEFT_AND_CAME_BACK)
    # CAME_BACK: the first period's placement, the one opening the second period (a placement, even with the
    # carer of the first), then P: 3. CAME_BACK_ONCE: 2. 1 of the 2 looked after at 31 March.
    assert figure("three_or_more_placements") == (1, 2)
    # Each child started (S) and ceased (E4A) in the year, each counted once: 2 and 2.
    assert figure("started_during_year")[0] == 2 and figure("ceased_during_year")[0] == 2


# Edges of the year: 31 March and 1 April --------------------------------------------------------------------

YEAR_EDGES = [
    Return(2024, born(["ENDS_31_MARCH_2024", "ENDS_1_APRIL"]), [
        ep("ENDS_31_MARCH_2024", "01/05/2023", "S", "31/03/2024", "E4A"),
        ep("ENDS_1_APRIL", "01/05/2023", "S"),
    ]),
    Return(2025, born(["ENDS_1_APRIL", "STARTS_1_APRIL", "ENDS_31_MARCH", "STARTS_31_MARCH"]), [
        ep("ENDS_1_APRIL", "01/05/2023", "S", "01/04/2024", "E4A"),
        ep("STARTS_1_APRIL", "01/04/2024", "S"),
        ep("ENDS_31_MARCH", "01/05/2024", "S", "31/03/2025", "E4A"),
        ep("STARTS_31_MARCH", "31/03/2025", "S"),
    ]),
]


def test_episodes_ending_or_starting_on_31_march_and_1_april(db):
    for ret in YEAR_EDGES:
        load(ret)
    # Looked after at 31 March: an episode started on or before it and not ceased on or before it.
    # 2023-24: ENDS_1_APRIL (ENDS_31_MARCH_2024 ceased on 31 March): 1. Started: both (May 2023): 2. Ceased:
    # ENDS_31_MARCH_2024 (31/03/2024 is in 2023-24): 1.
    assert [figure(name, 2024)[0] for name in ("looked_after_at_31_march", "started_during_year", "ceased_during_year")] == [1, 1 + 1, 1]
    # 2024-25: STARTS_1_APRIL and STARTS_31_MARCH (ENDS_31_MARCH ceased on 31 March): 2. Started: STARTS_1_APRIL
    # (the year's first day), ENDS_31_MARCH, STARTS_31_MARCH (the last day): 3. Ceased: ENDS_1_APRIL (1 April
    # 2024 is in 2024-25) and ENDS_31_MARCH: 2.
    assert [figure(name)[0] for name in ("looked_after_at_31_march", "started_during_year", "ceased_during_year")] == [2, 3, 2]


# Rule 4: the 12-month (OC2) group from the episodes ------------------------------------------------------

# A short break's episode (V3 single, V4 a series) lasts at most 17 days (rule 365), is not in long-term foster
# care (rule 384) and has no postcodes or URN (rules 214, 398, 420).
SHORT_BREAK = {"ls": "V3", "place": "U6", "home": "", "placed": "", "urn": ""}


def oc2(child, *, assessed="", teeth="", immunised="", sdq="", reason="", born_on=BORN, convicted="", check=""):
    """An OC2 row. A child not in the 12-month group may be listed with every item blank (rules 185, 190, 198)."""
    misuse = "0" if assessed else ""
    return [child, born_on, sdq, reason, convicted, check, immunised, teeth, assessed, misuse, "", ""]


def in_group(child, assessed, teeth, immunised, sdq):
    return oc2(child, assessed=assessed, teeth=teeth, immunised=immunised, sdq=sdq, convicted="0")


TWELVE_MONTHS = Return(
    2025, born(["ALL_YEAR", "FROM_1_APRIL", "LEFT_31_MARCH", "MOVED", "FROM_2_APRIL", "LEFT_30_MARCH", "SHORT_BREAK"]),
    [
        ep("ALL_YEAR", "01/01/2023", "S"),
        ep("FROM_1_APRIL", "01/04/2024", "S"),
        ep("LEFT_31_MARCH", "01/01/2023", "S", "31/03/2025", "E4A"),
        ep("MOVED", "01/01/2023", "S", "01/09/2024", "X1"), ep("MOVED", "01/09/2024", "P", placed=SECOND),
        ep("FROM_2_APRIL", "02/04/2024", "S"),
        ep("LEFT_30_MARCH", "01/01/2023", "S", "30/03/2025", "E4A"),
        # A short break (V3) from 25/03/2024, then looked after under a care order by the same carer from
        # 05/04/2024 (U: legal status and placement, the same carer).
        ep("SHORT_BREAK", "25/03/2024", "S", "05/04/2024", "X1", **SHORT_BREAK), ep("SHORT_BREAK", "05/04/2024", "U"),
    ],
    oc2=[
        in_group("ALL_YEAR", "1", "1", "1", "12"),
        in_group("FROM_1_APRIL", "0", "1", "0", "8"),
        in_group("LEFT_31_MARCH", "1", "0", "1", "14"),
        in_group("MOVED", "1", "1", "0", "10"),
        oc2("FROM_2_APRIL"), oc2("LEFT_30_MARCH"), oc2("SHORT_BREAK"),  # listed, every item blank
    ],
    empty_tables=OUTCOME_TABLES,
)


def test_the_twelve_month_group_is_worked_out_from_the_episodes_not_from_oc2(codes):
    load(TWELVE_MONTHS)
    # Looked after continuously through 2024-25: no period starting after 01/04/2024, none ending before
    # 31/03/2025 (X1 ends an episode, not a period), no short-break (V3, V4) episode in the year.
    #   In: ALL_YEAR; FROM_1_APRIL (started on 1 April itself); LEFT_31_MARCH (left on 31 March itself); MOVED.
    #   Out, though OC2 lists them: FROM_2_APRIL; LEFT_30_MARCH; SHORT_BREAK (a V3 episode until 01/05/2024).
    # Health assessments: ALL_YEAR, LEFT_31_MARCH, MOVED: 3 of 4. Teeth: ALL_YEAR, FROM_1_APRIL, MOVED: 3 of 4.
    # Immunisations: ALL_YEAR, LEFT_31_MARCH: 2 of 4.
    assert figure("health_assessment") == (3, 4)
    assert figure("dental_check") == (3, 4)
    assert figure("immunisations") == (2, 4)


# Rule 5: mean SDQ score for ages 5 to 16 in the 12-month group ---------------------------------------------

# Ages at 31 March 2025: AGED_4 (4 on 1 April 2024, so the return asks for a score), AGED_5, AGED_16, AGED_17
# (16 on 1 April 2024, so it may have one); NO_SCORE (10) has a reason for no score instead.
SDQ_AGES = {"AGED_4": "01/04/2020", "AGED_5": "01/06/2019", "AGED_16": "01/06/2008", "AGED_17": "01/06/2007",
            "NO_SCORE": BORN}
SDQ = Return(
    2025, SDQ_AGES, [ep(child, "01/01/2023", "S") for child in SDQ_AGES],
    oc2=[
        oc2("AGED_4", assessed="1", teeth="1", immunised="1", sdq="30", check="1", born_on=SDQ_AGES["AGED_4"]),
        oc2("AGED_5", assessed="1", teeth="1", immunised="1", sdq="10", born_on=SDQ_AGES["AGED_5"]),
        oc2("AGED_16", assessed="1", teeth="1", immunised="1", sdq="20", convicted="0", born_on=SDQ_AGES["AGED_16"]),
        oc2("AGED_17", assessed="1", teeth="1", immunised="1", sdq="40", convicted="0", born_on=SDQ_AGES["AGED_17"]),
        oc2("NO_SCORE", assessed="1", teeth="1", immunised="1", reason="SDQ2", convicted="0"),
    ],
    empty_tables=OUTCOME_TABLES,
)


def test_mean_sdq_score_is_of_the_twelve_month_group_aged_5_to_16(db):
    load(SDQ)
    # Every child is in the 12-month group (in care since 01/01/2023). Aged 5 to 16 at 31 March with a score:
    # AGED_5 (10) and AGED_16 (20); AGED_4 (30) is too young, AGED_17 (40) too old, NO_SCORE has none.
    # (10 + 20) / 2 = 15, of 2 children.
    value = queries.for_year(2025)["mean_sdq_score"]
    assert (value.value, value.denominator) == (pytest.approx(15), 2)
    assert value.shown(suppress=True).suppressed  # a mean of two children's scores is withheld
    assert value.shown(suppress=False).text == "15.0"
    # A score of 17 or more is a cause for concern: AGED_16 (20) of the 2 aged 5 to 16 with a score.
    assert figure("sdq_cause_for_concern") == (1, 2)


# Rule 6: care leavers aged 19 to 21, without those who died or returned home ------------------------------

# Each child's birthday in 2024-25: CL_19 19 on 01/10/2024; CL_19_LAST_DAY 19 on 31/03/2025; CL_21_FIRST_DAY 21 on
# 01/04/2024; DIED 20 and RHOM 21 in the year; CL_18 18 on 01/04/2024 (19 only on 01/04/2025).
LEAVERS_BORN = {"CL_19": "01/10/2005", "CL_19_LAST_DAY": "31/03/2006", "CL_21_FIRST_DAY": "01/04/2003",
                "DIED": "01/06/2004", "RHOM": "01/06/2003", "CL_18": "01/04/2006"}
LEAVERS = Return(
    2025, LEAVERS_BORN,
    oc3=[
        ["CL_19", LEAVERS_BORN["CL_19"], "YES", "F4", "B1"],  # in touch, full-time employment, suitable
        ["CL_19_LAST_DAY", LEAVERS_BORN["CL_19_LAST_DAY"], "NO", "G5", "B2"],  # not in touch, NEET, not suitable
        ["CL_21_FIRST_DAY", LEAVERS_BORN["CL_21_FIRST_DAY"], "YES", "G4", "D1"],  # in touch, NEET, suitable
        ["DIED", LEAVERS_BORN["DIED"], "DIED", "0", "0"],
        ["RHOM", LEAVERS_BORN["RHOM"], "RHOM", "0", "0"],
        ["CL_18", LEAVERS_BORN["CL_18"], "YES", "F2", "E1"],
    ],
    empty_tables=OUTCOME_TABLES,
)


def test_care_leavers_19_to_21_leave_out_those_who_died_or_returned_home(codes):
    load(LEAVERS)
    # 19, 20 or 21 in the year: CL_19, CL_19_LAST_DAY, CL_21_FIRST_DAY, DIED, RHOM; DIED and RHOM are left out: 3.
    # In touch: CL_19, CL_21_FIRST_DAY: 2 of 3. In education, employment or training: CL_19 (F4): 1 of 3.
    # Suitable accommodation: CL_19 (B1), CL_21_FIRST_DAY (D1): 2 of 3.
    assert figure("care_leavers_in_touch") == (2, 3)
    assert figure("care_leavers_in_eet") == (1, 3)
    assert figure("care_leavers_suitable_accommodation") == (2, 3)
    # 17 or 18 in the year: CL_18, in touch: 1 of 1.
    assert figure("care_leavers_17_18_in_touch") == (1, 1)


# Rule 7: missing, not away; short breaks left out --------------------------------------------------------


def missing(child, kind, start, end):
    return [child, BORN, kind, start, end]


MISSING = Return(
    2025, born(["SHORT_BREAKS", "TWICE", "AWAY", "NEVER"]),
    [
        # Looked after only under a series of short breaks: two in the year.
        ep("SHORT_BREAKS", "01/05/2024", "S", "10/05/2024", "E4A", **dict(SHORT_BREAK, ls="V4")),
        ep("SHORT_BREAKS", "01/09/2024", "S", "05/09/2024", "E4A", **dict(SHORT_BREAK, ls="V4")),
        ep("SHORT_BREAKS", "28/03/2025", "S", **dict(SHORT_BREAK, ls="V4")),  # still on a short break on 31 March
        ep("TWICE", "01/05/2024", "S"), ep("AWAY", "01/05/2024", "S"), ep("NEVER", "01/05/2024", "S"),
    ],
    missing=[
        missing("SHORT_BREAKS", "M", "05/05/2024", "06/05/2024"),
        missing("TWICE", "M", "01/06/2024", "02/06/2024"), missing("TWICE", "M", "01/07/2024", "03/07/2024"),
        missing("TWICE", "A", "01/08/2024", "01/08/2024"),
        missing("AWAY", "A", "01/06/2024", "02/06/2024"),
    ],
    empty_tables=OUTCOME_TABLES,
)


def test_missing_is_not_away_and_leaves_out_children_on_short_breaks_only(db):
    load(MISSING)
    # Looked after in the year, short breaks left out: TWICE, AWAY, NEVER (3); SHORT_BREAKS is in none of the figures. Missing (M): TWICE only, 2
    # incidents (SHORT_BREAKS's is not counted). Away (A): TWICE and AWAY, 1 incident each.
    assert figure("went_missing") == (1, 3)
    assert figure("missing_incidents")[0] == 2
    assert queries.for_year(2025)["missing_incidents_per_child"].value == pytest.approx(2 / 1)
    assert figure("away_from_placement") == (2, 3)
    assert queries.for_year(2025)["away_incidents_per_child"].value == pytest.approx(2 / 2)
    # At 31 March: TWICE, AWAY, NEVER; not SHORT_BREAKS, though on a short break that day: 3.
    assert figure("looked_after_at_31_march")[0] == 3
    # Started in the year: TWICE, AWAY, NEVER (01/05/2024); SHORT_BREAKS's three starts are not counted: 3.
    assert figure("started_during_year")[0] == 3


# Rule 9: the DfE's placement groups ------------------------------------------------------------------------

PROVIDERS = {"P1": "PR0", "Z1": ""}  # parents provide P1 (rule 527); Z1 has no provider (rule 178)
PLACES = ("U1", "U2", "U3", "U4", "U5", "U6", "K2", "P1", "A5", "Z1")
PLACEMENT_TYPES = Return(
    2025, born(PLACES),
    [ep(place, "01/05/2024", "S", place=place, ls="E1" if place == "A5" else "C2", provider=PROVIDERS.get(place, "PR1"))
     for place in PLACES],
)


def test_foster_care_includes_relatives_and_friends_as_the_dfe_counts_it(codes):
    load(PLACEMENT_TYPES)
    # One child in each placement at 31 March: 10. Foster care: U1-U3 (with relatives or friends) and U4-U6: 6,
    # of which with relatives or friends 3. Children's home (K2): residential 1. With parents (P1) 1. Placed for
    # adoption (A5) 1. Other (Z1) 1. 6 + 1 + 1 + 1 + 1 = 10.
    assert figure("placement_foster") == (6, 10)
    assert queries.for_year(2025)["placement_foster"].value == pytest.approx(60)  # 100 x 6 / 10
    assert figure("placement_kinship") == (3, 10)
    assert figure("placement_residential") == (1, 10)
    assert figure("placement_with_parents") == (1, 10)
    assert figure("placement_adoption") == (1, 10)
    assert figure("placement_other") == (1, 10)
