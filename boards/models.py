"""
The board's own business: who sits on it, its meetings (agenda, papers, attendance, minutes), the action log,
the forward work programme, the Care Pledge and the children's views the board answers ("you said, we did").

Models hold fields and constraints only; what changes them is in ``services.py`` and what reads them is in
``selectors.py``.
"""
import datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from core import collection_year, stamps, suppression, working_days
from core.uploads import PAPERS, UploadValidator
from measures import registry as board_measures

from . import conversion


def validate_measure_identifiers(value):
    """Every identifier must name one of the board's measures (``measures.registry``)."""
    unknown = [part for part in split_identifiers(value) if part not in board_measures.BY_IDENTIFIER]
    if unknown:
        raise ValidationError(
            "Unknown measure identifier: %(unknown)s. Use the identifiers shown on the Measures pages.",
            code="unknown_measure",
            params={"unknown": ", ".join(unknown)},
        )


def split_identifiers(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class Board(models.Model):
    """A corporate parenting board (or panel, or committee) with its terms of reference and quorum."""

    objects = stamps.StampedManager()

    name = models.CharField(max_length=200, unique=True)
    terms_of_reference = models.TextField(
        help_text="The board's purpose, powers and how it makes decisions, as agreed by the council."
    )
    quorum = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="How many voting members must be present for the meeting to make decisions.",
    )
    substitutes_count_towards_quorum = models.BooleanField(
        "Substitutes count towards the quorum",
        default=True,
        help_text="As the terms of reference say: a named substitute for a voting member counts as that member.",
    )
    papers_due_working_days = models.PositiveSmallIntegerField(
        "Papers due (working days before the agenda is published)",
        default=3,
        validators=[MaxValueValidator(20)],
        help_text="Report authors send their papers to the clerk this many working days before the agenda deadline.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BoardRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    COUNCILLOR = "councillor", "Councillor"
    OFFICER = "officer", "Officer"
    PARTNER = "partner", "Partner agency"
    YOUNG_PERSON = "young_person", "Young people's representative"
    CLERK = "clerk", "Clerk"
    IN_ATTENDANCE = "in_attendance", "In attendance (adviser)"


# Members whose presence counts towards the quorum unless the membership says otherwise.
VOTING_BOARD_ROLES = frozenset({BoardRole.CHAIR, BoardRole.VICE_CHAIR, BoardRole.COUNCILLOR})


class Membership(models.Model):
    """A person's seat on a board for a period. Current members are those whose dates include today."""

    objects = stamps.StampedManager()

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_memberships")
    role = models.CharField("Role on the board", max_length=20, choices=BoardRole.choices)
    voting = models.BooleanField(
        "Counts towards the quorum",
        default=True,
        help_text="Elected members usually count towards the quorum; advisers and the clerk do not.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty while the person is a member.")

    class Meta:
        ordering = ["board", "role", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="boards_membership_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.board})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})
        overlapping = self.overlapping().first() if self.board_id and self.user_id and self.start_date else None
        if overlapping:
            until = f"to {date_format(overlapping.end_date, 'j F Y')}" if overlapping.end_date else "with no end date"
            raise ValidationError({
                "start_date": f"{overlapping.user} already has a seat on this board from "
                f"{date_format(overlapping.start_date, 'j F Y')} {until}, as {overlapping.get_role_display().lower()}. "
                "Change or end that membership, or choose dates that do not overlap it."
            })

    def overlapping(self):
        """The person's other memberships of the same board whose dates overlap this one's."""
        others = Membership.objects.filter(board_id=self.board_id, user_id=self.user_id).exclude(pk=self.pk)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date:
            others = others.filter(start_date__lte=self.end_date)
        return others.select_related("user").order_by("start_date")

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    @staticmethod
    def current_q(on, prefix=""):
        """Filter for memberships that include the date ``on`` (prefix for lookups through a relation)."""
        return Q(**{f"{prefix}start_date__lte": on}) & (
            Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
        )


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    objects = stamps.StampedManager()

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("Date and time")
    venue = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    agenda_published_at = models.DateTimeField(
        "Agenda published", null=True, blank=True,
        help_text="When the clerk published the agenda and papers to members and the public.",
    )
    agenda_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_approved_at = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="approved_minutes_of",
        verbose_name="Minutes approved at", help_text="The meeting that approved these minutes as a correct record.",
    )
    minutes_approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["board", "starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.board}: {local:%-d %B %Y}"

    @property
    def date(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def agenda_deadline(self):
        """The last working day to publish the agenda (five clear working days, LGA 1972 s.100B)."""
        return working_days.agenda_publication_deadline(self.date)

    @property
    def papers_due(self):
        """When report authors' papers are due with the clerk: the board's working days before the agenda deadline."""
        return working_days.working_days_before(self.agenda_deadline, self.board.papers_due_working_days)

    @property
    def minutes_approved(self):
        return self.minutes_approved_on is not None

    @property
    def agenda_published_in_time(self):
        if not self.agenda_published_at:
            return None
        return working_days.published_in_time(timezone.localtime(self.agenda_published_at).date(), self.date)


class AgendaItemKind(models.TextChoices):
    """The standard items of a committee agenda, and the reports between them."""

    APOLOGIES = "apologies", "Apologies and substitutions"
    DECLARATIONS = "declarations", "Declarations of interest"
    PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"
    ACTION_LOG = "action_log", "Matters arising and the action log"
    ITEM = "item", "Report"
    FORWARD_PLAN = "forward_plan", "Forward work programme"
    AOB = "aob", "Any other business"


# The usual order of business: each kind's place, reports between the opening items and the closing ones.
STANDARD_ORDER = {
    AgendaItemKind.APOLOGIES: 10,
    AgendaItemKind.DECLARATIONS: 20,
    AgendaItemKind.PREVIOUS_MINUTES: 30,
    AgendaItemKind.ACTION_LOG: 40,
    AgendaItemKind.ITEM: 50,
    AgendaItemKind.FORWARD_PLAN: 60,
    AgendaItemKind.AOB: 70,
}
# Standard items come once per meeting; reports as often as needed.
STANDARD_KINDS = frozenset(STANDARD_ORDER) - {AgendaItemKind.ITEM}


class ExemptParagraph(models.IntegerChoices):
    """Part 1 of Schedule 12A to the Local Government Act 1972: the descriptions of exempt information."""

    INDIVIDUAL = 1, "1. Information relating to any individual"
    IDENTITY = 2, "2. Information likely to reveal the identity of an individual"
    FINANCIAL = 3, "3. Information relating to the financial or business affairs of any particular person"
    LABOUR_RELATIONS = 4, "4. Consultations or negotiations on a labour relations matter"
    LEGAL_PRIVILEGE = 5, "5. Information subject to legal professional privilege"
    NOTICES_ORDERS = 6, "6. A proposed notice, order or direction under any enactment"
    CRIME = 7, "7. The prevention, investigation or prosecution of crime"


class AgendaItem(models.Model):
    """
    One item of business. ``measures`` and ``self_evaluation`` say what the item's report covers, so a
    reader can open the figures behind it; they hold identifiers because measures are data, not code.
    """

    objects = stamps.StampedManager()

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=1, help_text="Items are taken in this order.")
    kind = models.CharField(max_length=20, choices=AgendaItemKind.choices, default=AgendaItemKind.ITEM)
    title = models.CharField(max_length=200)
    report_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items_authored",
    )
    summary = models.TextField(blank=True)
    measures = models.CharField(
        "Measures covered",
        max_length=500,
        blank=True,
        validators=[validate_measure_identifiers],
        help_text=(
            "Identifiers of the measures the report covers, separated by commas "
            "(for example looked_after_rate_per_10000, care_leavers_in_eet)."
        ),
    )
    cycle = models.ForeignKey(
        "indicators.Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name="Self-evaluation cycle covered",
    )
    self_evaluation = models.CharField(
        "Quality indicators covered",
        max_length=200,
        blank=True,
        help_text="The quality indicators of the self-evaluation the report covers, if any.",
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        "Exempt under Schedule 12A, paragraph", choices=ExemptParagraph.choices, null=True, blank=True,
        help_text="Only if the item is to be taken in private. Its papers and minutes are then kept out of the "
        "public agenda, the board pack and anything else published.",
    )
    forward_plan_item = models.OneToOneField(
        "ForwardPlanItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_item",
        help_text="The forward work programme topic this item reports on.",
    )
    carried_actions = models.ManyToManyField(
        "ActionItem",
        blank=True,
        related_name="carried_into",
        help_text="For the action log item: the overdue actions brought to this meeting.",
    )
    revisits = models.ForeignKey(
        "Minute", on_delete=models.CASCADE, null=True, blank=True, related_name="revisit_items",
        help_text="The decision whose measures the board sees again at this item, six or twelve months on.",
    )
    revisit_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(kind="action_log"),
                name="boards_one_action_log_item_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind"],
                condition=Q(kind__in=["apologies", "declarations", "previous_minutes", "forward_plan", "aob"]),
                name="boards_standard_items_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["revisits", "revisit_months"],
                condition=Q(revisits__isnull=False),
                name="boards_one_revisit_item_per_decision_and_milestone",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_exempt(self):
        return self.exempt_paragraph is not None

    @property
    def measure_list(self):
        """The board measures covered (``measures.registry.Measure``), in the order given."""
        return [board_measures.BY_IDENTIFIER[code] for code in split_identifiers(self.measures)
                if code in board_measures.BY_IDENTIFIER]


