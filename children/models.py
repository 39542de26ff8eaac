"""
Cohort records of looked-after children and care leavers, shaped on the England SSDA903 return.

Each year's return is kept as it was imported: a record belongs to the ``CohortReturn`` (collection year)
it came from, so re-importing a year replaces exactly that year's rows. A year's episodes file holds the
full episode history of every child looked after at any time in that year (as councils' 903 extracts do),
so every measure for a year reads that year's return alone.

Code lists (legal status, category of need, placement type...) are rows of ``Code``, not Python choices, so
a council whose return differs (Scotland's, say) loads its own list and groups.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core import collection_year, stamps
from core.collection_year import CollectionYear


class CodeList(models.TextChoices):
    ETHNICITY = "ethnicity", "Ethnicity"
    REASON_NEW_EPISODE = "reason_new_episode", "Reason for new episode (RNE)"
    LEGAL_STATUS = "legal_status", "Legal status (LS)"
    CATEGORY_OF_NEED = "category_of_need", "Category of need (CIN)"
    PLACEMENT_TYPE = "placement_type", "Placement type (PLACE)"
    PLACEMENT_PROVIDER = "placement_provider", "Placement provider (PLACE_PROVIDER)"
    REASON_CEASED = "reason_ceased", "Reason episode ceased (REC)"
    REASON_PLACE_CHANGE = "reason_place_change", "Reason for placement change"
    REVIEW_PARTICIPATION = "review_participation", "Participation in review (REVIEW_CODE)"
    IN_TOUCH = "in_touch", "Care leaver in touch (IN_TOUCH)"
    CARE_LEAVER_ACTIVITY = "care_leaver_activity", "Care leaver activity (ACTIV)"
    CARE_LEAVER_ACCOMMODATION = "care_leaver_accommodation", "Care leaver accommodation (ACCOM)"
    MISSING_TYPE = "missing_type", "Missing or away (MISSING)"


class Code(models.Model):
    """
    One code in a code list. ``group`` is how measures read the code: a placement type's group is one of
    foster, kinship, residential, with_parents, adoption, other; a care-leaver activity's is eet or neet;
    an accommodation's is suitable or unsuitable; in-touch codes are in_touch or not_in_touch.

    Codes are up to 10 characters, and so are the record fields that hold them, so a council can load its own
    lists (Scotland's, say) without a schema change.
    """

    code_list = models.CharField(max_length=40, choices=CodeList.choices)
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=255)
    group = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    objects = stamps.StampedManager()  # a loader's bulk writes move the measures' version (measures.signals)

    class Meta:
        ordering = ["code_list", "code"]
        constraints = [models.UniqueConstraint(fields=["code_list", "code"], name="unique_code_in_list")]

    def __str__(self):
        return f"{self.code}: {self.description}"


class CohortReturn(models.Model):
    """One collection year's return. ``year`` is the year the collection ends: 2025 is 1 April 2024 to 31 March 2025."""

    year = models.PositiveSmallIntegerField(unique=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validation_error_count = models.PositiveIntegerField(
        "DfE validation errors", null=True, blank=True,
        help_text="How many of the DfE's validation rule failures the loaded return carries (blank: not checked).",
    )
    validation_note = models.TextField(
        blank=True, help_text="Why the return was not checked against the DfE's rules (no rule pack for its year...).",
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return self.label

    @property
    def collection_year(self):
        return CollectionYear(self.year)

    @property
    def label(self):
        return self.collection_year.label

    @property
    def starts_on(self):
        return self.collection_year.starts_on

    @property
    def ends_on(self):
        return self.collection_year.ends_on


class Child(models.Model):
    """A child the council looks after or has looked after (903 Header). Identified by the council's CHILD id."""

    class Sex(models.TextChoices):
        """The 903's codes from 2024-25; earlier returns' 1 and 2 are read as M and F."""

        MALE = "M", "Male"
        FEMALE = "F", "Female"
        NOT_KNOWN = "U", "Not known"

    child_id = models.CharField("child identifier", max_length=20, unique=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField()
    ethnicity = models.CharField(max_length=10)
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["child_id"]
        verbose_name_plural = "children"

    def __str__(self):
        return f"Child {self.child_id}"

    def get_additional_data(self):
        """Stored with every audit entry so a child's audit trail can be read in one query."""
        return {"child_pk": self.pk, "child_id": self.child_id}

    def age_on(self, date):
        before_birthday = (date.month, date.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return date.year - self.date_of_birth.year - before_birthday


def _return_key(*, db_index=True):
    """
    The key of the return a record came from. ``db_index=False`` where the table's unique constraint begins
    with it, so that its index serves (an import writes each index of every row: one more is upkeep for nothing).
    """
    return models.ForeignKey(CohortReturn, on_delete=models.CASCADE, related_name="%(class)ss", db_index=db_index)


class ReturnRecord(models.Model):
    """Fields every per-year record shares: the child and the return it came from."""

    cohort_return = _return_key()
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True


class Episode(ReturnRecord):
    """
    An episode of care (903 Episodes): a period with one legal status and one placement. A new episode
    starts whenever either changes; ``reason_new_episode`` says which.
    """

    cohort_return = _return_key(db_index=False)  # its unique constraint begins with it
    start_date = models.DateField("date episode started (DECOM)")
    reason_new_episode = models.CharField("reason for new episode (RNE)", max_length=10)
    legal_status = models.CharField("legal status (LS)", max_length=10)
    category_of_need = models.CharField("category of need (CIN)", max_length=10)
    placement_type = models.CharField("placement type (PLACE)", max_length=10)
    placement_provider = models.CharField("placement provider", max_length=10, blank=True)
    end_date = models.DateField("date episode ceased (DEC)", null=True, blank=True)
    reason_ceased = models.CharField("reason episode ceased (REC)", max_length=10, blank=True)
    reason_place_change = models.CharField("reason for placement change", max_length=10, blank=True)
    home_postcode = models.CharField("home postcode (HOME_POST)", max_length=8, blank=True)
    placement_postcode = models.CharField("placement postcode (PL_POST)", max_length=8, blank=True)
    urn = models.CharField("provider URN", max_length=10, blank=True)
    distance_miles = models.DecimalField(
        "distance from home (miles)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    placed_outside_area = models.BooleanField(
        "placed outside the council's area", null=True, blank=True
    )
    placement_la = models.CharField(
        "placement's local authority (ONS code)", max_length=9, blank=True,
        help_text="The council whose area the placement postcode is in, from the ONS postcode directory.",
    )

    class Meta:
        ordering = ["child__child_id", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort_return", "child", "start_date"], name="one_episode_per_start_date"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="episode_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["cohort_return", "start_date", "end_date"])]

    def __str__(self):
        return f"Episode from {self.start_date:%d/%m/%Y} for {self.child}"

    def get_additional_data(self):
        return {"child_pk": self.child_id, "year": self.cohort_return.year if self.cohort_return_id else None}

    def clean(self):
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "An episode cannot end before it starts."})
        if self.end_date and not self.reason_ceased:
            raise ValidationError({"reason_ceased": "Give the reason the episode ceased."})
        if self.reason_ceased and not self.end_date:
            raise ValidationError({"end_date": "Give the date the episode ceased."})
        if self.child_id and self.start_date and self.start_date < self.child.date_of_birth:
            raise ValidationError({"start_date": "An episode cannot start before the child was born."})


class Review(ReturnRecord):
    """A looked-after child's review (903 Reviews) and how the child took part."""

    review_date = models.DateField()
    participation = models.CharField("participation code (REVIEW_CODE)", max_length=10, blank=True)

    class Meta:
        ordering = ["child__child_id", "review_date"]


class HealthOutcome(ReturnRecord):
    """OC2: outcomes for a child looked after continuously for 12 months at 31 March."""

    cohort_return = _return_key(db_index=False)  # its unique constraint begins with it
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField("reason no SDQ", max_length=4, blank=True)
    convicted = models.BooleanField(null=True, blank=True)
    health_check = models.BooleanField("health check up to date", null=True, blank=True)
    immunisations = models.BooleanField("immunisations up to date", null=True, blank=True)
    teeth_check = models.BooleanField("dental check", null=True, blank=True)
    health_assessment = models.BooleanField("annual health assessment", null=True, blank=True)
    substance_misuse = models.BooleanField("identified substance misuse", null=True, blank=True)
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["child__child_id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort_return", "child"], name="one_oc2_row_per_child_per_return"),
            models.CheckConstraint(
                condition=Q(sdq_score__isnull=True) | Q(sdq_score__lte=40), name="sdq_score_at_most_40"
            ),
        ]


