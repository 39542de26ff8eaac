"""
Compared with England in three bands, "similar" defined once (``measures.figures.SIMILAR_WITHIN``: within 5% of
England's figure), and no "Not entered" where no comparator can exist (a count of the council's children).
"""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from measures.figures import ABOVE, BELOW, BETTER, SIMILAR, SIMILAR_WITHIN, WORSE, compare
from measures.models import Comparator
from measures.registry import get


def test_similar_is_within_five_percent_of_englands_figure():
    assert SIMILAR_WITHIN == 0.05


@pytest.mark.parametrize(
    "identifier, value, england, band",
    [
        # Higher is better. England 80%: similar from 76% to 84% (5% of 80 is 4 points).
        ("care_leavers_in_touch", 84.0, 80.0, SIMILAR),
        ("care_leavers_in_touch", 76.0, 80.0, SIMILAR),
        ("care_leavers_in_touch", 84.5, 80.0, BETTER),
        ("care_leavers_in_touch", 75.5, 80.0, WORSE),
        ("care_leavers_in_touch", 80.0, 80.0, SIMILAR),  # 0 points is similar, not "better"
        ("care_leavers_in_touch", 79.0, 80.0, SIMILAR),  # 1 point behind is similar, not "worse"
        ("care_leavers_in_touch", 84.0, 92.0, WORSE),  # 8 points behind 92% (the annual report's example)
        # Lower is better. England 10%: similar from 9.5% to 10.5%.
        ("three_or_more_placements", 10.5, 10.0, SIMILAR),
        ("three_or_more_placements", 11.0, 10.0, WORSE),
        ("three_or_more_placements", 9.0, 10.0, BETTER),
        # Neither is better: higher or lower, never better or worse. England 68%: similar from 64.6% to 71.4%.
        ("placement_foster", 75.0, 68.0, ABOVE),
        ("placement_foster", 60.0, 68.0, BELOW),
        ("placement_foster", 70.0, 68.0, SIMILAR),
    ],
)
def test_each_band_follows_from_the_definition(identifier, value, england, band):
    assert compare(get(identifier), value, england) == band


def test_no_band_without_both_figures():
    measure = get("care_leavers_in_touch")
    assert compare(measure, None, 80.0) is None and compare(measure, 80.0, None) is None


def _row(html, title):
    row = html[html.index(title):]
    return row[: row.index("</tr>")]


def _band(client, url, title):
    html = client.get(url).content.decode()
    row = _row(html[html.index('id="summary"'):], title)  # the headline figures at the top of the page
    return re.search(r'data-label="Against England">(?:<strong[^>]*>)?([^<]+)<', row).group(1)


def test_the_chief_executives_page_bands_explains_similar_and_says_when_no_comparator_can_exist(db, client_for):
    from dashboards.selectors import CHIEF_EXECUTIVE_HEADLINES
    from measures.figures import measure_panel
    from tests.dashboards.factories import bulk_cohort

    bulk_cohort(60, year=2025)
    panel = measure_panel(suppress=True)
    figure = next(
        f for f in panel.figures([identifier for _question, identifier in CHIEF_EXECUTIVE_HEADLINES])
        if f.visible is not None and f.visible >= 10 and f.measure.better
    )
    comparator = Comparator.objects.create(measure=figure.measure.identifier, year=2025, england=Decimal(str(figure.visible)))
    client = client_for(Role.CHIEF_EXECUTIVE)
    url = reverse("dashboards:chief_executive")
    assert _band(client, url, figure.measure.title) == "Similar"  # the same as England
    comparator.england = Decimal(str(round(figure.visible * 1.5, 1)))  # England half as high again: 50% apart
    comparator.save()
    assert _band(client, url, figure.measure.title) == ("Worse" if figure.measure.better == "higher" else "Better")

    html = client.get(url).content.decode()
    assert "Similar</strong> means within 5% of the comparator" in html
    count_row = _row(html, "Children looked after at 31 March</a>")
    assert "Not entered" not in count_row and "Not comparable" in count_row
