"""
Reading self-evaluation data for pages, dashboards and board packs. Every function runs a fixed number of
queries whatever the number of cycles, indicators or actions.

Officers see every evaluation; board readers who are not officers (councillors, the chief executive) see only
evaluations the board has approved. Pass the signed-in user and these functions apply that rule.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core import permissions

from .models import (
    ActionStatus,
    Area,
    Cycle,
    Evaluation,
    EvaluationStatus,
    EvaluationTransition,
    EvidenceItem,
    Framework,
    Grade,
    ImprovementAction,
    QualityIndicator,
)

OPEN_ACTION = ~Q(status=ActionStatus.DONE)


def _today(today=None):
    return today or timezone.localdate()


def sees_drafts(user):
    """Officers and administrators see evaluations at every stage; everyone else only approved ones."""
    return permissions.sees_draft_evaluations(user)


def known_measures():
    """The board's measures as {identifier: title}, from the registry in measures.registry."""
    from measures import registry

    return {measure.identifier: measure.title for measure in registry.MEASURES}


# --- Frameworks and cycles ---------------------------------------------------------------------------


def frameworks():
    return Framework.objects.annotate(
        area_count=Count("areas", distinct=True), indicator_count=Count("areas__indicators", distinct=True)
    ).order_by("name")


def framework_with_indicators(framework):
    return Area.objects.filter(framework=framework).prefetch_related("indicators").order_by("number")


def evaluations_visible_to(user):
    queryset = Evaluation.objects.all()
    if not sees_drafts(user):
        queryset = queryset.filter(status=EvaluationStatus.APPROVED)
    return queryset


def cycles_for(user):
    """Cycles with how many evaluations are at each stage. Non-officers see only cycles with approved work."""
    counts = {
        f"{status}_count": Count("evaluations", filter=Q(evaluations__status=status))
        for status in EvaluationStatus.values
    }
    queryset = Cycle.objects.select_related("framework").annotate(total_count=Count("evaluations"), **counts)
    if not sees_drafts(user):
        queryset = queryset.filter(approved_count__gt=0)
    return queryset.order_by("-starts_on", "name")


def cycle_evaluations(cycle, user):
    return (
        evaluations_visible_to(user)
        .filter(cycle=cycle)
        .select_related("indicator__area", "assigned_officer")
        .annotate(
            open_action_count=Count("actions", filter=OPEN_ACTION, distinct=True),
            evidence_count=Count("evidence", distinct=True),
        )
        .order_by("indicator__area__number", "indicator__position", "indicator__number")
    )


def evaluation_detail(pk, user):
    """One evaluation with everything its page shows, or Evaluation.DoesNotExist if the user may not see it."""
    return (
        evaluations_visible_to(user)
        .select_related(
            "cycle__framework", "indicator__area", "assigned_officer", "submitted_by", "moderated_by",
            "approval_meeting__board",
        )
        .prefetch_related(
            Prefetch("evidence", queryset=_evidence()),
            Prefetch("actions", queryset=ImprovementAction.objects.select_related("owner")),
            Prefetch("transitions", queryset=_transitions()),
        )
        .get(pk=pk)
    )


def _evidence():
    return EvidenceItem.objects.select_related("added_by")


def evidence_for(evaluation):
    """The evidence behind one evaluation, oldest first (for the moderation form)."""
    return list(_evidence().filter(evaluation=evaluation))


def _transitions():
    return EvaluationTransition.objects.select_related("by")


# --- For dashboards -------------------------------------------------------------------------------------


def evaluations_to_complete(user):
    """Draft or returned evaluations the officer is assigned to (all of them for administrators)."""
    queryset = Evaluation.objects.filter(status__in=Evaluation.EDITABLE).select_related(
        "cycle__framework", "indicator", "assigned_officer"
    )
    if not permissions.may_change_evaluations(user):
        return queryset.none()
    if not permissions.is_administrator(user):
        queryset = queryset.filter(assigned_officer=user)
    return queryset.order_by("cycle__ends_on", "indicator__area__number", "indicator__position")


def evaluations_to_moderate(user):
    """Evaluations submitted for moderation that this officer may moderate (someone else submitted them)."""
    if not permissions.may_change_evaluations(user):
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED)
        .exclude(submitted_by=user)
        .select_related("cycle__framework", "indicator", "submitted_by")
        .order_by("cycle__ends_on", "indicator__area__number", "indicator__position")
    )


def improvement_actions_due(user, within_days=30, today=None):
    """Open actions the user owns that are overdue or due within ``within_days`` days, soonest first."""
    horizon = _today(today) + datetime.timedelta(days=within_days)
    return (
        ImprovementAction.objects.filter(OPEN_ACTION, owner=user, due_on__lte=horizon)
        .select_related("evaluation__indicator", "evaluation__cycle")
        .order_by("due_on", "id")
    )


