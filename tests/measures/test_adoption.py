"""
The DfE's adoption timeliness (adoption scorecard A1, A10 and A2), from two hand-written returns in the DfE's
shape (2023-24 and 2024-25) loaded through the real import. Every figure is worked out by hand below.
"""
import pytest
from django.urls import reverse

from accounts.models import Role
from measures import queries

from .returns import Return, ad1, ep, load

pytestmark = pytest.mark.django_db

# Placements for adoption (PLACE): A3 / A4 with the parents' consent, A5 / A6 under a placement order; A3 and A5
# with the child's current foster carers, A4 and A6 with new carers.
# A: in care from 10/05/2023 (2023-24's return), placement order (E1) on 01/02/2024, placed with new adopters
#    (A6) on 15/07/2024, adopted (E11) on 20/01/2025; matched on 01/07/2024.
#    A1 = 10/05/2023 -> 15/07/2024 = 366 (to 10/05/2024, February 2024 has 29 days) + 21 + 30 + 15 = 432
#    A10 = 432 (not adopted by foster carers)
#    A2 = 01/02/2024 -> 01/07/2024 = 29 + 31 + 30 + 31 + 30 = 151
# B: in care from 01/03/2024 with foster carers, placement order 01/06/2024, placed for adoption with the same
#    carers (A5, RNE T) on 01/09/2024, adopted by them (FOSTER_CARE 1) on 01/03/2025; matched on 15/08/2024.
#    A1 = 01/03/2024 -> 01/09/2024 = 31 + 30 + 31 + 30 + 31 + 31 = 184
#    A10 = 0 (living with the carers who adopted B since entering care)
#    A2 = 01/06/2024 -> 15/08/2024 = 30 + 31 + 14 = 75
# (A child adopted without being placed for adoption first is left out of all three, but cannot be in a
# return that passes the DfE's rules: rule 390 refuses it.)
# D: placed for adoption with consent (V2, A4) on 10/06/2024 after entering care on 10/04/2024, adopted (E11):
#    A1 = A10 = 20 + 31 + 10 = 61; no placement order, so left out of A2.
# E: in care from 01/05/2024, matched on 20/07/2024 before the placement order of 01/08/2024, placed (A6) on
#    01/09/2024, adopted: A1 = A10 = 31 + 30 + 31 + 31 = 123; A2 = 0 (matched before the order).
# F: placed for adoption (A6) and not yet adopted: not in any figure.
# G: adopted like A, but only 2024-25's return holds G (its first episode there, open on 1 April, is a change
#    of legal status, L): the day G entered care is not known, so G is left out of all three.
CHILDREN = {"A": "01/01/2022", "B": "01/06/2021", "D": "01/02/2023", "E": "01/03/2023", "F": "01/01/2020",
            "G": "01/01/2022"}
RETURN_2024 = [
    ep("A", "10/05/2023", "S", "01/02/2024", "X1", ls="C1"),
    ep("A", "01/02/2024", "L", ls="E1"),
    ep("B", "01/03/2024", "S", ls="C2"),
]
RETURN_2025 = [
    ep("A", "01/02/2024", "L", "15/07/2024", "X1", ls="E1"),
    ep("A", "15/07/2024", "P", "20/01/2025", "E11", ls="E1", place="A6"),
    ep("B", "01/03/2024", "S", "01/06/2024", "X1", ls="C2"),
    ep("B", "01/06/2024", "L", "01/09/2024", "X1", ls="E1"),
    ep("B", "01/09/2024", "T", "01/03/2025", "E11", ls="E1", place="A5"),
    ep("D", "10/04/2024", "S", "10/06/2024", "X1", ls="V2"),
    ep("D", "10/06/2024", "P", "10/02/2025", "E11", ls="V2", place="A4"),
    ep("E", "01/05/2024", "S", "01/08/2024", "X1", ls="C1"),
    ep("E", "01/08/2024", "L", "01/09/2024", "X1", ls="E1"),
    ep("E", "01/09/2024", "P", "01/03/2025", "E11", ls="E1", place="A6"),
    ep("F", "01/01/2024", "P", ls="E1", place="A6"),
    ep("G", "01/02/2024", "L", "15/07/2024", "X1", ls="E1"),
    ep("G", "15/07/2024", "P", "20/01/2025", "E11", ls="E1", place="A6"),
]
# The agency's decision that the child should be placed for adoption (DATE_INT) comes before the match.
ADOPTIONS_2025 = [
    ad1("A", CHILDREN["A"], "01/07/2024", decided="01/03/2024"),
    ad1("B", CHILDREN["B"], "15/08/2024", "1", decided="01/05/2024"),
    ad1("D", CHILDREN["D"], "01/06/2024", decided="20/05/2024"),
    ad1("E", CHILDREN["E"], "20/07/2024", decided="01/07/2024"),
    ad1("G", CHILDREN["G"], "01/07/2024", decided="01/03/2024"),
]
# Z, in 2022-23's return: in care from 01/05/2022, placement order (E1) on 01/08/2022, matched on 15/10/2022, placed
#    with new adopters (A6) on 01/11/2022, adopted on 01/03/2023.
#    A1 = A10 = 01/05/2022 -> 01/11/2022 = 31 + 30 + 31 + 31 + 30 + 31 = 184; A2 = 01/08/2022 -> 15/10/2022 = 31 + 30 + 14 = 75
RETURN_2023 = Return(
    2023, {"Z": "01/01/2021"},
    [
        ep("Z", "01/05/2022", "S", "01/08/2022", "X1", ls="C1"),
        ep("Z", "01/08/2022", "L", "01/11/2022", "X1", ls="E1"),
        ep("Z", "01/11/2022", "P", "01/03/2023", "E11", ls="E1", place="A6", placed="WR2 6AA"),
    ],
    adoptions=[ad1("Z", "01/01/2021", "15/10/2022", decided="01/09/2022")],
)
RETURNS = [
    RETURN_2023,
    Return(2024, {child: CHILDREN[child] for child in "AB"}, RETURN_2024),
    Return(2025, CHILDREN, RETURN_2025, adoptions=ADOPTIONS_2025),
]


