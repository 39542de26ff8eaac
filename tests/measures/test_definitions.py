"""
One test per DfE definition the measures once got wrong (issue 13's nine points) and per edge case, each
on a small hand-built 2024-25 return, with the expected figure worked out by hand from the definition.
"""
import pytest

from children import services
from children.models import CareLeaverOutcome, HealthOutcome, MissingEpisode
from measures import queries
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ret():
    make_codes()
    return cohort_return(2025)


def figure(identifier, year=2025):
    value = queries.for_year(year)[identifier]
    return value.numerator, value.denominator


def test_a_recent_adoptive_placement_with_new_carers_is_not_long_term_stability(ret):
    # Both under 16 and looked after since 1 January 2021 (on or before 30 September 2022).
    new_carers = child(dob=d("01/01/2018"))
    episode(ret, new_carers, d("01/01/2021"), d("01/10/2024"), rec="X1", place="U4")
    episode(ret, new_carers, d("01/10/2024"), rne="P", ls="E1", place="A6")  # not with current foster carers
    same_carers = child(dob=d("01/01/2018"))
    episode(ret, same_carers, d("01/01/2021"), d("01/10/2024"), rec="X1", place="U4")
    episode(ret, same_carers, d("01/10/2024"), rne="P", ls="E1", place="A5")  # with current foster carers
    # The first has lived with their carers since 1 October 2024, after 31 March 2023: not stable. The second
    # has had the same carers since 1 January 2021: stable. 1 of 2.
    assert figure("long_term_stability") == (1, 2)


def test_moves_with_the_same_carer_are_not_new_placements(ret):
    same_carer = child()  # S, then T and U (same carer), then P (a new carer): 2 placements in the year
    episode(ret, same_carer, d("01/05/2024"), d("01/07/2024"), rec="X1")
    episode(ret, same_carer, d("01/07/2024"), d("01/09/2024"), rne="T", rec="X1")
    episode(ret, same_carer, d("01/09/2024"), d("01/11/2024"), rne="U", ls="C1", rec="X1")
    episode(ret, same_carer, d("01/11/2024"), rne="P")
    new_carers = child()  # S, P, B: 3 placements
    episode(ret, new_carers, d("01/05/2024"), d("01/07/2024"), rec="X1")
    episode(ret, new_carers, d("01/07/2024"), d("01/09/2024"), rne="P", rec="X1")
    episode(ret, new_carers, d("01/09/2024"), rne="B", ls="C1")
    assert figure("three_or_more_placements") == (1, 2)


def test_a_move_with_the_same_carer_keeps_long_term_stability(ret):
    kid = child(dob=d("01/01/2012"))  # 13 at 31 March 2025, looked after since 1 January 2020
    episode(ret, kid, d("01/01/2020"), d("01/01/2024"), rec="X1")
    episode(ret, kid, d("01/01/2024"), rne="T")  # a new placement with the same carer, since 2020
    assert figure("long_term_stability") == (1, 1)


def test_a_child_who_leaves_and_returns_counts_the_placement_that_opens_the_second_period(ret):
    kid = child()
    episode(ret, kid, d("01/05/2024"), d("01/06/2024"), rec="E4A")  # first period, first placement
    episode(ret, kid, d("01/09/2024"), d("01/12/2024"), rec="X1")  # back in care (S): second placement
    episode(ret, kid, d("01/12/2024"), rne="P")  # third placement
    assert figure("three_or_more_placements") == (1, 1)
    assert figure("started_during_year")[0] == 1 and figure("ceased_during_year")[0] == 1


def test_the_twelve_month_group_is_worked_out_from_the_episodes(ret):
    all_year_no_oc2 = child()
    episode(ret, all_year_no_oc2, d("01/01/2023"))
    assessed = child()
    episode(ret, assessed, d("01/01/2023"))
    HealthOutcome.objects.create(cohort_return=ret, child=assessed, health_assessment=True)
    ten_months = child()  # has an OC2 row, but was looked after only from 1 June 2024
    episode(ret, ten_months, d("01/06/2024"))
    HealthOutcome.objects.create(cohort_return=ret, child=ten_months, health_assessment=True)
    short_break = child()  # a short-break episode in the year takes a child out of the group
    episode(ret, short_break, d("01/01/2023"), d("01/05/2024"), ls="V3", rec="X1")
    episode(ret, short_break, d("01/05/2024"), rne="L")
    HealthOutcome.objects.create(cohort_return=ret, child=short_break, health_assessment=True)
    # In the group: the first two (the first has no OC2 row, so is not counted as assessed): 1 of 2.
    assert figure("health_assessment") == (1, 2)


