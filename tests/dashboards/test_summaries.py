"""
The summary at the top of each dashboard: headline figures with their change from last year and their bands
against England and neighbours; the councillor's questions in order of need; children's say this year.
"""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards.models import ChildrensView, Response, Theme, ViewSource
from core import collection_year
from measures.figures import measure_panel
from measures.models import Comparator, Target
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """
    The same 20 children looked after at 31 March 2024 and 2025, placed more than 20 miles from home: 5 of
    them in 2024 (25%), 10 in 2025 (50%). England 30% and neighbours 48% in 2025; the target 40%, amber to 45%.
    Three or more placements: none in 2024 (each child in one placement all year); 3 of 20 in 2025 (15%),
    who moved twice with a new carer (P), far from home each time.
    """
    make_codes()
    kids = [child() for _ in range(20)]
    before, after = cohort_return(2024), cohort_return(2025)
    for n, kid in enumerate(kids):
        episode(before, kid, d("01/05/2022"), distance_miles=30 if n < 5 else 2)
        if n < 3:  # the placement open on 1 April 2024 and two more: three in the year
            episode(after, kid, d("01/05/2022"), d("01/06/2024"), rec="X1", distance_miles=30)
            episode(after, kid, d("01/06/2024"), d("01/08/2024"), rec="X1", rne="P", distance_miles=30)
            episode(after, kid, d("01/08/2024"), rne="P", distance_miles=30)
        elif 5 <= n < 10:  # moved on 1 June 2024 to a placement far from home (X1: care goes on)
            episode(after, kid, d("01/05/2022"), d("01/06/2024"), rec="X1", distance_miles=2)
            episode(after, kid, d("01/06/2024"), rne="P", distance_miles=30)
        else:
            episode(after, kid, d("01/05/2022"), distance_miles=30 if n < 5 else 2)
    Comparator.objects.create(
        measure="placed_over_20_miles", year=2025, england=Decimal("30"), statistical_neighbours=Decimal("48")
    )
    Target.objects.create(measure="placed_over_20_miles", value=Decimal("40"), amber_margin=Decimal("5"))


def test_a_headline_figure_says_its_change_from_last_year_and_its_bands(two_years):
    figure = measure_panel(suppress=True).figure("placed_over_20_miles")
    # 50% - 25% = +25 points; fewer children far from home is better, so the rise is worse.
    assert (figure.change, figure.change_text, figure.change_direction) == (25, "+25 points", "worsened")
    # 50 against England's 30: 20 points apart, more than 5% of 30 (1.5), on the worse side.
    assert figure.compared_with_england == "worse"
    # 50 against neighbours' 48: 2 points apart, within 5% of 48 (2.4): similar.
    assert figure.compared_with_neighbours == "similar"
    assert figure.rag == "red"  # 50 is above 40 + 5
    looked_after = measure_panel(suppress=True).figure("looked_after_at_31_march")
    assert (looked_after.change, looked_after.change_text) == (0, "No change")  # 20 then 20


def test_the_chief_executive_reads_the_headlines_first(two_years, client_for):
    html = client_for(Role.CHIEF_EXECUTIVE).get(reverse("dashboards:chief_executive")).content.decode()
    summary = html[html.index('id="summary"'):html.index('id="how-many"')]
    row = summary[summary.index("Placed more than 20 miles from home"):]
    row = row[:row.index("</tr>")]
    assert "50%" in row and "+25 points, worse" in row
    assert re.search(r"Worse</strong>\s*<span class=\"govuk-body-s\">30%", row)
    assert re.search(r"Similar</strong>\s*<span class=\"govuk-body-s\">48%", row)
    assert "app-rag--red" in row
    # The detail below leaves out what the summary shows, and keeps the rest of each question's figures.
    detail = html[html.index('id="how-many"'):html.index('id="governance"')]
    assert "Placed more than 20 miles from home" not in detail and "Placed with foster carers" in detail


def _rows(section):
    """``{measure title: its row's HTML}`` for every row of figures in ``section``."""
    return {
        title: row for row, title in re.findall(r'(<tr class="govuk-table__row">\s*<th scope="row"[^>]*><a [^>]*>([^<]+)</a>.*?</tr>)', section, re.S)
    }


