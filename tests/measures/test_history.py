"""
A child's history joined from returns in the DfE's shape (each year holds the episode open on 1 April and
those starting in the year), through the real import. Expected figures are worked out by hand in each test.
"""
import gc

import pytest

from children import services
from measures import history, queries
from measures.models import CareEpisode, ChildYear, ReturnDifference

from tests.dashboards.factories import d

from .returns import Return, ep, load

pytestmark = pytest.mark.django_db


# Child A, born 1 June 2012, looked after since 1 May 2020:
#   E1 S 01/05/2020 - 01/08/2021 (X1)   E2 P 01/08/2021 - 01/02/2023 (X1, a new carer)
#   E3 T 01/02/2023 - 01/06/2024 (X1, a new placement with the same carer)   E4 L 01/06/2024 - open
# Child B, born 1 June 2012, looked after since 1 September 2021, with a new carer (P) on 1 May 2023.
# Child C, born 1 June 2014, first looked after on 1 September 2024.
# Each new placement (P, T) is at another address: the DfE's rule 435 wants a new placement to differ from the one
# before in its type, postcode, URN or provider.
CHILDREN = {"A": "01/06/2012", "B": "01/06/2012", "C": "01/06/2014"}
E1 = ep("A", "01/05/2020", "S", "01/08/2021", "X1")
E2 = ep("A", "01/08/2021", "P", "01/02/2023", "X1", placed="WR2 6AA")
E3 = ep("A", "01/02/2023", "T", "01/06/2024", "X1", placed="WR4 9AA")
E4 = ep("A", "01/06/2024", "L", ls="C1", placed="WR4 9AA")
B1 = ep("B", "01/09/2021", "S", "01/05/2023", "X1")
B2 = ep("B", "01/05/2023", "P", placed="WR2 5AA")
C1 = ep("C", "01/09/2024", "S")


def open_at_end(row):
    """A row as last year's return holds it: the episode was still open on 31 March."""
    return [*row[:7], "", "", *row[9:]]


def children_in(rows):
    return {row[0]: CHILDREN[row[0]] for row in rows}


def episodes_return(year, rows):
    return Return(year, children_in(rows), rows)


# Each year's Episodes, as the DfE receives them.
RETURNS = [
    episodes_return(2021, [open_at_end(E1)]),
    episodes_return(2022, [E1, open_at_end(E2), open_at_end(B1)]),
    episodes_return(2023, [E2, open_at_end(E3), open_at_end(B1)]),
    episodes_return(2024, [open_at_end(E3), B1, open_at_end(B2)]),
    episodes_return(2025, [E3, E4, open_at_end(B2), C1]),
]
# 2024-25 again, without child C, and with A's legal status change on 1 July instead of 1 June.
REIMPORTED_2025 = episodes_return(2025, [
    ep("A", "01/02/2023", "T", "01/07/2024", "X1", placed="WR4 9AA"), ep("A", "01/07/2024", "L", ls="C1", placed="WR4 9AA"),
    open_at_end(B2),
])
# 2024-25 whose first episode for A says it began on 1 March 2023, not 1 February (rule 502).
STARTED_LATER_2025 = episodes_return(2025, [ep("A", "01/03/2023", "T", "01/06/2024", "X1", placed="WR4 9AA"), E4, open_at_end(B2), C1])
# 2024-25 whose first episode for A has legal status C1 where 2023-24's open episode said C2 (rule 503B), and
# so a change of legal status on 1 June to C2 (not C1).
OTHER_LEGAL_STATUS_2025 = episodes_return(2025, [
    ep("A", "01/02/2023", "T", "01/06/2024", "X1", ls="C1", placed="WR4 9AA"), ep("A", "01/06/2024", "L", placed="WR4 9AA"),
    open_at_end(B2), C1,
])
# 2024-25 without B, who was looked after at the end of 2023-24.
WITHOUT_B_2025 = episodes_return(2025, [E3, E4, C1])
# A council's own extracts: each year repeats every episode so far.
WHOLE_HISTORY = [episodes_return(2024, [E1, E2, open_at_end(E3)]), episodes_return(2025, [E1, E2, E3, E4])]


