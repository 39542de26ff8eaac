"""The board's measures against hand-built cohorts: each DfE definition's edge cases."""
import pytest

from measures import figures, queries, registry
from measures.models import ChildPopulation
from tests.dashboards.factories import bulk_cohort, child, cohort_return, d, episode, make_codes

from children.models import CareLeaverOutcome, HealthOutcome, MissingEpisode

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes():
    make_codes()


@pytest.fixture
def ret(codes):
    return cohort_return(2025)


def value(identifier, year=2025):
    return queries.for_year(year)[identifier]


def test_looked_after_at_year_end_needs_an_episode_open_after_31_march(ret):
    episode(ret, child(), d("01/05/2024"), d("31/03/2025"))  # ends on 31 March: not looked after at year end
    episode(ret, child(), d("01/05/2024"), d("01/04/2025"))  # still looked after on 31 March
    episode(ret, child(), d("31/03/2025"))  # starts on 31 March: counts
    episode(ret, child(), d("01/04/2025"))  # after the year
    episode(ret, child(), d("01/05/2024"), ls="V3")  # short breaks are never counted
    episode(ret, child(), d("01/05/2024"), ls="V4")
    assert value("looked_after_at_31_march").numerator == 2


def test_a_child_with_several_episodes_is_counted_once(ret):
    kid = child()
    episode(ret, kid, d("01/05/2024"), d("01/06/2024"), rec="X1")
    episode(ret, kid, d("01/06/2024"), d("01/09/2024"), rne="P", rec="X1")
    episode(ret, kid, d("01/09/2024"), rne="P")
    values = queries.for_year(2025)
    assert values["looked_after_at_31_march"].numerator == 1
    assert values["started_during_year"].numerator == 1
    assert values["ceased_during_year"].numerator == 0  # X1 ends an episode, not the period of care


def test_rate_per_10000_uses_the_child_population(ret):
    for _ in range(30):
        episode(ret, child(), d("01/05/2024"))
    assert value("looked_after_rate_per_10000").value is None  # no population, no rate
    ChildPopulation.objects.create(year=2025, population=40_000)
    rate = value("looked_after_rate_per_10000")
    assert rate.value == pytest.approx(7.5)
    assert rate.shown(suppress=True).text == "8"


def test_started_and_ceased_in_the_year(ret):
    twice = child()
    episode(ret, twice, d("01/05/2024"), d("01/06/2024"), rec="E4A")
    episode(ret, twice, d("01/09/2024"), d("01/10/2024"), rec="E13")
    episode(ret, child(), d("31/03/2024"))  # started the year before
    episode(ret, child(), d("01/04/2024"), d("31/03/2025"), rec="E11")  # first and last day of the year
    values = queries.for_year(2025)
    assert values["started_during_year"].numerator == 2
    assert values["ceased_during_year"].numerator == 2


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


def test_placement_mix_reads_the_code_groups(ret):
    for place in ("U1", "U4", "U2", "R1", "P1", "A3", "Z1", "XX"):
        episode(ret, child(), d("01/05/2024"), place=place)
    values = queries.for_year(2025)
    # The DfE's foster care includes foster care with relatives or friends (the "kinship" group), shown on its own too.
    assert values["placement_foster"].numerator == 3
    assert values["placement_kinship"].numerator == 1
    assert values["placement_residential"].numerator == 1
    assert values["placement_with_parents"].numerator == 1
    assert values["placement_adoption"].numerator == 1
    assert values["placement_other"].numerator == 2  # Z1 and a code with no group
    assert values["placement_foster"].value == pytest.approx(100 * 3 / 8)


def test_distance_and_outside_area_at_year_end(ret):
    episode(ret, child(), d("01/05/2024"), distance_miles=20)  # exactly 20 miles is not more than 20
    episode(ret, child(), d("01/05/2024"), distance_miles=20.1, placed_outside_area=True)
    episode(ret, child(), d("01/05/2024"))  # distance not known
    episode(ret, child(), d("01/05/2024"), d("01/06/2024"), distance_miles=80, placed_outside_area=True)
    values = queries.for_year(2025)
    assert values["placed_over_20_miles"].numerator == 1
    assert values["placed_over_20_miles"].denominator == 3
    assert values["placed_outside_area"].numerator == 1