class CareLeaverOutcome(ReturnRecord):
    """OC3: a care leaver's circumstances around their 17th to 21st birthday."""

    cohort_return = _return_key(db_index=False)  # its unique constraint begins with it
    in_touch = models.CharField("in touch (IN_TOUCH)", max_length=10)
    activity = models.CharField("main activity (ACTIV)", max_length=10, blank=True)
    accommodation = models.CharField("accommodation (ACCOM)", max_length=10, blank=True)

    class Meta:
        ordering = ["child__child_id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort_return", "child"], name="one_oc3_row_per_child_per_return")
        ]


class MissingEpisode(ReturnRecord):
    """A period when a looked-after child was missing (M) or away without authorisation (A)."""

    kind = models.CharField("missing or away (MISSING)", max_length=10)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child__child_id", "start_date"]


class UnaccompaniedAsylumSeeker(ReturnRecord):
    """UASC: a child who came to the council as an unaccompanied asylum-seeking child."""

    cohort_return = _return_key(db_index=False)  # its unique constraint begins with it
    date_ceased_uasc = models.DateField("date ceased to be UASC (DUC)", null=True, blank=True)

    class Meta:
        ordering = ["child__child_id"]
        verbose_name = "unaccompanied asylum-seeking child"
        constraints = [
            models.UniqueConstraint(fields=["cohort_return", "child"], name="one_uasc_row_per_child_per_return")
        ]