class AgendaTemplate(models.Model):
    """A board's usual agenda, from which the clerk builds each meeting's agenda."""

    objects = stamps.StampedManager()

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="agenda_templates")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["board", "name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="boards_template_name_per_board")]

    def __str__(self):
        return self.name


class AgendaTemplateItem(models.Model):
    objects = stamps.StampedManager()

    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=AgendaItemKind.choices, default=AgendaItemKind.ITEM)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["template", "position", "id"]

    def __str__(self):
        return self.title


def paper_path(instance, filename):
    return f"boards/papers/{instance.agenda_item.meeting_id}/{filename}"


def paper_pdf_path(instance, filename):
    return f"boards/papers/{instance.agenda_item.meeting_id}/pdf/{filename}"


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Paper(models.Model):
    """
    A report for an agenda item, with its cover sheet: who wrote it, its purpose, its numbered recommendations,
    the implications councils expect every report to state, and its appendices. Whether it is public or
    exempt (and under which paragraph) is its agenda item's. Only officers see it until it is published.
    """

    objects = stamps.StampedManager()

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=paper_path, validators=[UploadValidator(PAPERS)], max_length=300)
    pdf_version = models.FileField(
        "PDF version", upload_to=paper_pdf_path, blank=True, max_length=300,
        help_text="A Word or OpenDocument paper turned into PDF by LibreOffice, for the board pack (boards.conversion).",
    )
    conversion_error = models.TextField(blank=True, help_text="Why the paper could not be turned into PDF.")
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    for_young_people = models.BooleanField(
        "For young people's representatives", default=False,
        help_text="Young people's representatives on the board see it as soon as it is published, before the "
        "agenda is public (never for an exempt item).",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The cover sheet
    author = models.CharField("Report author", max_length=200, blank=True)
    author_service = models.CharField(
        "Author's service or agency", max_length=200, blank=True,
        help_text="For example Children's Services: Virtual School, or Wyvern Integrated Care Board.",
    )
    purpose = models.TextField("Purpose of the report", blank=True, help_text="What the report is for, in a sentence or two.")
    recommendations = models.TextField(
        blank=True, help_text="What the board is asked to do, one recommendation a line; they are numbered in this order.",
    )
    financial_implications = models.TextField("Financial implications", blank=True)
    legal_implications = models.TextField("Legal implications", blank=True)
    equalities_implications = models.TextField("Equalities implications", blank=True)
    voice_implications = models.TextField(
        "Children's and young people's voice", blank=True,
        help_text="How children and young people were heard in this work, and what they said.",
    )
    risk_implications = models.TextField("Risk implications", blank=True)
    appendices = models.TextField(blank=True, help_text="One appendix a line; they are lettered A, B, C in this order.")

    class Meta:
        ordering = ["agenda_item", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.file and conversion.is_converted(self.file.name) and not conversion.available():
            raise ValidationError({"file": (
                "Word and OpenDocument papers are turned into PDF for the board pack, but LibreOffice is not "
                "installed on this server, so this one cannot be. Save the paper as a PDF and upload that."
            )})

    @property
    def printable_file(self):
        """The PDF the board pack merges: the paper itself, or its PDF version; None if there is neither."""
        if self.file and conversion.extension(self.file.name) == "pdf":
            return self.file
        return self.pdf_version or None

    @property
    def awaits_conversion(self):
        """A Word or OpenDocument paper not yet turned into PDF, nor failed."""
        return bool(self.file) and conversion.is_converted(self.file.name) and not self.pdf_version \
            and not self.conversion_error

    @property
    def recommendation_list(self):
        return _lines(self.recommendations)

    @property
    def appendix_list(self):
        """``[("A", "Appendix title"), ...]``."""
        return [(chr(ord("A") + index), line) for index, line in enumerate(_lines(self.appendices)[:26])]

    @property
    def implications(self):
        """The implications in the order councils print them: ``[(heading, text), ...]`` (text may be empty)."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in COVER_SHEET_IMPLICATIONS
        ]


COVER_SHEET_IMPLICATIONS = (
    "financial_implications", "legal_implications", "equalities_implications", "voice_implications",
    "risk_implications",
)
COVER_SHEET_FIELDS = (
    "author", "author_service", "purpose", "recommendations", *COVER_SHEET_IMPLICATIONS, "appendices",
)


def may_record_attendance(meeting, today=None):
    """Attendance is recorded for a meeting that has been held, or on its day: never for one still to come."""
    return meeting.status != MeetingStatus.CANCELLED and meeting.date <= (today or timezone.localdate())


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    objects = stamps.StampedManager()

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    substitute = models.CharField(
        max_length=200, blank=True, help_text="Who attended in the member's place, if anyone."
    )

    class Meta:
        ordering = ["meeting", "membership__role", "membership__user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="boards_one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.membership.user}: {self.get_status_display()}"


class InterestKind(models.TextChoices):
    """The kinds of interest in a council's members' code of conduct."""

    DISCLOSABLE_PECUNIARY = "dpi", "Disclosable pecuniary interest"
    OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
    NON_REGISTRABLE = "non_registrable", "Non-registrable interest"


class DeclarationAction(models.TextChoices):
    LEFT_ROOM = "left_room", "Left the room and took no part"
    DID_NOT_VOTE = "did_not_vote", "Stayed, spoke as allowed, and did not vote"
    TOOK_PART = "took_part", "Took part and voted (the interest did not prevent it)"
    DISPENSATION = "dispensation", "Took part under a dispensation"


class Declaration(models.Model):
    """A member's declaration of interest at a meeting, on an item: the kind, the interest, and what they did."""

    objects = stamps.StampedManager()

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="declarations",
        help_text="The item the interest relates to.",
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="declarations",
                                   verbose_name="Member")
    kind = models.CharField("Kind of interest", max_length=20, choices=InterestKind.choices)
    interest = models.TextField("The interest", help_text="What the interest is, as the member declared it.")
    action = models.CharField("What they did", max_length=15, choices=DeclarationAction.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "agenda_item__order", "id"]

    def __str__(self):
        return f"{self.membership.user}: {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.membership_id and self.meeting_id and self.membership.board_id != self.meeting.board_id:
            errors["membership"] = "Choose a member of this meeting's board."
        if self.agenda_item_id and self.meeting_id and self.agenda_item.meeting_id != self.meeting_id:
            errors["agenda_item"] = "Choose an item on this meeting's agenda."
        if self.kind == InterestKind.DISCLOSABLE_PECUNIARY and self.action in (
            DeclarationAction.TOOK_PART, DeclarationAction.DID_NOT_VOTE
        ):
            errors["action"] = (
                "A member with a disclosable pecuniary interest must leave the room and take no part, "
                "unless they have a dispensation."
            )
        if errors:
            raise ValidationError(errors)


class RegisterCategory(models.TextChoices):
    EMPLOYMENT = "employment", "Employment, office, trade, profession or vocation"
    SPONSORSHIP = "sponsorship", "Sponsorship"
    CONTRACTS = "contracts", "Contracts with the council"
    LAND = "land", "Land in the council's area"
    LICENCES = "licences", "Licences to occupy land"
    CORPORATE_TENANCIES = "tenancies", "Corporate tenancies"
    SECURITIES = "securities", "Securities"
    BODIES = "bodies", "Membership or management of other bodies"
    GIFTS = "gifts", "Gifts and hospitality"


class RegisteredInterest(models.Model):
    """An entry in the register of members' interests, kept by the clerk."""

    objects = stamps.StampedManager()

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_interests")
    category = models.CharField(max_length=15, choices=RegisterCategory.choices)
    description = models.TextField()
    registered_on = models.DateField("Date registered", default=timezone.localdate)
    ended_on = models.DateField("Date it ended", null=True, blank=True)

    class Meta:
        ordering = ["member__last_name", "member__first_name", "category", "registered_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                name="boards_interest_ends_after_registered",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.get_category_display()}"

    def clean(self):
        if self.ended_on and self.registered_on and self.ended_on < self.registered_on:
            raise ValidationError({"ended_on": "The end date must be on or after the date registered."})


class MinuteKind(models.TextChoices):
    MINUTE = "minute", "Minute"
    DECISION = "decision", "Decision"
    RECOMMENDATION = "recommendation", "Recommendation"


def council_year_start(day):
    """Minutes are numbered through the council year, which starts at the annual meeting in May (from 1 May)."""
    return datetime.date(day.year if day.month >= 5 else day.year - 1, 5, 1)


class Minute(models.Model):
    """
    What was said (minute), decided (decision) or recommended to others (recommendation) on an item. Numbered
    through the board's council year; fixed once the board approves the meeting's minutes as a correct record,
    after which a change is a ``MinuteCorrection``. A recommendation says to whom, and when a response is due.
    """

    objects = stamps.StampedManager()

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Its number in the board's council year.")
    kind = models.CharField(max_length=15, choices=MinuteKind.choices, default=MinuteKind.MINUTE)
    text = models.TextField()
    recommended_to = models.CharField(
        "Recommended to", max_length=200, blank=True, help_text="For a recommendation: the body or person asked to act."
    )
    response_due = models.DateField("Response due", null=True, blank=True)
    response_received_on = models.DateField("Response received", null=True, blank=True)
    response = models.TextField("Their response", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agenda_item", "number", "recorded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or ''}: {self.text[:60]}"

    def clean(self):
        if self.kind == MinuteKind.RECOMMENDATION:
            errors = {}
            if not self.recommended_to:
                errors["recommended_to"] = "Say who the recommendation is made to."
            if not self.response_due:
                errors["response_due"] = "Enter the date a response is due."
            if errors:
                raise ValidationError(errors)
        elif self.recommended_to or self.response_due:
            raise ValidationError({"recommended_to": "Only a recommendation is made to someone."})
        if self.response_received_on and not self.response:
            raise ValidationError({"response": "Enter the response received."})


# A decision that names the measures it means to move comes back to the board this many months after it was made.
REVISIT_MONTHS = (6, 12)


class DecisionFigure(models.Model):
    """
    A measure a decision means to move, with its figure as published when the decision was recorded (the
    suppressed figure the board saw, never a raw number): fixed, so that six and twelve months on the board
    sees it beside the figure published then.
    """

    objects = stamps.StampedManager()

    decision = models.ForeignKey("Minute", on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=60, validators=[validate_measure_identifiers])
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The collection year of the return the figure came from (none loaded: empty)."
    )
    figure = models.CharField(max_length=20, help_text="As published, for example 64%, 71 or [c].")
    recorded_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "measure"], name="boards_decision_names_a_measure_once")
        ]

    def __str__(self):
        return f"{getattr(self.measure_detail, 'title', self.measure)}: {self.figure}"

    @property
    def measure_detail(self):
        """The board measure (``measures.registry.Measure``); None if the registry no longer has it."""
        return board_measures.BY_IDENTIFIER.get(self.measure)

    @property
    def shown(self):
        """The figure as ``core.suppression.Shown``, as it was published."""
        if self.figure == suppression.MARKER:
            return suppression.withheld()
        return suppression.shown(self.figure)

    @property
    def year_label(self):
        return collection_year.label(self.year) if self.year else ""


