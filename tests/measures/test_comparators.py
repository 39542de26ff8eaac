"""
Comparators loaded as the DfE publishes them (an Explore Education Statistics data file), and every value
range-checked by its measure's unit.
"""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from measures import services
from measures.models import Comparator, ComparisonAuthority

pytestmark = pytest.mark.django_db

COUNCIL = "E10000034"
NEIGHBOURS = [f"E100000{n:02d}" for n in range(10, 20)]
HEADING = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
           "new_la_code,old_la_code,la_name,cla_group,characteristic,number,percentage")


def row(period, level, code, name, characteristic, number, percentage):
    region = "" if level == "National" else "E12000005"
    return (f"{period},Reporting year,{level},E92000001,England,{region},,{code},,{name},Placement,"
            f"{characteristic},{number},{percentage}")


def ees_file(percentages):
    """Foster placements in 2023 and 2024 (and a row for another placement type the filters leave out)."""
    lines = [HEADING]
    for period, (england, council, neighbours) in percentages.items():
        lines.append(row(period, "National", "", "", "Foster placements", 57000, england))
        lines.append(row(period, "National", "", "", "Secure units", 2000, 2))
        lines.append(row(period, "Local authority", COUNCIL, "Wyvern", "Foster placements", 600, council))
        for code, value in zip(NEIGHBOURS, neighbours):
            lines.append(row(period, "Local authority", code, f"LA {code}", "Foster placements", "c" if value == "c" else 100, value))
        lines.append(row(period, "Local authority", "E10000099", "Not a neighbour", "Foster placements", 50, 10))
    return SimpleUploadedFile("la_cla_placement.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.fixture
def authorities(db):
    services.save_authorities(
        council_code=COUNCIL, council_name="Wyvern", neighbours=[(code, f"LA {code}") for code in NEIGHBOURS]
    )


def test_an_ees_file_gives_england_the_council_and_the_neighbours_average(authorities):
    neighbours_2024 = [70, 72, 68, 66, 74, 70, 71, 69, "c", 73]  # one withheld: the average is of nine
    neighbours_2023 = [60] * 10
    reading = services.load_ees_file(
        ees_file({"2024": (68, 75, neighbours_2024), "202223": (67, 74, neighbours_2023)}),
        measure="placement_foster", indicator="percentage",
        filters={"cla_group": "Placement", "characteristic": "Foster placements"}, user=None,
    )
    assert not reading.problems
    latest = Comparator.objects.get(measure="placement_foster", year=2024)
    # (70 + 72 + 68 + 66 + 74 + 70 + 71 + 69 + 73) / 9 = 633 / 9 = 70.33
    assert (latest.england, latest.council_published, latest.statistical_neighbours, latest.neighbours_reporting) == (
        Decimal("68"), Decimal("75"), Decimal("70.33"), 9
    )
    earlier = Comparator.objects.get(measure="placement_foster", year=2023)  # time period 202223 ends in 2023
    assert (earlier.england, earlier.statistical_neighbours, earlier.neighbours_reporting) == (Decimal("67"), Decimal("60"), 10)
    assert "EES" in latest.source and "la_cla_placement.csv" in latest.source


def test_proportions_are_refused_with_the_reason_and_nothing_is_saved(authorities):
    reading = services.load_ees_file(
        ees_file({"2024": ("0.68", "0.75", ["0.7"] * 10)}), measure="placement_foster", indicator="percentage",
        filters={"cla_group": "Placement", "characteristic": "Foster placements"}, user=None,
    )
    assert reading.problems and "proportions, not percentages" in reading.problems[0]
    assert not Comparator.objects.exists()


def test_a_missing_column_is_named(authorities):
    reading = services.load_ees_file(
        ees_file({"2024": (68, 75, [70] * 10)}), measure="placement_foster", indicator="rate_per_10000",
        filters={}, user=None,
    )
    assert "no column called rate_per_10000" in reading.problems[0]


def test_filters_that_leave_two_rows_a_year_are_refused(authorities):
    reading = services.load_ees_file(
        ees_file({"2024": (68, 75, [70] * 10)}), measure="placement_foster", indicator="percentage",
        filters={"cla_group": "Placement"}, user=None,  # foster and secure units both match for England
    )
    assert any("the filters do not pick out one row" in problem for problem in reading.problems)
    assert not Comparator.objects.exists()


def test_an_officer_loads_a_file_through_the_page(authorities, client_for):
    officer = client_for(Role.OFFICER)
    response = officer.post(reverse("measures:ees_upload"), {
        "file": ees_file({"2024": (68, 75, [70] * 10)}), "measure": "placement_foster", "indicator": "percentage",
        "filters": "cla_group=Placement; characteristic=Foster placements",
    })
    assert response.status_code == 302
    assert Comparator.objects.get(measure="placement_foster", year=2024).statistical_neighbours == Decimal("70")
    assert client_for(Role.COUNCILLOR).get(reverse("measures:ees_upload")).status_code == 403


def test_a_percentage_typed_as_a_proportion_is_refused_with_the_reason(client_for):
    url = reverse("measures:comparator_edit", args=["placement_foster"])
    html = client_for(Role.OFFICER).post(url, {"year": 2024, "england": "0.68", "source": "typed"}).content.decode()
    assert "looks like a proportion, not a percentage" in html and "enter 68 for 68%" in html
    assert not Comparator.objects.exists()
    html = client_for(Role.OFFICER).post(url, {"year": 2024, "england": "120"}).content.decode()
    assert "outside 0 to 100" in html


def test_the_council_and_ten_neighbours_are_chosen_once(client_for):
    officer = client_for(Role.OFFICER)
    url = reverse("measures:authorities")
    lines = "\n".join(f"{code}, LA {code}" for code in NEIGHBOURS)
    response = officer.post(url, {"council_code": COUNCIL, "council_name": "Wyvern", "neighbours": lines})
    assert response.status_code == 302
    assert ComparisonAuthority.objects.filter(is_council=False).count() == 10
    nine = "\n".join(f"{code}, LA {code}" for code in NEIGHBOURS[:9])
    html = officer.post(url, {"council_code": COUNCIL, "council_name": "Wyvern", "neighbours": nine}).content.decode()
    assert "Enter ten statistical neighbours" in html
    with_self = "\n".join(f"{code}, LA" for code in [*NEIGHBOURS[:9], COUNCIL])
    html = officer.post(url, {"council_code": COUNCIL, "council_name": "Wyvern", "neighbours": with_self}).content.decode()
    assert "cannot be one of its own statistical neighbours" in html