def test_the_twelve_month_group_at_the_edges_of_the_year(ret):
    # The validator's definition: no period starting after 1 April and none ending before 31 March.
    episode(ret, child(), d("01/04/2024"))  # started on 1 April itself: in the group
    episode(ret, child(), d("01/01/2023"), d("31/03/2025"), rec="E4A")  # left on 31 March itself: in the group
    episode(ret, child(), d("02/04/2024"))  # started the day after: not
    episode(ret, child(), d("01/01/2023"), d("30/03/2025"), rec="E4A")  # left the day before: not
    moved = child()  # a new episode (X1) in the year is not a break in care: in the group
    episode(ret, moved, d("01/01/2023"), d("01/09/2024"), rec="X1")
    episode(ret, moved, d("01/09/2024"), rne="P")
    assert figure("health_assessment") == (0, 3)


def test_mean_sdq_is_for_children_aged_5_to_16(ret):
    for born, score in (("01/06/2020", 30), ("01/06/2019", 10), ("01/06/2008", 20), ("01/06/2007", 40)):
        kid = child(dob=d(born))  # aged 4, 5, 16 and 17 at 31 March 2025
        episode(ret, kid, d("01/01/2023"))
        HealthOutcome.objects.create(cohort_return=ret, child=kid, sdq_score=score)
    value = queries.for_year(2025)["mean_sdq_score"]
    assert (value.value, value.denominator) == (pytest.approx(15), 2)  # (10 + 20) / 2


def test_care_leavers_who_died_or_returned_home_are_left_out(ret):
    for in_touch, activity, accommodation in (("YES", "F1", "B1"), ("NO", "G4", "B2"), ("DIED", "0", "0"), ("RHOM", "0", "0")):
        CareLeaverOutcome.objects.create(
            cohort_return=ret, child=child(dob=d("01/10/2005")), in_touch=in_touch, activity=activity,
            accommodation=accommodation,
        )  # 19 on 1 October 2024
    assert figure("care_leavers_in_touch") == (1, 2)
    assert figure("care_leavers_in_eet") == (1, 2)
    assert figure("care_leavers_suitable_accommodation") == (1, 2)


def test_missing_leaves_out_children_looked_after_only_under_short_breaks(ret):
    short_breaks = child()
    episode(ret, short_breaks, d("01/05/2024"), ls="V4")
    MissingEpisode.objects.create(cohort_return=ret, child=short_breaks, kind="M", start_date=d("01/06/2024"))
    looked_after = child()
    episode(ret, looked_after, d("01/05/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=looked_after, kind="M", start_date=d("01/06/2024"))
    MissingEpisode.objects.create(cohort_return=ret, child=looked_after, kind="A", start_date=d("01/07/2024"))
    assert figure("went_missing") == (1, 1)
    assert figure("missing_incidents")[0] == 1  # the away incident is not a missing one


def test_foster_care_includes_relatives_and_friends_as_the_dfe_counts_it(db):
    services.load_reference_data()  # the shipped England code list
    ret = cohort_return(2025)
    for place in ("U1", "U2", "U3", "U4", "U5", "U6", "K2", "P1"):
        episode(ret, child(), d("01/05/2024"), place=place)
    assert figure("placement_foster") == (6, 8)
    assert figure("placement_kinship") == (3, 8)  # relatives or friends: a part of foster care
    assert figure("placement_residential") == (1, 8)
    assert figure("placement_with_parents") == (1, 8)


def test_an_episode_starting_on_1_april_belongs_to_the_next_year(ret):
    episode(ret, child(), d("31/03/2025"))  # starts on the year's last day: looked after at its end
    next_year = cohort_return(2026)
    episode(next_year, child(), d("01/04/2025"))
    assert figure("looked_after_at_31_march") == (1, None)
    assert figure("started_during_year") == (1, None)
    assert figure("started_during_year", 2026) == (1, None)