class Adoption(ReturnRecord):
    """AD1: a child adopted during the year, how long it took and who adopted them."""

    cohort_return = _return_key(db_index=False)  # its unique constraint begins with it
    date_should_be_placed = models.DateField(
        "date of the decision that the child should be placed for adoption (DATE_INT)", null=True, blank=True
    )
    date_matched = models.DateField("date matched with the adopters (DATE_MATCH)", null=True, blank=True)
    foster_carer_adoption = models.CharField("adopted by the child's foster carers (FOSTER_CARE)", max_length=10, blank=True)
    number_of_adopters = models.CharField("number of adopters (NB_ADOPTR)", max_length=10, blank=True)
    adopters_sex = models.CharField("sex of the adopters (SEX_ADOPTR)", max_length=10, blank=True)
    adopters_legal_status = models.CharField("legal status of the adopters (LS_ADOPTR)", max_length=10, blank=True)

    class Meta:
        ordering = ["child__child_id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort_return", "child"], name="one_ad1_row_per_child_per_return")
        ]


class PlacementForAdoptionDecision(ReturnRecord):
    """PlacedAdoption: a decision that the child should be placed for adoption, and whether it was reversed."""

    decision_date = models.DateField("date of the decision (DATE_PLACED)")
    ceased_date = models.DateField("date the decision ceased to apply (DATE_PLACED_CEASED)", null=True, blank=True)
    reason_ceased = models.CharField("reason it ceased to apply (REASON_PLACED_CEASED)", max_length=10, blank=True)

    class Meta:
        ordering = ["child__child_id", "decision_date"]


class PreviousPermanence(ReturnRecord):
    """PrevPerm: a permanence order (adoption, special guardianship, child arrangements) the child had before."""

    kind = models.CharField("previous permanence option (PREV_PERM)", max_length=10, blank=True)
    local_authority = models.CharField("local authority that made it (LA_PERM)", max_length=10, blank=True)
    date = models.CharField("date of the order as given (DATE_PERM)", max_length=10, blank=True)

    class Meta:
        ordering = ["child__child_id"]
        verbose_name_plural = "previous permanence"


