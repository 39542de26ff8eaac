"""
The measures boards ask for beyond the DfE's headline ones, each on a small hand-built 2024-25 return with
its expected figure worked out by hand from its definition.
"""
import pytest

from children.models import CareLeaverOutcome, Child, HealthOutcome, Review, UnaccompaniedAsylumSeeker
from measures import queries
from measures.models import ChildPopulation
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ret():
    make_codes()
    return cohort_return(2025)


def figure(identifier):
    value = queries.for_year(2025)[identifier]
    return value.numerator, value.denominator


def looked_after_all_year(ret, **fields):
    kid = child(**fields)
    episode(ret, kid, d("01/01/2023"))
    return kid


def test_age_sex_and_ethnicity_of_children_looked_after_at_31_march(ret):
    # Ages on 31 March 2025: 0, 3, 7, 12 and 16.
    for born, sex, ethnicity in (("01/06/2024", "F", "WBRI"), ("01/06/2021", "M", "MWBC"), ("01/06/2017", "F", "CHNE"),
                                 ("01/06/2012", "M", "BAFR"), ("01/06/2008", "M", "REFU")):
        kid = child(dob=d(born), sex=sex)
        Child.objects.filter(pk=kid.pk).update(ethnicity=ethnicity)
        episode(ret, kid, max(d(born), d("01/01/2023")))
    for band in ("under_1", "1_to_4", "5_to_9", "10_to_15", "16_and_over"):
        assert figure(f"profile_age_{band}") == (1, 5)
    assert figure("profile_male") == (3, 5) and figure("profile_female") == (2, 5)
    assert figure("profile_ethnicity_white") == (1, 5)
    assert figure("profile_ethnicity_mixed") == (1, 5)
    assert figure("profile_ethnicity_asian") == (1, 5)  # Chinese is in the Asian group
    assert figure("profile_ethnicity_black") == (1, 5)
    assert figure("profile_ethnicity_not_known") == (1, 5)


def test_unaccompanied_asylum_seeking_children_at_31_march(ret):
    still = looked_after_all_year(ret)
    UnaccompaniedAsylumSeeker.objects.create(cohort_return=ret, child=still)
    ceased = looked_after_all_year(ret)  # stopped being UASC in February 2025
    UnaccompaniedAsylumSeeker.objects.create(cohort_return=ret, child=ceased, date_ceased_uasc=d("01/02/2025"))
    looked_after_all_year(ret)
    assert figure("uasc") == (1, 3)


def test_why_children_left_care(ret):
    for reason in ("E11", "E45", "E4A", "E4B", "E17", "E8"):
        episode(ret, child(), d("01/01/2023"), d("01/10/2024"), rec=reason)
    for identifier in ("adopted", "special_guardianship", "returned_home_planned", "returned_home_unplanned",
                       "staying_put"):
        assert figure(f"ceased_{identifier}") == (1, 6)
    assert figure("ceased_child_arrangements") == (0, 6)


def test_the_rate_of_children_starting_care(ret):
    for _ in range(3):
        episode(ret, child(), d("01/06/2024"))
    episode(ret, child(), d("01/01/2023"))  # started before the year
    ChildPopulation.objects.create(year=2025, population=30_000)
    assert queries.for_year(2025)["started_rate_per_10000"].value == pytest.approx(1.0)  # 3 / 30,000 x 10,000


def test_reviews_the_child_took_part_in(ret):
    kid = looked_after_all_year(ret)
    for held, code in (("01/05/2024", "PN1"), ("01/11/2024", "PN7"), ("01/02/2025", "PN5"), ("01/02/2024", "PN1")):
        Review.objects.create(cohort_return=ret, child=kid, review_date=d(held), participation=code)
    young = looked_after_all_year(ret, dob=d("01/01/2022"))
    Review.objects.create(cohort_return=ret, child=young, review_date=d("01/06/2024"), participation="PN0")
    # In the year, aged 4 or over: PN1, PN7, PN5 (the February 2024 review is before the year); PN1 and PN5 took part.
    assert figure("reviews_taken_part_in") == (2, 3)


def test_convicted_substance_misuse_and_sdq_cause_for_concern(ret):
    rows = (
        ("01/06/2015", True, False, None, 16),  # aged 9: too young for the conviction measure
        ("01/06/2012", True, True, True, 17),  # aged 12
        ("01/06/2010", False, True, False, 25),  # aged 14
    )
    for born, convicted, misuse, intervention, sdq in rows:
        kid = looked_after_all_year(ret, dob=d(born))
        HealthOutcome.objects.create(
            cohort_return=ret, child=kid, convicted=convicted, substance_misuse=misuse,
            intervention_received=intervention, sdq_score=sdq,
        )
    assert figure("convicted") == (1, 2)  # of the two aged 10 or over
    assert figure("substance_misuse") == (2, 3)
    assert figure("substance_misuse_intervention") == (1, 2)
    assert figure("sdq_cause_for_concern") == (2, 3)  # 17 and 25; 16 is borderline


def test_care_leavers_aged_17_or_18_and_the_accommodation_of_those_19_to_21(ret):
    for in_touch, activity, accommodation in (("YES", "F1", "B1"), ("NO", "G4", "B2")):
        CareLeaverOutcome.objects.create(  # 17 on 1 October 2024
            cohort_return=ret, child=child(dob=d("01/10/2007")), in_touch=in_touch, activity=activity,
            accommodation=accommodation,
        )
    for accommodation in ("U1", "B1", "D1", "W2", "X2"):
        CareLeaverOutcome.objects.create(  # 20 on 1 October 2024
            cohort_return=ret, child=child(dob=d("01/10/2004")), in_touch="YES", activity="F1",
            accommodation=accommodation,
        )
    assert figure("care_leavers_17_18_in_touch") == (1, 2)
    assert figure("care_leavers_17_18_in_eet") == (1, 2)
    assert figure("care_leavers_17_18_suitable_accommodation") == (1, 2)
    for kind in ("independent", "with_family", "semi_independent", "insecure", "custody"):
        assert figure(f"care_leavers_accommodation_{kind}") == (1, 5)


def test_who_provides_the_placement_at_31_march(ret):
    for provider in ("PR1", "PR1", "PR4", "PR5", "PR2"):
        episode(ret, child(), d("01/01/2023"), placement_provider=provider)
    assert figure("provider_own") == (2, 5)
    assert figure("provider_private") == (1, 5)
    assert figure("provider_voluntary") == (1, 5)
    assert figure("provider_other_council") == (1, 5)