def test_three_or_more_placements_counts_placement_moves_in_the_year(ret):
    moved = child()  # in care on 1 April, then two placement moves: three placements
    episode(ret, moved, d("01/01/2023"), d("01/06/2024"), rec="X1")
    episode(ret, moved, d("01/06/2024"), d("01/09/2024"), rne="P", rec="X1")
    episode(ret, moved, d("01/09/2024"), rne="B")
    legal_change = child()  # a legal status change is not a new placement: two placements
    episode(ret, legal_change, d("01/05/2024"), d("01/06/2024"), rec="X1")
    episode(ret, legal_change, d("01/06/2024"), d("01/09/2024"), rne="L", rec="X1")
    episode(ret, legal_change, d("01/09/2024"), rne="P")
    old_moves = child()  # moves before 1 April do not count
    episode(ret, old_moves, d("01/01/2023"), d("01/06/2023"), rec="X1")
    episode(ret, old_moves, d("01/06/2023"), d("01/09/2023"), rne="P", rec="X1")
    episode(ret, old_moves, d("01/09/2023"), rne="T")
    left = child()  # three placements but not looked after at 31 March
    episode(ret, left, d("01/05/2024"), d("01/06/2024"), rec="X1")
    episode(ret, left, d("01/06/2024"), d("01/09/2024"), rne="U", rec="X1")
    episode(ret, left, d("01/09/2024"), d("01/10/2024"), rne="T", rec="E13")
    result = value("three_or_more_placements")
    assert (result.numerator, result.denominator) == (1, 3)


def test_long_term_stability(ret):
    stable = child(dob=d("01/01/2012"))  # looked after since 2020, same placement since 2022
    episode(ret, stable, d("01/01/2020"), d("01/01/2022"), rec="X1")
    episode(ret, stable, d("01/01/2022"), d("01/06/2023"), rne="P", rec="X1")
    episode(ret, stable, d("01/06/2023"), rne="L")  # legal change only: same placement
    moved = child(dob=d("01/01/2012"))
    episode(ret, moved, d("01/01/2020"), d("01/06/2024"), rec="X1")
    episode(ret, moved, d("01/06/2024"), rne="P")
    adoption = child(dob=d("01/01/2018"))
    episode(ret, adoption, d("01/01/2021"), d("01/01/2025"), rec="X1")
    episode(ret, adoption, d("01/01/2025"), rne="P", ls="E1", place="A3")
    too_old = child(dob=d("01/03/2009"))  # 16 by 31 March
    episode(ret, too_old, d("01/01/2020"))
    too_recent = child(dob=d("01/01/2012"))  # looked after for less than two and a half years
    episode(ret, too_recent, d("01/10/2022"))
    result = value("long_term_stability")
    assert (result.numerator, result.denominator) == (2, 3)


def test_health_outcomes_and_mean_sdq(ret):
    for score, assessed in ((10, True), (20, True), (None, False)):
        kid = child()
        episode(ret, kid, d("01/01/2023"))  # looked after all year: in the 12-month group
        HealthOutcome.objects.create(
            cohort_return=ret, child=kid, sdq_score=score, health_assessment=assessed,
            teeth_check=assessed, immunisations=True,
        )
    values = queries.for_year(2025)
    assert (values["health_assessment"].numerator, values["health_assessment"].denominator) == (2, 3)
    assert values["immunisations"].numerator == 3
    assert values["mean_sdq_score"].value == pytest.approx(15)
    assert values["mean_sdq_score"].denominator == 2
    assert values["mean_sdq_score"].shown(suppress=True).suppressed  # a mean of two children's scores
    assert values["mean_sdq_score"].shown(suppress=False).text == "15.0"


def test_missing_children_and_incidents_in_the_year(ret):
    kids = [child() for _ in range(4)]
    for kid in kids:
        episode(ret, kid, d("01/05/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=kids[0], kind="M", start_date=d("01/06/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=kids[0], kind="M", start_date=d("01/07/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=kids[1], kind="A", start_date=d("01/07/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=kids[2], kind="M", start_date=d("01/07/2025"))
    values = queries.for_year(2025)
    assert values["missing_incidents"].numerator == 2
    assert (values["went_missing"].numerator, values["went_missing"].denominator) == (1, 4)


def test_care_leavers_aged_19_to_21(ret):
    def leaver(dob, in_touch="YES", activity="F1", accommodation="B1"):
        CareLeaverOutcome.objects.create(
            cohort_return=ret, child=child(dob=dob), in_touch=in_touch, activity=activity,
            accommodation=accommodation,
        )

    leaver(d("01/04/2003"))  # 21st birthday on 1 April 2024: in the group
    leaver(d("31/03/2006"), in_touch="NO", activity="G4", accommodation="B2")  # 19 on 31 March 2025
    leaver(d("01/04/2006"))  # 19 only after the year: aged 18, not in the group
    leaver(d("31/03/2003"))  # 22 in the year
    values = queries.for_year(2025)
    assert values["care_leavers_in_touch"].denominator == 2
    assert values["care_leavers_in_touch"].numerator == 1
    assert values["care_leavers_in_eet"].numerator == 1
    assert values["care_leavers_suitable_accommodation"].numerator == 1


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