def test_the_councillor_and_officer_summaries_lead_with_the_headline_figures(two_years, client_for, client):
    looked_after, stable = "Children looked after at 31 March", "Three or more placements in the year"
    care_leavers, far = "Care leavers aged 19 to 21 in education, employment or training", "Placed more than 20 miles from home"
    html = client_for(Role.COUNCILLOR).get(reverse("dashboards:councillor")).content.decode()
    summary = _rows(html[html.index('id="summary"'):html.index('id="similar"')])
    # How many, how stable, care leavers, then the one measure red against its target.
    assert list(summary) == [looked_after, stable, care_leavers, far]
    assert re.search(r">20\s*</td>", summary[looked_after]) and "No change" in summary[looked_after]
    # 3 of 20 children: withheld from councillors, with nothing worked out from it (no change, no rating).
    assert "[c]" in summary[stable] and "Withheld to protect confidentiality" in summary[stable]
    assert "15%" not in summary[stable] and "No figure to compare" in summary[stable] and "app-rag" not in summary[stable]
    assert "50%" in summary[far] and "+25 points, worse" in summary[far] and "app-rag--red" in summary[far]
    assert "within 5% of the comparator" in html[html.index('id="similar"'):html.index('id="questions"')]
    # The questions below leave out the summary's figures and keep the rest.
    detail = _rows(html[html.index('id="questions"'):html.index('id="childrens-voice"')])
    assert not set(summary) & set(detail) and "Placed with foster carers" in detail
    client.logout()
    html = client_for(Role.OFFICER).get(reverse("dashboards:officer")).content.decode()
    summary = _rows(html[html.index('id="summary"'):html.index('id="similar"')])
    assert list(summary) == [looked_after, stable, care_leavers, far]
    # Officers see the 3 of 20 in full: 15%, up from 0% (fewer moves is better).
    assert "15%" in summary[stable] and "+15 points, worse" in summary[stable]
    off_target = html[html.index('id="off-target"'):]
    assert far not in off_target and "No measure besides the headline figures above is red or amber" in off_target


def test_a_question_whose_measure_is_red_or_behind_neighbours_is_asked_first(two_years, client_for):
    html = client_for(Role.COUNCILLOR).get(reverse("dashboards:councillor")).content.decode()
    close_to_home = "Are our children living in family settings, close to home?"
    how_many = "How many children are we looking after"
    attention = html[html.index('id="attention"'):html.index('id="questions"')]
    assert close_to_home in attention and how_many not in attention
    questions = html[html.index('id="questions"'):]
    asked_first = questions[questions.index(close_to_home) - 400:questions.index(close_to_home)]
    # Red, and only red: 50% is similar to neighbours' 48%.
    assert "Placed more than 20 miles from home: red against the board&#x27;s target." in asked_first
    assert questions.index(close_to_home) < questions.index(how_many)  # the guides put "how many" first
    # The summary (next meeting and the person's actions) comes before every question.
    assert html.index('id="next-meeting"') < html.index('id="actions"') < html.index('id="questions"')


def test_childrens_say_this_year_on_both_dashboards(client_for, make_user, client):
    today = timezone.localdate()
    this_year = collection_year.current(today)
    heard_this_year = collection_year.starts_on(this_year)
    heard_last_year = heard_this_year - datetime.timedelta(days=1)
    views = [
        ChildrensView.objects.create(view=text, heard_on=day, source=ViewSource.SURVEY, service_area=Theme.HEALTH)
        for text, day in (("More dentists", heard_this_year), ("Wifi", heard_this_year), ("Old", heard_last_year))
    ]
    Response.objects.create(childrens_view=views[0], we_did="Booked", decision="Yes", reason="Asked", published=True)
    Response.objects.create(childrens_view=views[1], we_did="Asked", decision="Later", reason="Cost")
    label = collection_year.label(this_year)
    html = client_for(Role.CHIEF_EXECUTIVE).get(reverse("dashboards:chief_executive")).content.decode()
    # Two views heard this year, both answered, one answer published; last year's view is not counted.
    assert f"2 of 2</span> children's views answered in {label}, 1 published" in html
    client.logout()
    html = client_for(Role.COUNCILLOR).get(reverse("dashboards:councillor")).content.decode()
    voice = html[html.index('id="childrens-voice"'):html.index('id="pledge"')]
    assert f"2</span> views heard in {label}" in voice and "1</span> &ldquo;you said, we did&rdquo; published" in voice
