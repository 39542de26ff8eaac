"""
Reviews on time by the statutory timetable (first within 20 working days of entering care, the second within
three months of the first, then every six months), from two hand-written returns in the DfE's shape loaded
through the real import. Bank holidays (England): 26 August 2024; 1 January 2024. Worked out by hand below.
"""
import pytest

from measures import history, queries

from .returns import Return, ep, load

pytestmark = pytest.mark.django_db

# R1: in care from Monday 01/07/2024. 20 working days later: Monday 29/07/2024; held that day (on time). The
#     second is due three months later, 29/10/2024; held 05/11/2024 (late). The third is due 05/05/2025, after
#     the year. 2024-25: 2 due, 1 on time.
# R2: in care from Monday 12/08/2024. 20 working days, leaving out the bank holiday of 26 August: Tuesday
#     10/09/2024; held that day (on time; without the bank holiday it would have been a day late). The second
#     is due 10/12/2024, held that day. 2024-25: 2 due, 2 on time: the only child whose reviews were all on time.
# R3: in care from Monday 01/01/2024 (2023-24's return). First review due Monday 29/01/2024, held 25/01/2024
#     (2023-24: 1 due, 1 on time). The second is due 25/04/2024, held 20/04/2024 (on time); the third, due
#     20/10/2024, was never held (late). 2024-25: 2 due, 1 on time.
# R4: in care from 10/03/2025: the first review is due after 31 March. Nothing due.
# R5: in care 01/06/2024 to 10/06/2024, before the first review was due. Nothing due.
# R6: in care from 01/01/2024 with no review: due 29/01/2024 (2023-24: 1 due, late), still overdue on
#     1 April 2024, so due (and late) in 2024-25 too: 1 due, 0 on time.
# R7: only 2024-25's return holds R7, whose first episode there (from 01/02/2024) is a change of placement (P):
#     the period began earlier, so its timetable runs from the first review seen, 01/05/2024 (not counted):
#     the next is due six months later, 01/11/2024, held 20/10/2024 (on time). 1 due, 1 on time.
# 2024-25: reviews 1 + 2 + 1 + 0 + 1 = 5 on time of 2 + 2 + 2 + 1 + 1 = 8 due; children at 31 March with a
# review due: R1, R2, R3, R6, R7, of whom R2 and R7 had every review on time (2 of 5).
# 2023-24: reviews 1 on time of 2 due (R3, R6); children 1 of 2.
CHILDREN = {name: "01/06/2015" for name in ("R1", "R2", "R3", "R4", "R5", "R6", "R7")}


def review(child, held, code="PN1"):
    return [child, CHILDREN[child], held, code]


RETURNS = [
    Return(
        2024, {name: CHILDREN[name] for name in ("R3", "R6")},
        [ep("R3", "01/01/2024", "S"), ep("R6", "01/01/2024", "S")],
        reviews=[review("R3", "25/01/2024")],
    ),
    Return(
        2025, CHILDREN,
        [
            ep("R1", "01/07/2024", "S"), ep("R2", "12/08/2024", "S"), ep("R3", "01/01/2024", "S"),
            ep("R4", "10/03/2025", "S"), ep("R5", "01/06/2024", "S", "10/06/2024", "E4A"), ep("R6", "01/01/2024", "S"),
            ep("R7", "01/02/2024", "P"),
        ],
        reviews=[
            review("R1", "29/07/2024"), review("R1", "05/11/2024", "PN7"), review("R2", "10/09/2024"),
            review("R2", "10/12/2024"), review("R3", "20/04/2024"), review("R7", "01/05/2024"),
            review("R7", "20/10/2024"),
        ],
    ),
]


@pytest.fixture
def returns(db):
    for ret in RETURNS:
        load(ret)


def figure(year, identifier):
    value = queries.for_year(year)[identifier]
    return value.numerator, value.denominator


def test_reviews_held_on_time_by_the_statutory_timetable(returns):
    assert figure(2025, "reviews_on_time") == (5, 8)
    assert figure(2025, "reviews_all_on_time") == (2, 5)
    assert figure(2024, "reviews_on_time") == (1, 2)
    assert figure(2024, "reviews_all_on_time") == (1, 2)


def test_the_timetable_follows_the_councils_bank_holidays(returns, settings):
    # The rebuild remembers each first review's due day; a council in Scotland has other bank holidays. There
    # 26 August 2024 is none (the summer holiday is 5 August), so R2's first review, 20 working days after
    # 12/08/2024, was due on Monday 09/09/2024 and held a day late; R2's second, due three months after the
    # first held, is on time as before. 2 January 2024 is a Scottish bank holiday too, which moves R3's and R6's
    # first due day to 30/01/2024 and changes neither. 2024-25: 4 on time of 8 due; only R7 all on time.
    settings.BANK_HOLIDAY_SUBDIVISION = "SCT"
    history.rebuild()
    assert figure(2025, "reviews_on_time") == (4, 8)
    assert figure(2025, "reviews_all_on_time") == (1, 5)
    assert figure(2024, "reviews_on_time") == (1, 2)