def overdue_actions(today=None, user=None):
    """Open actions past their due date. Given a non-officer ``user``, only those from approved evaluations."""
    queryset = ImprovementAction.objects.filter(OPEN_ACTION, due_on__lt=_today(today))
    if user is not None and not sees_drafts(user):
        queryset = queryset.filter(evaluation__status=EvaluationStatus.APPROVED)
    return queryset.select_related("owner", "evaluation__indicator", "evaluation__cycle").order_by("due_on", "id")


def actions_for(user, *, show="open", today=None):
    """The improvement actions list: ``show`` is "open", "overdue", "mine" or "all"."""
    queryset = ImprovementAction.objects.select_related("owner", "evaluation__indicator", "evaluation__cycle")
    if not sees_drafts(user):
        queryset = queryset.filter(evaluation__status=EvaluationStatus.APPROVED)
    if show == "open":
        queryset = queryset.filter(OPEN_ACTION)
    elif show == "overdue":
        queryset = queryset.filter(OPEN_ACTION, due_on__lt=_today(today))
    elif show == "mine":
        queryset = queryset.filter(OPEN_ACTION, owner=user)
    return queryset.order_by("due_on", "id")


def grade_counts(evaluations):
    """``[(grade label, how many of the evaluations have it)]``, highest grade first, every grade listed."""
    counts = {grade: 0 for grade in sorted(Grade, reverse=True)}
    for evaluation in evaluations:
        if evaluation.grade:
            counts[Grade(evaluation.grade)] += 1
    return [(grade.label, count) for grade, count in counts.items()]


def latest_approved_grades(approved_by=None):
    """
    For every quality indicator with an approved evaluation, the evaluation from its latest approved cycle
    (with ``indicator`` and ``cycle`` loaded); given ``approved_by`` (a date), only approvals by the board
    on or before it (a year's report). One query.
    """
    approved = Q(status=EvaluationStatus.APPROVED)
    if approved_by is not None:
        approved &= Q(board_approval_date__lte=approved_by)
    latest = (
        Evaluation.objects.filter(approved, indicator=OuterRef("indicator"))
        .order_by("-cycle__starts_on", "-pk")
        .values("pk")[:1]
    )
    return (
        Evaluation.objects.filter(approved, pk=Subquery(latest))
        .select_related("indicator__area__framework", "cycle")
        .order_by("indicator__area__framework__name", "indicator__area__number", "indicator__position")
    )


# --- Board views: heat map and trend ----------------------------------------------------------------


@dataclass
class HeatMapRow:
    indicator: QualityIndicator
    cells: list = field(default_factory=list)  # one Evaluation or None per cycle column
    cycles: list = field(default_factory=list)  # the columns' cycles, in the same order

    @property
    def cycle_cells(self):
        """(cycle, Evaluation or None) per column: on a phone each cell is labelled with its cycle."""
        return list(zip(self.cycles, self.cells))


@dataclass
class HeatMap:
    framework: Framework
    cycles: list
    rows: list

    @property
    def is_empty(self):
        return not self.cycles


def heat_map(framework, user, level=None):
    """Grades per indicator (rows) across the framework's cycles (columns, oldest first). Three queries."""
    cycles = Cycle.objects.filter(framework=framework)
    if level:
        cycles = cycles.filter(level=level)
    evaluations = evaluations_visible_to(user).filter(cycle__in=cycles, grade__isnull=False)
    cycles = list(cycles.filter(pk__in=evaluations.values("cycle")).order_by("starts_on", "name"))
    by_cell = {(e.indicator_id, e.cycle_id): e for e in evaluations.only("pk", "indicator_id", "cycle_id", "grade", "status")}
    indicators = QualityIndicator.objects.filter(area__framework=framework).select_related("area")
    rows = [
        HeatMapRow(indicator, [by_cell.get((indicator.pk, cycle.pk)) for cycle in cycles], cycles)
        for indicator in indicators
    ]
    return HeatMap(framework=framework, cycles=cycles, rows=rows)


def indicator_trend(indicator, user):
    """
    The indicator's graded evaluations across cycles, oldest first, that the user may see. Each carries
    ``change`` (grade minus the previous cycle's, None for the first) and ``change_text`` in words.
    """
    evaluations = list(
        evaluations_visible_to(user)
        .filter(indicator=indicator, grade__isnull=False)
        .select_related("cycle")
        .order_by("cycle__starts_on", "cycle__name")
    )
    previous = None
    for evaluation in evaluations:
        evaluation.change = None if previous is None else evaluation.grade - previous
        if evaluation.change is None:
            evaluation.change_text = "First cycle"
        elif evaluation.change == 0:
            evaluation.change_text = "No change"
        else:
            steps = abs(evaluation.change)
            direction = "Up" if evaluation.change > 0 else "Down"
            evaluation.change_text = f"{direction} {steps} grade{'s' if steps > 1 else ''}"
        previous = evaluation.grade
    return evaluations


def grade_text(value):
    """A grade as "5 Very good", never a colour or a number alone; "Not graded" when there is none."""
    return f"{value} {Grade(value).label}" if value else "Not graded"
