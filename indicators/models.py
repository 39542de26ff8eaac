"""
Self-evaluation of corporate parenting against quality indicators. (The board's measures, with their
comparators, targets and child population, are the ``measures`` app.)
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core import stamps
from core.uploads import DOCUMENTS, UploadValidator


# --- Self-evaluation with quality indicators ---------------------------------------------------------
# A framework (HMIE-style, NCB model, or the council's own) has areas and quality indicators. Each cycle of
# self-evaluation grades every indicator of its framework on the six-point scale, with evidence and
# improvement actions, and goes through moderation by a second officer before the board approves it.


class Grade(models.IntegerChoices):
    """The six-point scale used by HMIE-style self-evaluation."""

    EXCELLENT = 6, "Excellent"
    VERY_GOOD = 5, "Very good"
    GOOD = 4, "Good"
    ADEQUATE = 3, "Adequate"
    WEAK = 2, "Weak"
    UNSATISFACTORY = 1, "Unsatisfactory"


class Framework(models.Model):
    """A set of quality indicators, grouped in areas, that a council evaluates itself against."""

    objects = stamps.StampedManager()

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Short identifier used by framework files.")
    description = models.TextField(blank=True)
    source = models.TextField(
        "source and attribution", blank=True, help_text="Where the framework's structure comes from."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.Model):
    """A part of a framework, such as outcomes and impact, delivery of services, or leadership and direction."""

    objects = stamps.StampedManager()

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(help_text="Areas are listed in this order.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="one_area_number_per_framework"),
            models.UniqueConstraint(fields=["framework", "name"], name="one_area_name_per_framework"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class QualityIndicator(models.Model):
    """One thing graded in a self-evaluation, with illustrations of what excellent and weak practice look like."""

    objects = stamps.StampedManager()

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicators")
    number = models.CharField(max_length=20, help_text='For example "QI 2.1".')
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the area.")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, help_text="What the indicator looks at.")
    illustration_excellent = models.TextField("illustration of excellent practice (grade 6)")
    illustration_weak = models.TextField("illustration of weak practice (grade 2)")

    class Meta:
        ordering = ["area__framework", "area__number", "position", "number"]
        constraints = [models.UniqueConstraint(fields=["area", "number"], name="one_indicator_number_per_area")]

    def __str__(self):
        return f"{self.number} {self.title}"


class Level(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    SERVICE = "service", "Service delivery"


class Cycle(models.Model):
    """One round of self-evaluation, e.g. 2025-26 at strategic level, against one framework."""

    objects = stamps.StampedManager()

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=60, help_text='For example "2025-26".')
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.STRATEGIC)
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name", "level"], name="one_cycle_per_framework_name_level"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="cycle_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_level_display().lower()}, {self.framework})"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The end date must be after the start date."})


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for moderation"
    RETURNED = "returned", "Returned for changes"
    MODERATED = "moderated", "Moderated"
    APPROVED = "approved", "Approved by the board"


GRADE_RANGE = models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=6)
TARGET_RANGE = models.Q(target_grade__isnull=True) | models.Q(target_grade__gte=1, target_grade__lte=6)


class Evaluation(models.Model):
    """One quality indicator evaluated in one cycle: the grade and the three self-evaluation questions."""

    objects = stamps.StampedManager()

    EDITABLE = (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="evaluations")
    indicator = models.ForeignKey(QualityIndicator, on_delete=models.PROTECT, related_name="evaluations")
    grade = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    target_grade = models.PositiveSmallIntegerField(
        choices=Grade.choices, null=True, blank=True, help_text="The grade we aim for by the next cycle."
    )
    how_good_are_we_now = models.TextField("How good are we now?", blank=True)
    how_do_we_know = models.TextField(
        "How do we know?",
        blank=True,
        help_text="Performance data, children's and carers' views, case file audits, inspection findings.",
    )
    what_will_we_do = models.TextField("How good can we be, and what will we do?", blank=True)
    status = models.CharField(max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_evaluations",
        help_text="The officer who completes and submits this evaluation.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board_approval_date = models.DateField(
        null=True, blank=True, help_text="The date of the board meeting that approved it (that meeting's date)."
    )
    approval_meeting = models.ForeignKey(
        "boards.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_evaluations",
        verbose_name="board meeting that approved it",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator"], name="one_evaluation_per_indicator_per_cycle"),
            models.CheckConstraint(condition=GRADE_RANGE, name="evaluation_grade_1_to_6"),
            models.CheckConstraint(condition=TARGET_RANGE, name="evaluation_target_grade_1_to_6"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(board_approval_date__isnull=False),
                name="approved_evaluation_has_board_date",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.number} in {self.cycle.name}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_approved(self):
        return self.status == EvaluationStatus.APPROVED


def evidence_upload_to(instance, filename):
    return f"evidence/{instance.evaluation.cycle_id}/{instance.evaluation_id}/{filename}"


class FileAudience(models.TextChoices):
    """Who may open an evidence file: officers only unless an officer opens it to the board."""

    OFFICERS = "officers", "Officers only"
    BOARD = "board", "The board"


class EvidenceItem(models.Model):
    """Something that shows how we know: a note, a link to a board measure, an uploaded document, or all three."""

    objects = stamps.StampedManager()

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    text = models.TextField("summary", blank=True, help_text="What this evidence shows.")
    measure = models.CharField(
        max_length=80, blank=True, help_text="The identifier of a board measure from the cohort, if it applies."
    )
    file = models.FileField(upload_to=evidence_upload_to, blank=True, validators=[UploadValidator(DOCUMENTS)])
    file_audience = models.CharField(
        "who may open the file",
        max_length=10,
        choices=FileAudience.choices,
        default=FileAudience.OFFICERS,
        help_text="A document may hold children's details or small numbers, so it is for officers only until an "
        "officer who has checked it opens it to the board.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence items"

    def __str__(self):
        return self.title

    @property
    def open_to_board(self):
        return self.file_audience == FileAudience.BOARD

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ImprovementAction(models.Model):
    """What we will do to improve, with an owner and a date. Overdue is worked out from the date, not stored."""

    objects = stamps.StampedManager()

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("action")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions")
    due_on = models.DateField("due date")
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress_notes = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="done") & models.Q(completed_on__isnull=False))
                | (~models.Q(status="done") & models.Q(completed_on__isnull=True)),
                name="done_action_has_completion_date",
            )
        ]

    def __str__(self):
        return self.description[:80]

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.status != ActionStatus.DONE and self.due_on < today

    @property
    def overdue(self):
        return self.is_overdue()


class EvaluationTransition(models.Model):
    """A step in an evaluation's workflow: who moved it, when, from and to which status, and why."""

    objects = stamps.StampedManager()

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=EvaluationStatus.choices)
    to_status = models.CharField(max_length=12, choices=EvaluationStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} to {self.get_to_status_display()} by {self.by}"


# Field-level history (who changed which grade, answer, action or indicator wording, and when), on top of the
# workflow's own EvaluationTransition record.
for _model in (Framework, Area, QualityIndicator, Cycle, Evaluation, EvidenceItem, ImprovementAction):
    auditlog.register(_model)