class MinuteCorrection(models.Model):
    """A change to a minute after the board approved it: the earlier and new wording, why, who and when."""

    objects = stamps.StampedManager()

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="corrections")
    previous_text = models.TextField()
    corrected_text = models.TextField()
    reason = models.TextField(help_text="Why the approved record is being corrected, and on whose authority.")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["minute", "corrected_at", "id"]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(models.Model):
    """An action arising from a meeting, owned by one person, with a due date."""

    objects = stamps.StampedManager()

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_actions")
    due_on = models.DateField("Due date")
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        if self.agenda_item_id and self.meeting_id and self.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError({"agenda_item": "The agenda item must belong to the same meeting."})

    @property
    def is_open(self):
        return self.status in OPEN_ACTION_STATUSES


class ActionUpdate(models.Model):
    """Progress on an action, and any change of its owner or due date (the earlier ones kept here)."""

    objects = stamps.StampedManager()

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField()
    status = models.CharField("Status after this update", max_length=12, choices=ActionStatus.choices)
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous_due_on = models.DateField(null=True, blank=True)
    new_due_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]


class Theme(models.TextChoices):
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH = "mental_health", "Child and adolescent mental health"
    TRANSITIONS = "transitions", "Transitions"
    LEISURE = "leisure", "Leisure"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    EMPLOYMENT = "employment", "Employment"
    OTHER = "other", "Other"


