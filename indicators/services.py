"""
Changes to self-evaluation data: loading frameworks, opening cycles, editing evaluations, evidence and
improvement actions, and moving evaluations through the workflow

    draft -> submitted -> moderated -> approved
                 \\-> returned -> submitted ...

Every function checks who may do it and in which status, so a forged form post cannot get round the pages,
and records each workflow step (who, when, from, to, comment) in EvaluationTransition.
"""
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import email
from core import permissions
from core.permissions import OFFICERS, user_has_role

from .models import (
    FileAudience,
    ActionStatus,
    Area,
    Cycle,
    Evaluation,
    EvaluationStatus,
    EvaluationTransition,
    EvidenceItem,
    Framework,
    ImprovementAction,
    QualityIndicator,
)
from .selectors import known_measures

Status = EvaluationStatus
DATA_DIR = Path(__file__).resolve().parent / "data"


class WorkflowError(ValidationError):
    """An evaluation cannot make this move (wrong status, wrong person, or missing answers)."""


def _require_officer(user):
    if not permissions.may_change_evaluations(user):
        raise PermissionDenied("Only officers can change self-evaluations.")


def _require_officer_to_assign(person):
    if person is not None and not user_has_role(person, OFFICERS):
        raise ValidationError({"assigned_officer": "Evaluations can only be assigned to officers."})


def _require_editable(evaluation):
    if not evaluation.is_editable:
        raise WorkflowError(
            f"This evaluation is {evaluation.get_status_display().lower()} and can no longer be changed. "
            "Only draft or returned evaluations can be edited."
        )


def _locked(evaluation):
    """Re-read the evaluation with a row lock so two people cannot move it at the same moment."""
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def _move(evaluation, user, to_status, comment=""):
    EvaluationTransition.objects.create(
        evaluation=evaluation, from_status=evaluation.status, to_status=to_status, by=user, comment=comment
    )
    evaluation.status = to_status


# --- Frameworks ------------------------------------------------------------------------------------------


def _text(item, key, where, required=True):
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"{where}: '{key}' must be a non-empty piece of text.")
    return value.strip()


@transaction.atomic
def load_framework(data):
    """
    Create or update a framework from a dict (the JSON file format in indicators/data/). Loading the same
    data twice changes nothing; indicators already in the database but not in the data are left alone so
    past evaluations keep their indicator.
    """
    if not isinstance(data, dict):
        raise ValidationError("A framework file must hold one JSON object.")
    slug = _text(data, "slug", "Framework")
    framework, _ = Framework.objects.update_or_create(
        slug=slug,
        defaults={
            "name": _text(data, "name", "Framework"),
            "description": _text(data, "description", "Framework", required=False),
            "source": _text(data, "source", "Framework", required=False),
        },
    )
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        raise ValidationError("Framework: 'areas' must be a non-empty list.")
    for area_data in areas:
        number = area_data.get("number")
        if not isinstance(number, int) or number < 1:
            raise ValidationError(f"Area {area_data.get('name', '?')}: 'number' must be a whole number from 1.")
        area, _ = Area.objects.update_or_create(
            framework=framework,
            number=number,
            defaults={
                "name": _text(area_data, "name", f"Area {number}"),
                "description": _text(area_data, "description", f"Area {number}", required=False),
            },
        )
        indicators = area_data.get("indicators")
        if not isinstance(indicators, list) or not indicators:
            raise ValidationError(f"Area {number}: 'indicators' must be a non-empty list.")
        for position, indicator_data in enumerate(indicators, start=1):
            where = f"Area {number}, indicator {position}"
            QualityIndicator.objects.update_or_create(
                area=area,
                number=_text(indicator_data, "number", where),
                defaults={
                    "position": position,
                    "title": _text(indicator_data, "title", where),
                    "description": _text(indicator_data, "description", where, required=False),
                    "illustration_excellent": _text(indicator_data, "excellent", where),
                    "illustration_weak": _text(indicator_data, "weak", where),
                },
            )
    return framework


