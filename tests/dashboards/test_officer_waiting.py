"""The officer's page leads with what is waiting for that officer, and warns only about imports still unanswered."""
import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards import services as board_services
from boards.models import Board, PledgeCommitment
from children.models import CohortImport
from indicators import services as evaluation_services
from tests.boards.conftest import PDF, at
from tests.indicators.conftest import ANSWERS

URL = reverse("dashboards:officer")


def _framework(indicators):
    return evaluation_services.load_framework({
        "slug": "waiting", "name": "Waiting framework", "description": "", "source": "Tests.",
        "areas": [{"number": 1, "name": "Outcomes", "indicators": [
            {"number": f"QI 1.{n}", "title": f"Indicator {n}", "excellent": "Better.", "weak": "Worse."}
            for n in range(1, indicators + 1)
        ]}],
    })


def _cycle(framework, name, officer):
    return evaluation_services.open_cycle(
        framework=framework, name=name, level="strategic", starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31), created_by=officer, assigned_officer=officer,
    )


def _submit(evaluation, officer):
    evaluation = evaluation_services.update_evaluation(evaluation, officer, **ANSWERS)
    return evaluation_services.submit_evaluation(evaluation, officer)


@pytest.fixture
def work(make_user):
    """
    For officer "me": 12 evaluations another officer submitted (to moderate), 12 of my own in draft (13
    assigned, one submitted: my own is not mine to moderate), 3 pledge promises, 2 papers owed for a meeting to
    come, and 3 actions overdue or due within 30 days; with others' work and later work that must not count.
    """
    today = timezone.localdate()
    me, other = make_user(Role.OFFICER, username="me"), make_user(Role.OFFICER, username="other")
    framework = _framework(13)
    theirs = _cycle(framework, "2025-26 theirs", other)
    for evaluation in theirs.evaluations.all()[:12]:
        _submit(evaluation, other)
    mine = _cycle(framework, "2025-26 mine", me)
    evaluations = list(mine.evaluations.all())
    _submit(evaluations[0], me)
    evaluation_services.add_action(evaluations[1], me, description="Audit case files", owner=me, due_on=today + datetime.timedelta(days=5))
    evaluation_services.add_action(evaluations[1], me, description="Later work", owner=me, due_on=today + datetime.timedelta(days=90))

    for number, owner in ((1, me), (2, me), (3, me), (4, other)):
        board_services.save_commitment(PledgeCommitment(), number=number, commitment=f"Promise {number}", owner=owner)

    board = Board.objects.create(name="Board", quorum=2)
    held = board_services.schedule_meeting(board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall")
    coming = board_services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=40)), venue="Hall")
    board_services.add_agenda_item(meeting=held, title="Past report", report_author=me)
    board_services.add_agenda_item(meeting=coming, title="Sufficiency report", report_author=me)
    board_services.add_agenda_item(meeting=coming, title="Health report", report_author=me)
    board_services.add_agenda_item(meeting=coming, title="Their report", report_author=other)
    sent = board_services.add_agenda_item(meeting=coming, title="Sent report", report_author=me)
    board_services.upload_paper(agenda_item=sent, title="Sent", uploaded_by=me, file=ContentFile(PDF, name="sent.pdf"))
    for days in (-3, 20, 60):
        board_services.create_action(meeting=held, description=f"Action due in {days} days", owner=me, due_on=today + datetime.timedelta(days=days))
    board_services.create_action(meeting=held, description="Theirs", owner=other, due_on=today)
    return me


def _waiting(html):
    block = html[html.index('id="waiting"'):html.index('id="moderate"')]
    return {
        label.strip(): (int(count), anchor)
        for anchor, count, label in re.findall(r'href="#([\w-]+)"><span class="app-waiting__count">(\d+)</span>([^<]+)</a>', block)
    }


def test_the_officers_page_leads_with_what_is_waiting_in_constant_queries(work, client, django_assert_max_num_queries):
    client.force_login(work)
    with django_assert_max_num_queries(26):
        html = client.get(URL).content.decode()
    assert _waiting(html) == {
        "evaluations to moderate": (12, "moderate"),
        "self-evaluations to complete": (12, "self-evaluation"),
        "Care Pledge promises you own": (3, "pledge"),
        "papers you owe for meetings": (2, "papers"),
        "actions overdue or due in the next 30 days": (3, "due"),
    }
    for anchor in ("moderate", "self-evaluation", "pledge", "papers", "due"):
        assert f'id="{anchor}"' in html
    assert html.index('id="waiting"') < html.index('id="data"')  # before the cohort data
    assert "Sufficiency report" in html and "Past report" not in html and "Their report" not in html
    assert "Action due in -3 days" in html and "Action due in 60 days" not in html and "Later work" not in html


def test_the_number_of_queries_does_not_grow_with_the_work(work, make_user, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django.core.cache import cache

    client.force_login(work)
    client.get(URL)  # the first request of a session does some things once
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    framework = _framework(13)
    other = make_user(Role.OFFICER)
    more = evaluation_services.open_cycle(
        framework=framework, name="2026-27", level="strategic", starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31), created_by=other, assigned_officer=other,
    )
    for evaluation in more.evaluations.all():
        _submit(evaluation, other)
    for number in range(5, 20):
        board_services.save_commitment(PledgeCommitment(), number=number, commitment=f"Promise {number}", owner=work)
    cache.clear()
    with django_assert_num_queries(len(before.captured_queries)):
        html = client.get(URL).content.decode()
    assert _waiting(html)["evaluations to moderate"] == (25, "moderate")
    assert _waiting(html)["Care Pledge promises you own"] == (18, "pledge")


def test_each_waiting_link_leads_to_a_page_the_officer_may_open(work, client):
    client.force_login(work)
    html = client.get(URL).content.decode()
    section = html[html.index('id="moderate"'):html.index('id="data"')]
    links = set(re.findall(r'href="(/[^"#]+)"', section))
    assert any("/moderate/" in link for link in links) and any("/pledge/" in link for link in links)
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def _import(year, status, created, errors=0):
    item = CohortImport.objects.create(year=year, status=status, error_count=errors)
    CohortImport.objects.filter(pk=item.pk).update(created_at=created)
    return item


def test_a_good_reimport_answers_older_failed_imports_of_that_year(client_for):
    now = timezone.now()
    failed, succeeded = CohortImport.Status.FAILED, CohortImport.Status.SUCCEEDED
    _import(2024, failed, now - datetime.timedelta(days=3), errors=7)
    _import(2024, succeeded, now - datetime.timedelta(days=3, hours=2), errors=2)  # earlier, with problems
    _import(2024, succeeded, now - datetime.timedelta(days=2))  # the good re-import
    _import(2025, failed, now - datetime.timedelta(days=1), errors=4)  # nothing answers this one
    _import(2023, succeeded, now - datetime.timedelta(days=5))
    _import(2023, failed, now - datetime.timedelta(days=4), errors=9)  # failed after the good one: still a warning
    html = client_for(Role.OFFICER).get(URL).content.decode()
    warnings = re.findall(r"The (\d{4}-\d{2}) import of [^<]* (failed|has problems) with (\d+) error", html)
    assert sorted(warnings) == [("2022-23", "failed", "9"), ("2024-25", "failed", "4")]
