"""
The board's measures against hand-built cohorts: the parts of a figure that are not a DfE definition's edge
(population rates, code groups, distance, caching, ratings). The DfE's definitions and their edges are
tested on hand-written returns in test_definitions.py.
"""
import pytest

from measures import figures, queries, registry
from measures.models import ChildPopulation
from tests.dashboards.factories import bulk_cohort, child, cohort_return, d, episode, make_codes


pytestmark = pytest.mark.django_db


@pytest.fixture
def codes():
    make_codes()


@pytest.fixture
def ret(codes):
    return cohort_return(2025)


def value(identifier, year=2025):
    return queries.for_year(year)[identifier]


def test_rate_per_10000_uses_the_child_population(ret):
    for _ in range(30):
        episode(ret, child(), d("01/05/2024"))
    assert value("looked_after_rate_per_10000").value is None  # no population, no rate
    ChildPopulation.objects.create(year=2025, population=40_000)
    rate = value("looked_after_rate_per_10000")
    assert rate.value == pytest.approx(7.5)
    assert rate.shown(suppress=True).text == "8"


def test_a_placement_with_the_foster_carers_for_adoption_recorded_as_a_new_carer_keeps_the_carer(ret):
    # A return the DfE's rule 217 reports (A3 and A5 want RNE S, T or U), so not a hand-written one: it still
    # loads, and placement A5 says the carers are the child's foster carers, whatever RNE says.
    kid = child(dob=d("01/01/2018"))  # 7 at 31 March 2025, looked after since 1 January 2021
    episode(ret, kid, d("01/01/2021"), d("01/10/2024"), rec="X1", place="U4")
    episode(ret, kid, d("01/10/2024"), rne="P", ls="E1", place="A5")
    # The same carer since 01/01/2021 (on or before 31/03/2023): stable, 1 of 1; one placement in the year.
    assert (value("long_term_stability").numerator, value("long_term_stability").denominator) == (1, 1)
    assert (value("three_or_more_placements").numerator, value("three_or_more_placements").denominator) == (0, 1)


def test_category_of_need_and_legal_status_at_year_end(ret):
    kid = child()
    episode(ret, kid, d("01/05/2024"), d("01/07/2024"), ls="C1", cin="N4", rne="S", rec="X1")
    episode(ret, kid, d("01/07/2024"), ls="C2", cin="N1", rne="L")
    episode(ret, child(), d("01/05/2024"), ls="V2", cin="N2")
    episode(ret, child(), d("01/05/2024"), ls="E1", cin="N1")
    values = queries.for_year(2025)
    assert values["category_of_need_n1"].numerator == 2
    assert values["category_of_need_n1"].denominator == 3
    assert values["category_of_need_n4"].numerator == 0  # the earlier episode's category is not the year end's
    assert values["legal_status_full_care_order"].numerator == 1
    assert values["legal_status_interim_care_order"].numerator == 0
    assert values["legal_status_voluntary"].numerator == 1
    assert values["legal_status_placement_order"].numerator == 1


def test_distance_and_outside_area_at_year_end(ret):
    episode(ret, child(), d("01/05/2024"), distance_miles=20)  # exactly 20 miles is not more than 20
    episode(ret, child(), d("01/05/2024"), distance_miles=20.1, placed_outside_area=True)
    episode(ret, child(), d("01/05/2024"))  # distance not known
    episode(ret, child(), d("01/05/2024"), d("01/06/2024"), distance_miles=80, placed_outside_area=True)
    values = queries.for_year(2025)
    assert values["placed_over_20_miles"].numerator == 1
    assert values["placed_over_20_miles"].denominator == 3
    assert values["placed_outside_area"].numerator == 1


def test_each_year_reads_its_own_return(codes):
    old, new = cohort_return(2024), cohort_return(2025)
    for _ in range(6):
        episode(old, child(), d("01/05/2023"))
    kid = child()
    episode(new, kid, d("01/05/2024"))
    series = queries.trend("looked_after_at_31_march")
    assert [(v.year, v.numerator) for v in series] == [(2024, 6), (2025, 1)]
    assert series[1].shown(suppress=True).suppressed
    assert series[1].shown(suppress=False).text == "1"
    assert series[0].shown(suppress=True).text == "6"


def test_empty_years_give_zero_or_no_data(codes):
    cohort_return(2025)
    values = queries.for_year(2025)
    assert values["looked_after_at_31_march"].numerator == 0
    assert values["placement_foster"].value is None
    assert values["placement_foster"].shown().text == "No data"
    assert queries.for_year(2030) == {}


def test_every_measure_for_every_year_in_a_fixed_number_of_queries(codes, django_assert_max_num_queries):
    bulk_cohort(60, year=2025, years=3)
    with django_assert_max_num_queries(4):  # returns, codes, the children's years, population
        results = queries.compute()
    assert sorted(results) == [2023, 2024, 2025]
    assert all(len(values) == len(registry.MEASURES) for values in results.values())
    assert results[2025]["looked_after_at_31_march"].numerator > 0


def test_cached_figures_follow_imports_and_edits(codes, django_assert_max_num_queries):
    from django.core.cache import cache

    from children.services import update_episode

    cache.clear()
    ret = cohort_return(2025)
    first = episode(ret, child(), d("01/05/2024"))
    for _ in range(5):
        episode(ret, child(), d("01/05/2024"))
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    with django_assert_max_num_queries(4):  # returns, codes, version, population: the aggregates come from the cache
        assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    episode(ret, child(), d("01/05/2024"))  # new rows
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 7
    update_episode(episode=first, data={"end_date": d("01/06/2024"), "reason_ceased": "E11"})  # an officer's edit
    assert queries.compute(cached=True)[2025]["looked_after_at_31_march"].numerator == 6
    cache.clear()


@pytest.mark.parametrize(
    "identifier, value, expected",
    [
        ("health_assessment", 95, "green"),  # higher is better: at or above the target
        ("health_assessment", 91, "amber"),  # within the margin below it
        ("health_assessment", 89, "red"),
        ("three_or_more_placements", 10, "green"),  # lower is better: at or below the target
        ("three_or_more_placements", 14, "amber"),
        ("three_or_more_placements", 16, "red"),
        ("looked_after_at_31_march", 10, None),  # neither direction is better: no rating
    ],
)
def test_rag_against_target_follows_which_way_is_better(identifier, value, expected):
    from decimal import Decimal

    from measures.models import Target

    target = Target(measure=identifier, value=Decimal("95" if identifier == "health_assessment" else "10"), amber_margin=Decimal("5"))
    assert figures.rag(registry.get(identifier), value, target) == expected


def test_gaps_are_signed_and_in_the_measures_unit():
    assert figures.format_gap(registry.get("health_assessment"), 3.4) == "+3 points"
    assert figures.format_gap(registry.get("mean_sdq_score"), -1.25) == "-1.2"
    assert figures.format_gap(registry.get("looked_after_rate_per_10000"), 0.2) == "0"
    assert figures.format_gap(registry.get("health_assessment"), None) == ""


def test_without_code_lists_every_placement_counts_as_other():
    ret = cohort_return(2025)
    for _ in range(5):
        episode(ret, child(), d("01/05/2024"), place="U1")
    values = queries.for_year(2025)
    assert values["placement_foster"].numerator == 0
    assert values["placement_other"].numerator == 5
    assert values["care_leavers_in_eet"].value is None