def load_framework_file(path):
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = DATA_DIR / path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValidationError(f"There is no framework file at {path}.") from error
    except json.JSONDecodeError as error:
        raise ValidationError(f"{path.name} is not valid JSON: {error}.") from error
    return load_framework(data)


def bundled_framework_files():
    return sorted(DATA_DIR.glob("*.json"))


# --- Cycles ------------------------------------------------------------------------------------------------


@transaction.atomic
def open_cycle(*, framework, name, level, starts_on, ends_on, created_by, assigned_officer=None):
    """Start a cycle: one draft evaluation for every quality indicator of the framework."""
    _require_officer(created_by)
    _require_officer_to_assign(assigned_officer)
    cycle = Cycle(
        framework=framework, name=name, level=level, starts_on=starts_on, ends_on=ends_on, created_by=created_by
    )
    cycle.full_clean()
    cycle.save()
    indicators = QualityIndicator.objects.filter(area__framework=framework)
    Evaluation.objects.bulk_create(
        [Evaluation(cycle=cycle, indicator=indicator, assigned_officer=assigned_officer) for indicator in indicators]
    )
    return cycle


# --- Editing an evaluation -------------------------------------------------------------------------------

EDITABLE_FIELDS = ("grade", "target_grade", "how_good_are_we_now", "how_do_we_know", "what_will_we_do")


@transaction.atomic
def update_evaluation(evaluation, user, **fields):
    _require_officer(user)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"assigned_officer"}
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    locked = _locked(evaluation)
    _require_editable(locked)
    _require_officer_to_assign(fields.get("assigned_officer"))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


# --- Workflow ----------------------------------------------------------------------------------------------


@transaction.atomic
def submit_evaluation(evaluation, user, comment=""):
    """The assigned officer (or an administrator, or any officer if nobody is assigned) sends it for moderation."""
    _require_officer(user)
    locked = _locked(evaluation)
    if locked.status not in Evaluation.EDITABLE:
        raise WorkflowError(f"Only draft or returned evaluations can be submitted; this one is {locked.get_status_display().lower()}.")
    if not permissions.may_submit_evaluation(user, locked):
        raise WorkflowError(f"Only the assigned officer, {locked.assigned_officer}, can submit this evaluation.")
    missing = [
        label
        for label, value in (
            ("a grade", locked.grade),
            ("an answer to 'How good are we now?'", locked.how_good_are_we_now.strip()),
            ("an answer to 'How do we know?'", locked.how_do_we_know.strip()),
            ("an answer to 'What will we do?'", locked.what_will_we_do.strip()),
        )
        if not value
    ]
    if missing:
        raise WorkflowError("Before submitting, give " + ", ".join(missing) + ".")
    _move(locked, user, Status.SUBMITTED, comment)
    locked.submitted_by = user
    locked.moderated_by = None
    locked.save()
    _email_after_commit(locked, Step.SUBMITTED)
    return locked


@transaction.atomic
def moderate_evaluation(evaluation, user, *, agree, comment=""):
    """A second officer, not the one who submitted it, agrees the evaluation or returns it with comments."""
    _require_officer(user)
    locked = _locked(evaluation)
    if locked.status != Status.SUBMITTED:
        raise WorkflowError(f"Only submitted evaluations can be moderated; this one is {locked.get_status_display().lower()}.")
    if locked.submitted_by_id == user.pk:
        raise WorkflowError("Moderation needs a second officer: you submitted this evaluation, so someone else must moderate it.")
    comment = (comment or "").strip()
    if not agree and not comment:
        raise WorkflowError("Say what needs to change when returning an evaluation.")
    _move(locked, user, Status.MODERATED if agree else Status.RETURNED, comment)
    locked.moderated_by = user if agree else None
    locked.save()
    _email_after_commit(locked, Step.MODERATED if agree else Step.RETURNED)
    return locked