class CohortImport(models.Model):
    """
    One attempt to import a year's 903 CSV tables: who asked, the files, how far it got and every problem
    found. A failed attempt changes no cohort records; its errors stay here for the officer to read.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    year = models.PositiveSmallIntegerField("collection year ending 31 March")
    kind = models.CharField(
        "kind of return", max_length=20, default="ssda903",
        help_text="Which return the files are (children.returns), e.g. ssda903 for England's SSDA903.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    problem_counts = models.JSONField(
        default=list, blank=True,
        help_text="Each kind of problem found: how many, how many are listed in errors or warnings (the first "
                  "ssda903.PROBLEMS_KEPT of each kind), whether it blocks, and its first example's message.",
    )
    counts = models.JSONField("rows saved per table", default=dict, blank=True)
    changes = models.JSONField(
        "what changed since the year's last import", default=dict, blank=True,
        help_text="Children looked after at 31 March before and after, children new to the return and no longer "
                  "in it (with their identifiers, up to a limit).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = stamps.StampedManager()  # its progress alone stamps nothing (core.stamps.IGNORED_UPDATES)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import of {self.year_label} ({self.get_status_display().lower()})"

    @property
    def year_label(self):
        return collection_year.label(self.year)

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent_done(self):
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(100 * self.rows_done / self.rows_total))


class CohortImportFile(models.Model):
    """
    A CSV table uploaded for an import, kept in private storage until the retention rule deletes it
    (``settings.COHORT_FILE_RETENTION_DAYS`` after the import finished); the record of it stays.
    """

    cohort_import = models.ForeignKey(CohortImport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="cohort-imports/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    table = models.CharField(max_length=20, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class DfeRuleCheck(models.Model):
    """The DfE's own validation rules run over an import's files (``children.dfe_rules``): never blocking."""

    class Status(models.TextChoices):
        RAN = "ran", "Checked"
        NO_PACK = "no_pack", "No DfE rule pack for the year"
        OFF = "off", "Switched off"
        NOT_RUN = "not_run", "Could not be run"

    cohort_import = models.OneToOneField(CohortImport, on_delete=models.CASCADE, related_name="rule_check")
    status = models.CharField(max_length=10, choices=Status.choices)
    message = models.TextField(blank=True, help_text="Why the rules were not run, in words for the officer.")
    pack = models.CharField("rule pack", max_length=20, blank=True, help_text="The engine's pack, e.g. lac2024_25.")
    failure_count = models.PositiveIntegerField(default=0, help_text="Rows flagged, over every rule.")
    not_run = models.JSONField(default=list, blank=True, help_text="Rules the engine could not apply.")
    files_not_checked = models.JSONField(default=list, blank=True, help_text="[file, why] the engine was not given.")
    seconds = models.FloatField(null=True, blank=True)

    def __str__(self):
        return f"DfE rules for {self.cohort_import}: {self.get_status_display().lower()}"


class DfeRuleFailure(models.Model):
    """One DfE rule an import's files fail: the full count, and its first rows (``dfe_rules.FINDINGS_KEPT``)."""

    rule_check = models.ForeignKey(DfeRuleCheck, on_delete=models.CASCADE, related_name="failures")
    code = models.CharField(max_length=20)
    message = models.TextField()
    fields = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField()
    findings = models.JSONField(default=list, blank=True, help_text="[table, row, child] of the first rows flagged.")
    position = models.PositiveIntegerField(default=0, help_text="The rules in code order (101 before 1001).")

    class Meta:
        ordering = ["rule_check", "position"]

    def __str__(self):
        return f"Rule {self.code}: {self.count}"


# Officers' changes to a child's record are audited; views are logged by the views (``accessed`` signal).
auditlog.register(Child, exclude_fields=["created_at", "updated_at"])
auditlog.register(Episode, exclude_fields=["distance_miles", "placed_outside_area", "placement_la"])
