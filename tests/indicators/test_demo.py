"""The demo self-evaluation loads through the real services and every page renders for each reader."""
import datetime

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from boards import demo as boards_demo
from indicators import demo
from indicators.models import Cycle, Evaluation, EvaluationStatus, EvidenceItem
from indicators.selectors import overdue_actions

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def demo_context(db):
    context = {"today": TODAY, "stdout": open("/dev/null", "w")}
    accounts_demo.load(context)
    demo.load(context)
    boards_demo.load(context)  # holds the meetings, and so records the board's approvals
    return context


def test_demo_has_approved_past_cycles_and_a_current_cycle_part_way_through(demo_context):
    current = demo_context["current_cycle"]
    assert current.name == "2026-27"
    past = Cycle.objects.exclude(pk=current.pk)
    assert past.count() == 2
    for cycle in past:
        assert set(cycle.evaluations.values_list("status", flat=True)) == {EvaluationStatus.APPROVED}
    statuses = set(current.evaluations.values_list("status", flat=True))
    assert {"draft", "submitted", "moderated", "returned"} <= statuses
    assert overdue_actions(today=TODAY).exists()
    documents = EvidenceItem.objects.exclude(file="")
    assert {item.evaluation.status for item in documents} == {"approved", "draft"}
    for item in documents:
        with item.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_every_demo_page_renders_for_an_officer_and_a_councillor(demo_context, client, django_assert_max_num_queries):
    evaluation = Evaluation.objects.filter(status="approved").first()
    urls = [
        reverse("indicators:cycle_list"),
        reverse("indicators:cycle_detail", args=[evaluation.cycle_id]),
        reverse("indicators:evaluation_detail", args=[evaluation.pk]),
        reverse("indicators:heat_map"),
        reverse("indicators:indicator_trend", args=[evaluation.indicator_id]),
        reverse("indicators:action_list"),
        reverse("indicators:overdue_actions"),
        reverse("indicators:framework_list"),
        reverse("indicators:framework_detail", args=[evaluation.cycle.framework_id]),
    ]
    for username in ("officer.carr", "cllr.okafor"):
        client.force_login(demo_context["people"][username])
        for url in urls:
            with django_assert_max_num_queries(12):
                response = client.get(url)
            assert response.status_code == 200, (username, url)