def _require_approving_meeting(meeting, now=None):
    """The board meeting that approved: one that has taken place and was not cancelled."""
    from boards.models import MeetingStatus

    if meeting is None:
        raise WorkflowError("Choose the board meeting that approved it.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise WorkflowError("That meeting was cancelled: choose the meeting that approved it.")
    if meeting.starts_at > (now or timezone.now()):
        raise WorkflowError("That meeting has not taken place yet: choose the meeting that approved it.")


def _approve(locked, user, meeting, comment):
    _move(locked, user, Status.APPROVED, comment)
    locked.approval_meeting = meeting
    locked.board_approval_date = meeting.date
    locked.save()


def _close_if_all_approved(cycle_id):
    """Once the board has approved every indicator, the cycle is complete."""
    if not Evaluation.objects.filter(cycle_id=cycle_id).exclude(status=Status.APPROVED).exists():
        Cycle.objects.filter(pk=cycle_id).update(status=Cycle.Status.CLOSED)


@transaction.atomic
def approve_evaluation(evaluation, user, *, meeting, comment=""):
    """Record that the board approved a moderated evaluation at ``meeting`` (a meeting that has taken place)."""
    _require_officer(user)
    locked = _locked(evaluation)
    if locked.status != Status.MODERATED:
        raise WorkflowError(f"Only moderated evaluations can be approved by the board; this one is {locked.get_status_display().lower()}.")
    _require_approving_meeting(meeting)
    _approve(locked, user, meeting, comment)
    _close_if_all_approved(locked.cycle_id)
    _email_after_commit(locked, Step.APPROVED)
    return locked


@transaction.atomic
def approve_cycle(cycle, user, *, meeting, comment=""):
    """
    Board approval of a whole cycle at ``meeting``: only once every evaluation in it is moderated (or already
    approved). Returns how many were approved now.
    """
    _require_officer(user)
    _require_approving_meeting(meeting)
    evaluations = list(
        Evaluation.objects.select_for_update().filter(cycle=cycle).select_related("indicator").order_by("indicator__number")
    )
    waiting = [evaluation for evaluation in evaluations if evaluation.status not in (Status.MODERATED, Status.APPROVED)]
    if waiting:
        ready = len(evaluations) - len(waiting)
        raise WorkflowError(
            f"The board can approve the cycle only when every evaluation in it is moderated: {ready} of "
            f"{len(evaluations)} are. Not yet moderated: "
            + "; ".join(f"{e.indicator.number} ({e.get_status_display().lower()})" for e in waiting)
            + "."
        )
    to_approve = [evaluation for evaluation in evaluations if evaluation.status == Status.MODERATED]
    for evaluation in to_approve:
        _approve(evaluation, user, meeting, comment)
    _close_if_all_approved(cycle.pk)
    if to_approve:
        from .tasks import email_cycle_approved

        ids = [evaluation.pk for evaluation in to_approve]
        transaction.on_commit(lambda: email_cycle_approved.delay(cycle.pk, ids))
    return len(to_approve)


# --- Workflow emails ----------------------------------------------------------------------------------


class Step:
    SUBMITTED, RETURNED, MODERATED, APPROVED = "submitted", "returned", "moderated", "approved"


def _email_after_commit(evaluation, step):
    from .tasks import email_workflow_step

    transaction.on_commit(lambda: email_workflow_step.delay(evaluation.pk, step))


def workflow_recipients(evaluation, step):
    """
    Who hears of each step: a submission, every other officer (any of them may moderate it); a return or an
    agreement at moderation, the officer who submitted it and the one assigned; board approval, those and the
    moderator. Active people with an email address only.
    """
    if step == Step.SUBMITTED:
        people = User.objects.filter(role__in=OFFICERS).exclude(pk=evaluation.submitted_by_id)
    else:
        ids = {evaluation.submitted_by_id, evaluation.assigned_officer_id}
        if step == Step.APPROVED:
            ids.add(evaluation.moderated_by_id)
        people = User.objects.filter(pk__in=ids - {None})
    return sorted(set(people.filter(is_active=True).exclude(email="").values_list("email", flat=True)))


SUBJECTS = {
    Step.SUBMITTED: "Self-evaluation to moderate",
    Step.RETURNED: "Self-evaluation returned for changes",
    Step.MODERATED: "Self-evaluation agreed at moderation",
    Step.APPROVED: "Self-evaluation approved by the board",
}


def _render(template, context):
    return render_to_string(f"indicators/email/{template}.txt", context)


def email_workflow_step(evaluation, step):
    """
    Tell the right people an evaluation has moved on. The email names the indicator, the cycle and the step
    and links to the page; it carries no comments, grades or anything about a child.
    """
    link_name = "indicators:evaluation_moderate" if step == Step.SUBMITTED else "indicators:evaluation_detail"
    body = _render(
        "workflow_step",
        {"evaluation": evaluation, "step": step, "link": email.link(reverse(link_name, args=[evaluation.pk]))},
    )
    subject = f"{SUBJECTS[step]}: {evaluation.indicator.number} ({evaluation.cycle.name})"
    return email.send_each(subject, body, workflow_recipients(evaluation, step))


# --- Evidence ----------------------------------------------------------------------------------------------


@transaction.atomic
def add_evidence(evaluation, user, *, title, text="", measure="", file=None, file_audience=FileAudience.OFFICERS):
    _require_officer(user)
    locked = _locked(evaluation)
    _require_editable(locked)
    measures = known_measures()
    if measure and measure not in measures:
        raise ValidationError({"measure": f"There is no board measure called {measure}."})
    item = EvidenceItem(
        evaluation=locked, title=title, text=text, measure=measure, added_by=user,
        file_audience=file_audience or FileAudience.OFFICERS,
    )
    if file is not None:
        item.file = file
    if not (text.strip() or measure or file):
        raise ValidationError("Evidence needs a summary, a measure or a file.")
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def set_evidence_audience(item, user, audience):
    """
    An officer opens an evidence file to the board, or makes it officers only again. Allowed at any stage,
    approved evaluations included: it decides who reads the file, not what the evaluation says. The audit
    log keeps who changed it and when.
    """
    _require_officer(user)
    if audience not in FileAudience.values:
        raise ValidationError(f"Unknown audience {audience!r}.")
    item = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    if not item.file:
        raise ValidationError("This evidence has no file to open or close.")
    item.file_audience = audience
    item.save(update_fields=["file_audience"])
    return item


@transaction.atomic
def remove_evidence(item, user):
    _require_officer(user)
    _require_editable(_locked(item.evaluation))
    stored = item.file
    item.delete()
    if stored:
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Improvement actions -------------------------------------------------------------------------------


@transaction.atomic
def add_action(evaluation, user, *, description, owner, due_on):
    _require_officer(user)
    locked = _locked(evaluation)
    _require_editable(locked)
    if not user_has_role(owner, OFFICERS):
        raise ValidationError({"owner": "The owner of an improvement action must be an officer."})
    action = ImprovementAction(evaluation=locked, description=description, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def update_action_progress(action, user, *, status, progress_notes, today=None):
    """
    Record progress on an agreed action. Allowed at any stage, including after board approval: the
    evaluation's grade and answers are frozen then, but the actions it set still have to be carried out.
    """
    _require_officer(user)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    action.status = status
    action.progress_notes = progress_notes
    if status == ActionStatus.DONE:
        action.completed_on = action.completed_on or today or timezone.localdate()
    else:
        action.completed_on = None
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def remove_action(action, user):
    _require_officer(user)
    _require_editable(_locked(action.evaluation))
    action.delete()


def email_cycle_approved(cycle, evaluations):
    """One email per person for a whole cycle approved at once (not one per evaluation)."""
    addresses = sorted({address for evaluation in evaluations for address in workflow_recipients(evaluation, Step.APPROVED)})
    meeting = evaluations[0].approval_meeting if evaluations else None
    body = _render(
        "cycle_approved",
        {"cycle": cycle, "count": len(evaluations), "meeting": meeting,
         "link": email.link(reverse("indicators:cycle_detail", args=[cycle.pk]))},
    )
    return email.send_each(f"Self-evaluation approved by the board: {cycle.name}", body, addresses)