@pytest.fixture
def five_returns(db):
    services.load_reference_data()
    for ret in RETURNS:
        load(ret)


def test_a_five_year_history_split_across_five_returns_is_joined(five_returns):
    history = list(CareEpisode.objects.filter(child__child_id="A").order_by("start_date"))
    assert [(e.start_date, e.end_date, e.reason_ceased) for e in history] == [
        (d("01/05/2020"), d("01/08/2021"), "X1"),
        (d("01/08/2021"), d("01/02/2023"), "X1"),
        (d("01/02/2023"), d("01/06/2024"), "X1"),
        (d("01/06/2024"), None, ""),
    ]
    # One period of care since May 2020; the carer changed on 1 August 2021 (P) and not since (T, L).
    assert {e.period_start for e in history} == {d("01/05/2020")}
    assert [e.carer_start for e in history] == [d("01/05/2020"), d("01/08/2021"), d("01/08/2021"), d("01/08/2021")]
    assert not ReturnDifference.objects.exists()  # every year begins with last year's open episode


def test_long_term_stability_sees_the_years_before_the_return(five_returns):
    # 2024-25: under 16 and looked after since on or before 30 September 2022: A (since May 2020) and B
    # (since September 2021); C started in 2024. A has had the same carer since 1 August 2021, on or before
    # 31 March 2023; B's carer changed on 1 May 2023. 1 of 2. 2025's return alone holds neither child's start.
    value = queries.for_year(2025)["long_term_stability"]
    assert (value.numerator, value.denominator) == (1, 2)
    # 2023-24: the group needs a start on or before 30 September 2021: A and B (1 September 2021). A's carer
    # since 1 August 2021 is on or before 31 March 2022; B's since 1 May 2023 is not: 1 of 2.
    value = queries.for_year(2024)["long_term_stability"]
    assert (value.numerator, value.denominator) == (1, 2)
    # 2022-23: only A began on or before 30 September 2020, and A's carer since 1 August 2021 is after
    # 31 March 2021: 0 of 1.
    value = queries.for_year(2023)["long_term_stability"]
    assert (value.numerator, value.denominator) == (0, 1)


def test_each_year_counts_the_children_in_its_return(five_returns):
    counts = {year: values["looked_after_at_31_march"].numerator for year, values in queries.compute().items()}
    assert counts == {2021: 1, 2022: 2, 2023: 2, 2024: 2, 2025: 3}
    started = {year: values["started_during_year"].numerator for year, values in queries.compute().items()}
    assert started == {2021: 1, 2022: 1, 2023: 0, 2024: 0, 2025: 1}


def rows_of(year):
    """A year's child-years as the measures read them (rebuilt rows get new ids)."""
    return [{k: v for k, v in row.items() if k != "id"} for row in ChildYear.objects.filter(year=year).order_by("child").values()]


def test_reimporting_a_year_replaces_that_years_part_only(five_returns):
    before_2024 = rows_of(2024)
    load(REIMPORTED_2025)
    history = list(CareEpisode.objects.filter(child__child_id="A").order_by("start_date"))
    assert [(e.start_date, e.end_date) for e in history][-2:] == [
        (d("01/02/2023"), d("01/07/2024")), (d("01/07/2024"), None),
    ]
    assert rows_of(2024) == before_2024
    assert queries.for_year(2025)["looked_after_at_31_march"].numerator == 2
    assert not ChildYear.objects.filter(year=2025, child__child_id="C").exists()


def test_a_start_date_that_differs_between_years_is_reported_with_both_rows(five_returns):
    load(STARTED_LATER_2025)
    difference = ReturnDifference.objects.get(child__child_id="A")
    assert (difference.year, difference.rule) == (2025, "502")
    assert difference.previous["DECOM"] == "01/02/2023" and difference.previous["year"] == "2023-24"
    assert difference.current["DECOM"] == "01/03/2023" and difference.current["year"] == "2024-25"
    # The later return speaks from its first episode: 2024's episode is closed where 2025's begins.
    history = [(e.start_date, e.end_date, e.closed_where_a_later_return_takes_over)
               for e in CareEpisode.objects.filter(child__child_id="A").order_by("start_date")]
    assert history[2:] == [
        (d("01/02/2023"), d("01/03/2023"), True), (d("01/03/2023"), d("01/06/2024"), False), (d("01/06/2024"), None, False),
    ]


