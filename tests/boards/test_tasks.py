import datetime
import time

import pytest
from django.core.management import call_command

from accounts.models import Role
from boards import tasks
from boards.models import ActionItem, AgendaItem, AgendaItemKind, Board, Meeting, MeetingStatus

from .conftest import at


def _changed_behind_the_apps_back(make_user, today):
    """An overdue action and a scheduled meeting written straight to the database (as an import would)."""
    board = Board.objects.create(name="Board", terms_of_reference="x", quorum=1)
    held = Meeting.objects.create(
        board=board, starts_at=at(today - datetime.timedelta(days=60)), venue="Hall", status=MeetingStatus.HELD
    )
    action = ActionItem.objects.create(
        meeting=held, description="Imported action", owner=make_user(Role.OFFICER), due_on=today - datetime.timedelta(days=1)
    )
    upcoming = Meeting.objects.create(board=board, starts_at=at(today + datetime.timedelta(days=7)), venue="Hall")
    return action, upcoming


@pytest.mark.worker
def test_the_background_job_carries_overdue_actions_forward(celery_worker, make_user):
    from django.utils import timezone

    action, upcoming = _changed_behind_the_apps_back(make_user, timezone.localdate())
    tasks.carry_forward_overdue_actions.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        item = AgendaItem.objects.filter(meeting=upcoming, kind=AgendaItemKind.ACTION_LOG).first()
        if item is not None and item.carried_actions.exists():
            break
        time.sleep(0.2)
    assert item is not None, f"no action log item after the task ({celery_worker})"
    assert list(item.carried_actions.all()) == [action]


def test_the_management_command_does_the_same_and_can_be_repeated(db, make_user, capsys):
    from django.utils import timezone

    action, upcoming = _changed_behind_the_apps_back(make_user, timezone.localdate())
    call_command("carry_forward_actions")
    call_command("carry_forward_actions")
    assert "Action logs refreshed for 1 scheduled meetings." in capsys.readouterr().out
    item = AgendaItem.objects.get(meeting=upcoming, kind=AgendaItemKind.ACTION_LOG)
    assert list(item.carried_actions.all()) == [action]


def test_beat_runs_the_job_every_night(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="boards.tasks.carry_forward_overdue_actions")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("5", "30")
    from corporate_parenting.celery import app

    assert task.task in app.tasks  # the name beat sends is a task the worker knows
