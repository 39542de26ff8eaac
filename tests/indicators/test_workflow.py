"""
The workflow draft -> submitted -> moderated -> approved, with returns; the second-officer rule; the record
of every step; and approved evaluations staying read-only even against forged posts.
"""
import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from indicators import services
from indicators.models import EvaluationStatus, ImprovementAction
from indicators.services import WorkflowError

from .conftest import ANSWERS, held_meeting


def test_full_workflow_through_the_pages_records_who_and_when(client, evaluation, author, moderator):
    client.force_login(author)
    edit = reverse("indicators:evaluation_edit", args=[evaluation.pk])
    response = client.post(edit, {**ANSWERS, "assigned_officer": author.pk})
    assert response.status_code == 302
    client.post(reverse("indicators:evaluation_submit", args=[evaluation.pk]), {"comment": "Ready."})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.submitted_by == author

    # The author cannot moderate their own work.
    response = client.post(reverse("indicators:evaluation_moderate", args=[evaluation.pk]), {"decision": "agree"})
    assert "Moderation needs a second officer" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED

    client.force_login(moderator)
    response = client.post(
        reverse("indicators:evaluation_moderate", args=[evaluation.pk]),
        {"decision": "return", "comment": "Add the audit findings."},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RETURNED

    client.force_login(author)
    client.post(edit, {**ANSWERS, "how_do_we_know": "Audit findings added.", "assigned_officer": author.pk})
    response = client.post(reverse("indicators:evaluation_submit", args=[evaluation.pk]), {})
    assert response.status_code == 302, response.content.decode()
    client.force_login(moderator)
    client.post(reverse("indicators:evaluation_moderate", args=[evaluation.pk]), {"decision": "agree"})
    meeting = held_meeting(datetime.date(2026, 5, 20))
    client.post(reverse("indicators:evaluation_approve", args=[evaluation.pk]), {"meeting": meeting.pk})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.APPROVED
    assert evaluation.approval_meeting == meeting and evaluation.board_approval_date == datetime.date(2026, 5, 20)
    assert evaluation.moderated_by == moderator

    steps = [(t.from_status, t.to_status, t.by.username, t.comment) for t in evaluation.transitions.all()]
    assert steps == [
        ("draft", "submitted", "author", "Ready."),
        ("submitted", "returned", "moderator", "Add the audit findings."),
        ("returned", "submitted", "author", ""),
        ("submitted", "moderated", "moderator", ""),
        ("moderated", "approved", "moderator", ""),
    ]
    assert all(t.at is not None for t in evaluation.transitions.all())
    page = client.get(reverse("indicators:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert "Add the audit findings." in page and "read-only" in page
    assert "Approved at the Corporate Parenting Board meeting on 20 May 2026." in page


def test_submitting_needs_a_grade_and_all_three_answers(evaluation, author):
    services.update_evaluation(evaluation, author, grade=3, how_good_are_we_now="Adequate.")
    with pytest.raises(WorkflowError) as error:
        services.submit_evaluation(evaluation, author)
    message = error.value.messages[0]
    assert "How do we know?" in message and "What will we do?" in message and "a grade" not in message


def test_only_the_assigned_officer_submits(evaluation, author, moderator, make_user):
    services.update_evaluation(evaluation, author, **ANSWERS)
    with pytest.raises(WorkflowError, match="Only the assigned officer"):
        services.submit_evaluation(evaluation, moderator)
    # An administrator (the clerk) may submit on someone's behalf.
    assert services.submit_evaluation(evaluation, make_user(Role.ADMINISTRATOR)).status == "submitted"


def test_returning_needs_a_comment_and_illegal_moves_are_refused(evaluation, author, moderator):
    services.update_evaluation(evaluation, author, **ANSWERS)
    with pytest.raises(WorkflowError, match="Only submitted evaluations can be moderated"):
        services.moderate_evaluation(evaluation, moderator, agree=True)
    with pytest.raises(WorkflowError, match="Only moderated evaluations can be approved"):
        services.approve_evaluation(evaluation, moderator, meeting=held_meeting(datetime.date(2026, 1, 1)))
    services.submit_evaluation(evaluation, author)
    with pytest.raises(WorkflowError, match="Say what needs to change"):
        services.moderate_evaluation(evaluation, moderator, agree=False, comment="  ")
    with pytest.raises(WorkflowError, match="Only draft or returned"):
        services.submit_evaluation(evaluation, author)
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    assert evaluation.transitions.count() == 1


def test_councillors_cannot_change_evaluations_even_through_services(evaluation, make_user):
    with pytest.raises(PermissionDenied):
        services.update_evaluation(evaluation, make_user(Role.COUNCILLOR), grade=6)


def test_approval_names_a_meeting_that_took_place_not_one_to_come_or_cancelled(client, evaluation, author, moderator):
    services.update_evaluation(evaluation, author, **ANSWERS)
    services.submit_evaluation(evaluation, author)
    services.moderate_evaluation(evaluation, moderator, agree=True)
    held = held_meeting(datetime.date(2026, 5, 20))
    coming = held_meeting(timezone.localdate() + datetime.timedelta(days=10))
    cancelled = held_meeting(datetime.date(2026, 4, 1))
    cancelled.status = "cancelled"
    cancelled.save()
    client.force_login(moderator)
    url = reverse("indicators:evaluation_approve", args=[evaluation.pk])
    page = client.get(url).content.decode()
    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == [str(held.pk)]
    assert "Corporate Parenting Board: 20 May 2026" in page
    for meeting in (coming, cancelled):
        response = client.post(url, {"meeting": meeting.pk})  # a forged choice
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {})
    assert "Choose the board meeting that approved it" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == "moderated" and evaluation.approval_meeting is None
    with pytest.raises(WorkflowError, match="has not taken place"):
        services.approve_evaluation(evaluation, moderator, meeting=coming)


def test_a_cycle_is_approved_only_when_every_evaluation_in_it_is_moderated(client, cycle, author, moderator):
    first, second, third = cycle.evaluations.order_by("indicator__number")
    for evaluation in (first, second, third):
        services.update_evaluation(evaluation, author, **ANSWERS)
        services.submit_evaluation(evaluation, author)
    services.moderate_evaluation(first, moderator, agree=True)
    meeting = held_meeting(datetime.date(2026, 6, 1))
    client.force_login(moderator)
    url = reverse("indicators:cycle_approve", args=[cycle.pk])
    response = client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 400
    assert (
        "The board can approve the cycle only when every evaluation in it is moderated: 1 of 3 are. Not yet "
        "moderated: QI 1.2 (submitted for moderation); QI 2.1 (submitted for moderation)."
    ) in response.content.decode()
    assert set(cycle.evaluations.values_list("status", flat=True)) == {"moderated", "submitted"}

    for evaluation in (second, third):
        services.moderate_evaluation(evaluation, moderator, agree=True)
    response = client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 302
    assert set(cycle.evaluations.values_list("status", "approval_meeting")) == {("approved", meeting.pk)}
    cycle.refresh_from_db()
    assert cycle.status == "closed"


def test_cycle_closes_when_the_board_has_approved_every_indicator(cycle, approve):
    for evaluation in cycle.evaluations.all():
        approve(evaluation)
    cycle.refresh_from_db()
    assert cycle.status == "closed"


def test_approved_evaluation_is_read_only_against_forged_posts(client, evaluation, approve, author, moderator, framework):
    evaluation = approve(evaluation, grade=4)
    action = ImprovementAction.objects.create(
        evaluation=evaluation, description="Recruit carers", owner=author, due_on=datetime.date(2026, 9, 1)
    )
    client.force_login(author)
    response = client.post(
        reverse("indicators:evaluation_edit", args=[evaluation.pk]),
        {**ANSWERS, "grade": 6, "status": "draft", "assigned_officer": author.pk},
    )
    assert "can no longer be changed" in response.content.decode()
    assert client.get(reverse("indicators:evaluation_edit", args=[evaluation.pk])).status_code == 302
    client.post(reverse("indicators:evidence_add", args=[evaluation.pk]), {"title": "Late", "text": "Sneaked in."})
    client.post(
        reverse("indicators:action_add", args=[evaluation.pk]),
        {"description": "New", "owner": author.pk, "due_on": "01/01/2027"},
    )
    client.post(reverse("indicators:action_delete", args=[action.pk]))
    client.post(reverse("indicators:evaluation_submit", args=[evaluation.pk]))
    evaluation.refresh_from_db()
    assert (evaluation.grade, evaluation.status) == (4, "approved")
    assert not evaluation.evidence.exists()
    assert list(evaluation.actions.values_list("description", flat=True)) == ["Recruit carers"]
    assert evaluation.transitions.count() == 3
    with pytest.raises(WorkflowError):
        services.update_evaluation(evaluation, moderator, grade=1)
    # Progress on an agreed action can still be recorded after approval.
    client.post(reverse("indicators:action_progress", args=[action.pk]), {"status": "done", "progress_notes": "Ten new carers."})
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None


def test_forged_status_field_on_a_draft_is_ignored(client, evaluation, author):
    client.force_login(author)
    client.post(
        reverse("indicators:evaluation_edit", args=[evaluation.pk]),
        {**ANSWERS, "status": "approved", "board_approval_date": "2026-01-01", "assigned_officer": author.pk},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == "draft" and evaluation.board_approval_date is None
    assert evaluation.grade == 4


def test_grade_outside_the_scale_is_refused(client, evaluation, author):
    client.force_login(author)
    response = client.post(reverse("indicators:evaluation_edit", args=[evaluation.pk]), {**ANSWERS, "grade": 7})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.grade is None


def test_improvement_action_owner_must_be_an_officer(client, evaluation, author, make_user):
    client.force_login(author)
    councillor = make_user(Role.COUNCILLOR)
    response = client.post(
        reverse("indicators:action_add", args=[evaluation.pk]),
        {"description": "Train members", "owner": councillor.pk, "due_on": "01/01/2027"},
    )
    assert response.status_code == 400
    assert not evaluation.actions.exists()


def test_moderator_sees_the_grade_answers_and_illustrations_on_the_moderation_page(client, evaluation, author, moderator):
    services.update_evaluation(evaluation, author, **ANSWERS)
    services.submit_evaluation(evaluation, author)
    client.force_login(moderator)
    html = client.get(reverse("indicators:evaluation_moderate", args=[evaluation.pk])).content.decode()
    assert "4 Good" in html and "Audit of 40 case files" in html and "Much better." in html


def test_changes_to_an_evaluation_are_audited_with_the_person(client, evaluation, author):
    from auditlog.models import LogEntry

    client.force_login(author)
    client.post(reverse("indicators:evaluation_edit", args=[evaluation.pk]), {**ANSWERS, "assigned_officer": author.pk})
    entry = LogEntry.objects.get_for_object(evaluation).latest("timestamp")
    assert entry.actor == author and "grade" in entry.changes_dict


def test_evaluations_are_assigned_to_officers_only(evaluation, author, make_user):
    with pytest.raises(ValidationError, match="only be assigned to officers"):
        services.update_evaluation(evaluation, author, assigned_officer=make_user(Role.COUNCILLOR))