def test_a_field_that_differs_between_years_is_reported(five_returns):
    load(OTHER_LEGAL_STATUS_2025)
    difference = ReturnDifference.objects.get(child__child_id="A")
    assert difference.rule == "503B"
    assert (difference.previous["LS"], difference.current["LS"]) == ("C2", "C1")


def test_a_child_missing_from_the_next_return_is_reported_and_not_counted(five_returns):
    load(WITHOUT_B_2025)
    difference = ReturnDifference.objects.get(child__child_id="B")
    assert difference.rule == "" and difference.current is None
    assert difference.previous["DECOM"] == "01/05/2023"
    assert queries.for_year(2025)["looked_after_at_31_march"].numerator == 2


def test_returns_holding_the_whole_history_join_to_the_same_history(db):
    services.load_reference_data()
    for ret in WHOLE_HISTORY:
        load(ret)
    history = [(e.start_date, e.end_date, e.carer_start) for e in CareEpisode.objects.order_by("start_date")]
    assert history == [
        (d("01/05/2020"), d("01/08/2021"), d("01/05/2020")),
        (d("01/08/2021"), d("01/02/2023"), d("01/08/2021")),
        (d("01/02/2023"), d("01/06/2024"), d("01/08/2021")),
        (d("01/06/2024"), None, d("01/08/2021")),
    ]
    assert not ReturnDifference.objects.exists()
    value = queries.for_year(2025)["long_term_stability"]
    assert (value.numerator, value.denominator) == (1, 1)