@pytest.fixture
def returns(db):
    for ret in RETURNS:
        load(ret)


def test_the_adoption_scorecard_times_from_the_returns(returns):
    year = queries.for_year(2025)
    a1 = year["adoption_days_to_adoptive_family"]
    assert (a1.numerator, a1.denominator) == (432 + 184 + 61 + 123, 4)
    assert a1.value == pytest.approx(200)
    a10 = year["adoption_days_to_adoptive_family_adjusted"]
    assert (a10.numerator, a10.denominator) == (432 + 0 + 61 + 123, 4)
    assert a10.value == pytest.approx(154)
    a2 = year["adoption_days_order_to_match"]
    assert (a2.numerator, a2.denominator) == (151 + 75 + 0, 3)
    assert a2.value == pytest.approx(226 / 3)
    before = queries.for_year(2024)["adoption_days_to_adoptive_family"]
    assert (before.denominator, before.value) == (0, None)  # nobody adopted in 2023-24


def test_the_scorecards_three_year_figures_add_up_the_children_of_three_years(returns, client_for):
    # 2022-23 to 2024-25: Z (2022-23), nobody (2023-24), A, B, D and E (2024-25), every child's days over them all.
    # A1: (184 + 432 + 184 + 61 + 123) / 5 = 984 / 5 = 196.8; A10: (184 + 432 + 0 + 61 + 123) / 5 = 800 / 5 = 160;
    # A2: (75 + 151 + 75 + 0) / 4 = 301 / 4 = 75.25 (D has no placement order).
    year = queries.for_year(2025)
    a1 = year["adoption_days_to_adoptive_family_three_years"]
    assert (a1.numerator, a1.denominator, a1.value) == (984, 5, pytest.approx(196.8))
    a10 = year["adoption_days_to_adoptive_family_adjusted_three_years"]
    assert (a10.numerator, a10.denominator, a10.value) == (800, 5, pytest.approx(160))
    a2 = year["adoption_days_order_to_match_three_years"]
    assert (a2.numerator, a2.denominator, a2.value) == (301, 4, pytest.approx(75.25))
    # 2023-24's three years begin with 2021-22, whose return is not imported: no figure.
    assert queries.for_year(2024)["adoption_days_to_adoptive_family_three_years"].value is None
    # The one-year figure's page shows the three-year figure beside it (an officer sees small numbers).
    page = client_for(Role.OFFICER).get(reverse("measures:measure_detail", args=["adoption_days_to_adoptive_family"]))
    html = page.content.decode()
    assert "three years to 31 March" in html and ">197\n" in html and "out of 5 children adopted in the three years" in html


def test_a_councillor_sees_the_small_adoption_figures_withheld_and_an_officer_sees_them(returns, client_for, client):
    url = reverse("measures:measure_detail", args=["adoption_days_order_to_match"])
    councillor = client_for(Role.COUNCILLOR).get(url).content.decode()
    assert "Adoption scorecards" in councillor  # the definition's source
    assert "[c]" in councillor and ">75<" not in councillor  # 3 children: withheld
    client.logout()
    officer = client_for(Role.OFFICER).get(url).content.decode()
    assert ">75<" in officer and "out of 3 children adopted in the year with a placement order" in officer
