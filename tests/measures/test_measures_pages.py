"""The measures pages: who may see and change what, suppression for non-officers, comparators, targets, CSV."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from measures.models import ChildPopulation, Comparator, Target
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    """2025: 12 children looked after at 31 March, 3 of them more than 20 miles away (a small number)."""
    make_codes()
    ret = cohort_return(2025)
    for n in range(12):
        episode(ret, child(), d("01/05/2024"), distance_miles=30 if n < 3 else 2)
    return ret


def test_councillor_sees_small_numbers_withheld_and_officer_sees_them(cohort, client_for, client):
    page = client_for(Role.COUNCILLOR).get(reverse("measures:measure_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Placed more than 20 miles from home" in html
    assert "[c]" in html and "25%" not in html
    client.logout()
    officer_page = client_for(Role.OFFICER).get(reverse("measures:measure_list")).content.decode()
    assert "25%" in officer_page


def test_young_people_and_anonymous_are_kept_out(cohort, client_for, client):
    assert client.get(reverse("measures:measure_list")).status_code == 302
    assert client_for(Role.YOUNG_PERSON).get(reverse("measures:measure_list")).status_code == 403


def test_definition_page_has_trend_chart_with_data_table(cohort, client_for):
    Comparator.objects.create(measure="looked_after_at_31_march", year=2025, england=Decimal("80"))
    html = client_for(Role.CHIEF_EXECUTIVE).get(
        reverse("measures:measure_detail", args=["looked_after_at_31_march"])
    ).content.decode()
    assert "episode that ends on 31 March itself is" in html
    assert 'role="img"' in html and "Data for the chart: Children looked after at 31 March" in html
    assert "-68" in html  # 12 against England's 80


def test_a_measure_page_names_its_source_and_its_denominator(cohort, client_for):
    # The cohort: 12 children looked after at 31 March, 3 of them placed more than 20 miles away.
    type(cohort).objects.filter(pk=cohort.pk).update(validation_error_count=7)
    url = reverse("measures:measure_detail", args=["placed_over_20_miles"])
    html = client_for(Role.COUNCILLOR).get(url).content.decode()
    assert "Source of the definition" in html and "a focus on placement location" in html
    assert "out of 12 children looked after at 31 March" in html  # the 3 are withheld; the 12 are not small
    assert "DfE validation errors" in html and '<th scope="row" class="govuk-table__header">2024-25</th><td class="govuk-table__cell govuk-table__cell--numeric">7</td>' in html
    officer = client_for(Role.OFFICER).get(url).content.decode()
    assert "25%" in officer and "out of 12 children looked after at 31 March" in officer


def test_unknown_measure_is_not_found(client_for):
    assert client_for(Role.OFFICER).get(reverse("measures:measure_detail", args=["nonsense"])).status_code == 404


def test_officer_enters_comparators_and_councillor_cannot(cohort, client_for, client):
    url = reverse("measures:comparator_edit", args=["placed_over_20_miles"])
    councillor = client_for(Role.COUNCILLOR)
    assert councillor.post(url, {"year": 2025, "england": "16"}).status_code == 403
    client.logout()
    officer = client_for(Role.OFFICER)
    empty = officer.post(url, {"year": 2025})
    assert "Enter an England value, a statistical neighbours value, or both" in empty.content.decode()
    response = officer.post(url, {"year": 2025, "england": "16", "statistical_neighbours": "14.5", "source": "DfE"})
    assert response.status_code == 302
    saved = Comparator.objects.get(measure="placed_over_20_miles", year=2025)
    assert (saved.england, saved.statistical_neighbours, saved.updated_by) == (Decimal("16"), Decimal("14.5"), officer.user)
    html = officer.get(reverse("measures:measure_list")).content.decode()
    assert "+9 points" in html  # 25% against England's 16%


def test_target_gives_a_rag_rating(cohort, client_for):
    officer = client_for(Role.OFFICER)
    url = reverse("measures:target_edit", args=["placed_over_20_miles"])
    assert officer.post(url, {"value": "10", "amber_margin": "5"}).status_code == 302
    assert Target.objects.get(measure="placed_over_20_miles").value == Decimal("10")
    html = officer.get(reverse("measures:measure_list")).content.decode()
    assert "app-rag--red" in html  # 25% against a target of at most 10% (amber up to 15%)
    # No target for a measure that is neither better high nor low
    response = officer.get(reverse("measures:target_edit", args=["looked_after_at_31_march"]))
    assert response.status_code == 302


def test_comparator_csv_loads_every_row_or_none(client_for):
    officer = client_for(Role.OFFICER)
    url = reverse("measures:comparator_upload")
    good = b"measure,year,england,statistical_neighbours,source\nplaced_over_20_miles,2025,16,14.5,DfE\nhealth_assessment,2025,90,,DfE\n"
    response = officer.post(url, {"file": SimpleUploadedFile("comparators.csv", good, "text/csv")})
    assert response.status_code == 302
    assert Comparator.objects.count() == 2
    bad = (
        b"measure,year,england,statistical_neighbours,source\n"
        b"dental_check,2025,80,82,DfE\n"
        b"no_such_measure,2025,1,2,DfE\n"
        b"immunisations,20x5,abc,,DfE\n"
    )
    response = officer.post(url, {"file": SimpleUploadedFile("comparators.csv", bad, "text/csv")})
    html = response.content.decode()
    assert "Row 3: &#x27;no_such_measure&#x27; is not a measure identifier" in html
    assert "Row 4:" in html and "england &#x27;abc&#x27; is not a number" in html
    assert not Comparator.objects.filter(measure="dental_check").exists()  # nothing saved from a bad file
    fake = officer.post(url, {"file": SimpleUploadedFile("comparators.csv", b"\x00\x01PK", "text/csv")})
    assert "not a real CSV file" in fake.content.decode()


def test_population_gives_the_rate(cohort, client_for):
    officer = client_for(Role.OFFICER)
    response = officer.post(reverse("measures:population"), {"year": 2025, "population": 24000, "source": "ONS"})
    assert response.status_code == 302
    assert ChildPopulation.objects.get(year=2025).population == 24000
    html = officer.get(reverse("measures:measure_detail", args=["looked_after_rate_per_10000"])).content.decode()
    assert "Council 5" in html  # 12 children per 24,000 = 5 per 10,000


def test_year_can_be_chosen_and_an_unknown_year_falls_back_to_the_latest(cohort, client_for):
    older = cohort_return(2024)
    for _ in range(7):
        episode(older, child(), d("01/05/2023"))
    officer = client_for(Role.OFFICER)
    url = reverse("measures:measure_list")
    assert "Measures for 2024-25" in officer.get(url).content.decode()
    chosen = officer.get(url, {"year": 2024}).content.decode()
    assert "Measures for 2023-24" in chosen
    assert "Measures for 2024-25" in officer.get(url, {"year": 1999}).content.decode()


def test_the_measures_pages_are_cached_per_role_and_show_every_change_at_once(cohort, make_user, django_assert_max_num_queries):
    """
    Their HTML is kept under the figures' version: a new child, a target or an England figure shows on the next
    request, and a councillor is never given the page an officer saw first (or the other way round).
    """
    from django.test import Client

    from measures import services

    officer, councillor = Client(), Client()
    officer.force_login(make_user(Role.OFFICER))
    councillor.force_login(make_user(Role.COUNCILLOR))
    measure_list = reverse("measures:measure_list")
    detail = reverse("measures:measure_detail", args=["placed_over_20_miles"])

    # 3 of the 12 children live more than 20 miles away: 3/12 = 25%, a small number withheld from councillors.
    assert "25%" in officer.get(detail).content.decode() and "25%" in officer.get(measure_list).content.decode()
    with django_assert_max_num_queries(4):  # session, person, the years with a return, the figures' version
        assert "25%" in officer.get(measure_list).content.decode()
    for url in (detail, measure_list):
        html = councillor.get(url).content.decode()
        assert "25%" not in html and "[c]" in html and "Children counted" not in html
    assert "Children counted" in officer.get(detail).content.decode()

    # A 13th child, placed nearby: 3/13 = 23.08%, shown as 23%.
    episode(cohort, child(), d("01/06/2024"), distance_miles=2)
    for url in (detail, measure_list):
        html = officer.get(url).content.decode()
        assert "23%" in html and "25%" not in html

    services.save_target(measure="placed_over_20_miles", value=Decimal("10"), amber_margin=Decimal("5"), user=None)
    assert "app-rag--red" in officer.get(detail).content.decode()  # 23% against at most 10% (amber to 15%)

    assert "21%" not in councillor.get(measure_list).content.decode()
    Comparator.objects.create(measure="placed_over_20_miles", year=2025, england=Decimal("21"))
    assert "21%" in councillor.get(measure_list).content.decode()  # England's figure beside ours
    assert "+2 points" in officer.get(detail).content.decode()  # 23.08 - 21 = 2.08 percentage points