class ForwardPlanItem(models.Model):
    """A themed topic in the forward work programme, planned for a future meeting, with who reports on it."""

    objects = stamps.StampedManager()

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="forward_plan")
    theme = models.CharField(max_length=15, choices=Theme.choices)
    topic = models.CharField(max_length=200)
    planned_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="forward_plan_items"
    )
    partner_asked = models.CharField(
        "Partner asked to report", max_length=200, help_text="The service or partner agency reporting on its part."
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="Lead officer",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["planned_meeting__starts_at", "theme", "topic"]

    def __str__(self):
        return self.topic

    def clean(self):
        if self.planned_meeting_id and self.board_id and self.planned_meeting.board_id != self.board_id:
            raise ValidationError({"planned_meeting": "Choose a meeting of the same board."})


class PledgeCommitment(models.Model):
    """A promise in the Care Pledge, co-produced with the Children in Care Council."""

    objects = stamps.StampedManager()

    number = models.PositiveSmallIntegerField(unique=True, help_text="Its number in the published Care Pledge.")
    commitment = models.TextField(help_text="The promise, in the words agreed with young people.")
    co_produced_with = models.CharField(max_length=200, default="Children in Care Council")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledge_commitments")
    measure = models.CharField(
        "Measure identifier",
        max_length=50,
        blank=True,
        validators=[validate_measure_identifiers],
        help_text="The identifier of the board measure that shows whether the promise is kept, if there is one.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.commitment[:80]}"

    @property
    def measure_detail(self):
        return board_measures.BY_IDENTIFIER.get(self.measure)


class Rag(models.TextChoices):
    RED = "red", "Red: not on track"
    AMBER = "amber", "Amber: some progress, at risk"
    GREEN = "green", "Green: on track or kept"


class PledgeUpdate(models.Model):
    """A dated progress rating; earlier updates are kept as the commitment's history."""

    objects = stamps.StampedManager()

    commitment = models.ForeignKey(PledgeCommitment, on_delete=models.CASCADE, related_name="updates")
    rag = models.CharField("RAG rating", max_length=5, choices=Rag.choices)
    note = models.TextField(help_text="What has happened since the last update.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["commitment", "-updated_on"])]


class ViewSource(models.TextChoices):
    CICC_MEETING = "cicc_meeting", "Children in Care Council meeting"
    SURVEY = "survey", "Survey"
    BOARD_MEETING = "board_meeting", "Young people at a board meeting"
    CONSULTATION = "consultation", "Consultation event"
    COMPLAINT = "complaint", "Complaint or compliment"
    REPRESENTATIVE = "representative", "Sent by a young people's representative"
    OTHER = "other", "Other"


class ChildrensView(models.Model):
    """What children and young people told us, about a pledge commitment or a service area ("you said")."""

    objects = stamps.StampedManager()

    commitment = models.ForeignKey(
        PledgeCommitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="views",
        verbose_name="Pledge commitment",
    )
    service_area = models.CharField(max_length=15, choices=Theme.choices, blank=True)
    view = models.TextField("What young people said")
    heard_on = models.DateField("Date heard")
    source = models.CharField(max_length=15, choices=ViewSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-heard_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False) | ~Q(service_area=""),
                name="boards_view_about_commitment_or_service",
            )
        ]

    def __str__(self):
        return self.view[:80]

    def clean(self):
        if not self.commitment_id and not self.service_area:
            raise ValidationError("Say which pledge commitment or service area the view is about.")


class Response(models.Model):
    """The board's answer ("we did"): what it did, the decision, and the reason, told back to young people."""

    objects = stamps.StampedManager()

    childrens_view = models.OneToOneField(ChildrensView, on_delete=models.CASCADE, related_name="response")
    we_did = models.TextField("What we did")
    decision = models.TextField("The decision")
    reason = models.TextField("The reason for the decision")
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    responded_on = models.DateField(default=timezone.localdate)
    published = models.BooleanField(
        "Published to young people", default=False, help_text="Only published responses are shown to young people."
    )

    class Meta:
        ordering = ["-responded_on", "-id"]

    def __str__(self):
        return self.we_did[:80]


# The board's record is evidence for inspectors: keep who changed what.
for _model in (
    Board, Membership, Meeting, AgendaItem, Paper, Attendance, Minute, MinuteCorrection, ActionItem, PledgeCommitment,
    Response, Declaration, RegisteredInterest, DecisionFigure, ForwardPlanItem,
):
    auditlog.register(_model)