def test_the_figures_take_a_constant_number_of_queries_whatever_the_years(five_returns, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # the years with a return, the code lists, the children's years, population
        results = queries.compute()
    assert sorted(results) == [2021, 2022, 2023, 2024, 2025]


def test_officers_read_the_differences_with_both_years_rows(five_returns, client_for):
    from django.urls import reverse

    from accounts.models import Role

    load(STARTED_LATER_2025)
    url = reverse("measures:differences")
    html = client_for(Role.OFFICER).get(url).content.decode()
    assert "1 difference" in html and "502" in html
    assert "DECOM 01/02/2023" in html and "DECOM 01/03/2023" in html
    assert client_for(Role.COUNCILLOR).get(url).status_code == 403


# Long-term stability when a period of care began before what the returns hold. Each child is born 01/06/2012
# (10 at 31 March 2023). The earliest return is 2021-22's; its first episode for D, E, G and H does not start a
# period of care (not S), so when each period began is not known, only that it was on or before that episode.
#   D: first seen in a new placement (P) from 01/01/2021.  E: first seen changing legal status (L) on 01/03/2019.
#   G: first seen in a new placement (P) from 01/09/2020.  H: first seen (L) on 01/05/2020; a new carer (P) on
#   01/06/2022.  F: started to be looked after (S) on 01/06/2021.
BEFORE_THE_RETURNS = dict.fromkeys("DEFGH", "01/06/2012")
D1 = ep("D", "01/01/2021", "P")
E0 = ep("E", "01/03/2019", "L")
F0 = ep("F", "01/06/2021", "S")
G0 = ep("G", "01/09/2020", "P")
H0 = ep("H", "01/05/2020", "L", "01/06/2022", "X1")
H1 = ep("H", "01/06/2022", "P", placed="WR2 6AA")
UNKNOWN_STARTS = [
    Return(2022, BEFORE_THE_RETURNS, [D1, E0, F0, G0, open_at_end(H0)]),
    Return(2023, BEFORE_THE_RETURNS, [D1, E0, F0, G0, H0, H1]),
]
# Two returns with 2021-22's not imported between them. K: looked after since 01/05/2019 (S) in 2020-21's return;
# 2022-23's holds K from 01/02/2022 in a new placement (P): whether K left care and came back in between is not
# known. L: the same episode from 01/05/2019 in both returns, so L was looked after throughout.
WITH_A_YEAR_MISSING = [
    Return(2021, {"K": "01/06/2012", "L": "01/06/2012"}, [ep("K", "01/05/2019", "S"), ep("L", "01/05/2019", "S")]),
    Return(2023, {"K": "01/06/2012", "L": "01/06/2012"}, [ep("K", "01/02/2022", "P", placed="WR2 6AA"), ep("L", "01/05/2019", "S")]),
]


def test_long_term_stability_leaves_out_a_child_whose_care_began_before_the_returns_too_recently_to_know(db):
    services.load_reference_data()
    for ret in UNKNOWN_STARTS:
        load(ret)
    # 2022-23: the group began care on or before 30/09/2020 (two and a half years before 31 March 2023); the same
    # carer on or before 31/03/2021.
    # D: the returns know D's care only from 01/01/2021, after 30/09/2020, and not its start: left out (the DfE,
    #    seeing the whole period, may count D or not).
    # E: in care by 01/03/2019, on or before 30/09/2020: in the group; no new carer since, so the same carer since
    #    01/03/2019 or before, on or before 31/03/2021: stable.
    # F: began on 01/06/2021 (known), after 30/09/2020: not in the group.
    # G: in care by 01/09/2020: in the group; its carer (P) since 01/09/2020, on or before 31/03/2021: stable.
    # H: in care by 01/05/2020: in the group; a new carer on 01/06/2022, after 31/03/2021: not stable.
    # Stable: E and G, of E, G and H: 2 of 3.
    value = queries.for_year(2023)["long_term_stability"]
    assert (value.numerator, value.denominator) == (2, 3)
    # 2021-22: on or before 30/09/2019 and 31/03/2020: only E (01/03/2019) is known to be in the group; D, G and H
    # (known from 2020 and 2021) are left out; E is stable: 1 of 1.
    value = queries.for_year(2022)["long_term_stability"]
    assert (value.numerator, value.denominator) == (1, 1)


def test_a_year_not_imported_between_two_returns_makes_the_start_after_it_unknown(db):
    services.load_reference_data()
    for ret in WITH_A_YEAR_MISSING:
        load(ret)
    # 2022-23 (on or before 30/09/2020 and 31/03/2021): K is known only from 01/02/2022 (left out); L has been
    # looked after since 01/05/2019 with the same carer: 1 of 1. (Joined across the missing year as one period,
    # K would have counted as in care since 2019 with a carer since 2022: 1 of 2.)
    value = queries.for_year(2023)["long_term_stability"]
    assert (value.numerator, value.denominator) == (1, 1)
    k = list(CareEpisode.objects.filter(child__child_id="K").order_by("start_date"))
    assert [(e.start_date, e.period_start) for e in k] == [(d("01/05/2019"), d("01/05/2019")), (d("01/02/2022"), d("01/02/2022"))]


def test_an_edit_to_any_table_of_a_return_rebuilds_the_childs_history():
    # The tables come from the children app's own list, so one added there (AD1's placement decisions and
    # previous permanence were once left out) is followed without a second list to keep.
    from django.db.models.signals import post_delete, post_save

    from children.models import PlacementForAdoptionDecision, PreviousPermanence
    from measures import signals

    tables = services.return_record_models()
    assert PlacementForAdoptionDecision in tables and PreviousPermanence in tables
    for model in tables:
        for signal in (post_save, post_delete):
            assert signals._row_changed in signal._live_receivers(model)[0], (model, signal)


def test_the_rebuild_leaves_the_cycle_collector_as_it_found_it(db):
    assert gc.isenabled()
    history.rebuild([])
    assert gc.isenabled()
    gc.disable()
    try:
        history.rebuild([])
        assert not gc.isenabled()  # the caller's pause outlasts the rebuild
    finally:
        gc.enable()
