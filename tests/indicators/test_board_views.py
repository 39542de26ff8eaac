"""Board views (heat map, trends, overdue actions) and the selectors the dashboards call."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from indicators import selectors, services
from indicators.models import ImprovementAction

from .conftest import ANSWERS

TODAY = timezone.localdate()


@pytest.fixture
def two_cycles(framework, cycle, author, approve):
    """Last year approved (QI 1.1 graded 3, QI 1.2 graded 5); this year QI 1.1 approved at 4, QI 1.2 in draft at 2."""
    last_year = services.open_cycle(
        framework=framework, name="2024-25", level="strategic", starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2025, 3, 31), created_by=author, assigned_officer=author,
    )
    old = {e.indicator.number: e for e in last_year.evaluations.select_related("indicator")}
    approve(old["QI 1.1"], grade=3, meeting_date=datetime.date(2025, 5, 1))
    approve(old["QI 1.2"], grade=5, meeting_date=datetime.date(2025, 5, 1))
    new = {e.indicator.number: e for e in cycle.evaluations.select_related("indicator")}
    approve(new["QI 1.1"], grade=4)
    services.update_evaluation(new["QI 1.2"], author, **{**ANSWERS, "grade": 2})
    return last_year, cycle


def _cells(html):
    return html.split("<tbody")[1]


def test_heat_map_shows_grade_numbers_and_words_per_indicator_and_cycle(client_for, two_cycles):
    client = client_for(Role.OFFICER)
    html = client.get(reverse("indicators:heat_map")).content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    body = _cells(html)
    # Each cell is labelled with its cycle, which a phone shows beside the grade when the rows stack.
    assert 'app-grade-3" data-label="2024-25 Strategic">3 Adequate' in body
    assert 'app-grade-4" data-label="2025-26 Strategic">4 Good' in body
    assert 'app-grade-5" data-label="2024-25 Strategic">5 Very good' in body
    assert 'app-grade-2" data-label="2025-26 Strategic">2 Weak' in body and "(draft)" in body  # the draft, marked
    assert html.index(">2024-25<") < html.index(">2025-26<")  # oldest cycle first
    assert "QI 2.1 Vision" in body and "Not graded" in body


def test_councillors_see_only_approved_grades_on_the_heat_map_and_trend(client_for, two_cycles, evaluation):
    client = client_for(Role.COUNCILLOR)
    body = _cells(client.get(reverse("indicators:heat_map")).content.decode())
    assert "4 Good" in body and "5 Very good" in body
    assert "2 Weak" not in body and "(draft)" not in body
    trend = client.get(reverse("indicators:indicator_trend", args=[evaluation.indicator_id])).content.decode()
    assert "3 Adequate" in trend and "4 Good" in trend and "Up 1 grade" in trend


def test_trend_of_an_indicator_across_cycles(two_cycles, evaluation, author):
    trend = selectors.indicator_trend(evaluation.indicator, author)
    assert [(e.cycle.name, e.grade, e.change_text) for e in trend] == [
        ("2024-25", 3, "First cycle"), ("2025-26", 4, "Up 1 grade"),
    ]


def test_latest_approved_grades_picks_each_indicators_latest_approved_cycle(two_cycles, django_assert_num_queries):
    with django_assert_num_queries(1):
        latest = {e.indicator.number: (e.cycle.name, e.grade) for e in selectors.latest_approved_grades()}
    # QI 1.2's draft grade this year is ignored: its latest approved grade is last year's.
    assert latest == {"QI 1.1": ("2025-26", 4), "QI 1.2": ("2024-25", 5)}


def test_overdue_and_due_actions(two_cycles, evaluation, author, moderator, client_for):
    draft = two_cycles[1].evaluations.get(indicator__number="QI 1.2")
    overdue = ImprovementAction.objects.create(evaluation=evaluation, description="Late action", owner=author, due_on=TODAY - datetime.timedelta(days=1))
    soon = ImprovementAction.objects.create(evaluation=evaluation, description="Due soon", owner=author, due_on=TODAY + datetime.timedelta(days=20))
    ImprovementAction.objects.create(evaluation=evaluation, description="Far off", owner=author, due_on=TODAY + datetime.timedelta(days=90))
    ImprovementAction.objects.create(evaluation=evaluation, description="Done late", owner=author, due_on=TODAY - datetime.timedelta(days=30), status="done", completed_on=TODAY)
    ImprovementAction.objects.create(evaluation=draft, description="Draft action late", owner=moderator, due_on=TODAY - datetime.timedelta(days=3))

    assert list(selectors.overdue_actions(today=TODAY).values_list("description", flat=True)) == ["Draft action late", "Late action"]
    assert list(selectors.improvement_actions_due(author, today=TODAY)) == [overdue, soon]
    assert list(selectors.improvement_actions_due(moderator, within_days=0, today=TODAY).values_list("description", flat=True)) == ["Draft action late"]
    assert overdue.is_overdue(TODAY) and not soon.is_overdue(TODAY)

    councillor = client_for(Role.COUNCILLOR)
    html = councillor.get(reverse("indicators:overdue_actions")).content.decode()
    assert "Late action" in html and "Overdue" in html and "app-overdue" in html
    assert "Draft action late" not in html  # from an evaluation the board has not approved


def test_evaluations_to_complete(cycle, author, moderator, make_user):
    first = cycle.evaluations.get(indicator__number="QI 1.1")
    services.update_evaluation(first, author, **ANSWERS)
    services.submit_evaluation(first, author)
    services.update_evaluation(cycle.evaluations.get(indicator__number="QI 2.1"), author, assigned_officer=moderator)
    assert sorted(e.indicator.number for e in selectors.evaluations_to_complete(author)) == ["QI 1.2"]
    assert [e.indicator.number for e in selectors.evaluations_to_complete(moderator)] == ["QI 2.1"]
    assert len(selectors.evaluations_to_complete(make_user(Role.ADMINISTRATOR))) == 2
    assert not selectors.evaluations_to_complete(make_user(Role.COUNCILLOR)).exists()


def test_pages_run_a_fixed_number_of_queries_whatever_the_data(client_for, framework, author, approve):
    client = client_for(Role.OFFICER)

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        result = {}
        for name in ("heat_map", "action_list", "overdue_actions", "cycle_list"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(f"indicators:{name}")).status_code == 200
            result[name] = len(queries)
        return result

    def add_cycle(year):
        cycle = services.open_cycle(
            framework=framework, name=f"{year}-{str(year + 1)[-2:]}", level="strategic",
            starts_on=datetime.date(year, 4, 1), ends_on=datetime.date(year + 1, 3, 31), created_by=author, assigned_officer=author,
        )
        for evaluation in cycle.evaluations.all():
            approve(evaluation, grade=3)
            ImprovementAction.objects.create(evaluation=evaluation, description="Act", owner=author, due_on=datetime.date(year, 6, 1))

    add_cycle(2020)
    small = counts()
    for year in (2021, 2022, 2023):
        add_cycle(year)
    assert counts() == small


def test_trend_page_draws_a_chart_with_a_text_alternative(client_for, two_cycles, evaluation):
    html = client_for(Role.OFFICER).get(reverse("indicators:indicator_trend", args=[evaluation.indicator_id])).content.decode()
    assert '<svg' in html and 'role="img"' in html and "QI 1.1 grade by cycle" in html
    assert "3 Adequate" in html and "4 Good" in html  # the same figures in the table
