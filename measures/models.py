"""
What sits beside the board's measures, entered or loaded by officers: England and statistical-neighbour
comparators, the board's targets, and the child population for rates. (The measures themselves are worked
out from the cohort: ``measures.registry`` and ``measures.queries``.)

These tables were created by the ``indicators`` app and moved here with their rows (migration 0001 takes
them over as they are; 0002 renames them).
"""
from django.conf import settings
from django.db import models

from core import stamps


class ChildPopulation(models.Model):
    """The council's population aged 0-17 (mid-year estimate): the denominator for rates per 10,000."""

    objects = stamps.StampedManager()

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="Collection year ending 31 March, e.g. 2025 for 2024-25."
    )
    population = models.PositiveIntegerField("children aged 0 to 17")
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.population:,} children"


class Comparator(models.Model):
    """England and statistical-neighbour values for one measure in one year, entered or loaded by officers."""

    objects = stamps.StampedManager()

    measure = models.CharField(max_length=80, help_text="The measure's identifier, e.g. cla_rate_per_10000.")
    year = models.PositiveSmallIntegerField()
    england = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    statistical_neighbours = models.DecimalField(
        "statistical neighbours", max_digits=9, decimal_places=2, null=True, blank=True
    )
    council_published = models.DecimalField(
        "the council, as the DfE publishes it", max_digits=9, decimal_places=2, null=True, blank=True,
        help_text="The DfE's own figure for this council: a check of the app's figure.",
    )
    neighbours_reporting = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many of the statistical neighbours the average is of, when loaded."
    )
    source = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measure", "-year"]
        constraints = [models.UniqueConstraint(fields=["measure", "year"], name="one_comparator_per_measure_year")]

    def __str__(self):
        return f"{self.measure} {self.year}"


class ComparisonAuthority(models.Model):
    """
    The council itself and its ten statistical neighbours, by the local authority codes the DfE's data files
    use (new_la_code, e.g. E10000034), chosen once by officers; comparator files are read for these.
    """

    code = models.CharField("local authority code", max_length=9, unique=True)
    name = models.CharField(max_length=100, blank=True)
    is_council = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-is_council", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_council"], condition=models.Q(is_council=True), name="one_council_authority"
            )
        ]

    def __str__(self):
        return f"{self.name or self.code} ({'the council' if self.is_council else 'neighbour'})"


class Target(models.Model):
    """The board's target for a measure; a value within ``amber_margin`` of it is amber, beyond is red."""

    objects = stamps.StampedManager()

    measure = models.CharField(max_length=80, unique=True)
    value = models.DecimalField(max_digits=9, decimal_places=2)
    amber_margin = models.DecimalField(max_digits=9, decimal_places=2, default=5)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measure"]

    def __str__(self):
        return f"Target for {self.measure}: {self.value}"


# --- Each child's history across returns (derived; rebuilt by measures.history) --------------------------


def _derived_key(to, **options):
    """
    A key from a row the history derives (``measures.history``) to the child or return it was worked out from.
    The database does not check it: the rows are rebuilt from the return's rows in the same transaction, whose
    own keys it has just checked, and checking each derived row again was about 2 of the 4.5 seconds an
    80,000-child import spends checking keys when it commits. Django still deletes them with their child or
    return (``on_delete=CASCADE``), as the retention job does.
    """
    return models.ForeignKey(to, on_delete=models.CASCADE, db_constraint=False, **options)


class CareEpisode(models.Model):
    """
    One episode of a child's care history, joined from every imported return by child identifier. Each
    return speaks for the time from its first episode onwards (for a return in the DfE's shape, the episode
    open on 1 April), so an episode is taken from the latest return that holds it, and an earlier return's
    episode still open where a later return takes over is closed there. Rebuilt, never edited.
    """

    # Found by the unique (child, start_date) index, which begins with it.
    child = _derived_key("children.Child", related_name="care_episodes", db_index=False)
    source = _derived_key("children.CohortReturn", related_name="+", help_text="The return this row is from.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason_new_episode = models.CharField(max_length=10)
    legal_status = models.CharField(max_length=10)
    category_of_need = models.CharField(max_length=10)
    placement_type = models.CharField(max_length=10)
    placement_provider = models.CharField(max_length=10, blank=True)
    reason_ceased = models.CharField(max_length=10, blank=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    placed_outside_area = models.BooleanField(null=True, blank=True)
    closed_where_a_later_return_takes_over = models.BooleanField(default=False)
    period_start = models.DateField(help_text="When the period of care this episode belongs to began.")
    carer_start = models.DateField(help_text="When the child began living with this episode's carer.")

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [models.UniqueConstraint(fields=["child", "start_date"], name="one_care_episode_per_start")]

    def __str__(self):
        return f"Episode from {self.start_date:%d/%m/%Y} for {self.child_id}"


class ChildYear(models.Model):
    """
    What the measures need to know about one child in one collection year, worked out from the child's
    history (``CareEpisode``) and that year's return. One row per child in each year's return; the measures
    are aggregates over these rows, in one query for every year.
    """

    cohort_return = _derived_key("children.CohortReturn", related_name="+")
    year = models.PositiveSmallIntegerField()
    child = _derived_key("children.Child", related_name="+")
    # Copied from the child (a change to the child rebuilds their rows), so that the measures read one table
    sex = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=10, blank=True)
    in_episodes = models.BooleanField(help_text="The year's Episodes table holds the child.")
    looked_after = models.BooleanField(help_text="Looked after in the year, not only under short breaks (V3, V4).")
    short_breaks_only = models.BooleanField()
    started = models.BooleanField(help_text="A period of care (RNE S) started in the year.")
    ceased = models.BooleanField(help_text="A period of care ended in the year (REC other than X1).")
    reason_ceased = models.CharField(max_length=10, blank=True, help_text="How the year's last period ended.")
    age_ceased = models.PositiveSmallIntegerField(null=True, blank=True)
    at_year_end = models.BooleanField(help_text="Looked after on the year's last day (not under V3, V4).")
    age_at_year_end = models.PositiveSmallIntegerField(null=True, blank=True)
    age_started = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=10, blank=True)
    category_of_need = models.CharField(max_length=10, blank=True)
    placement_type = models.CharField(max_length=10, blank=True)
    placement_provider = models.CharField(max_length=10, blank=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    placed_outside_area = models.BooleanField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    carer_start = models.DateField(null=True, blank=True)
    placements = models.PositiveSmallIntegerField(default=0, help_text="Placements (carers) in the year.")
    long_term_group = models.BooleanField(
        default=False, help_text="At 31 March: under 16 and looked after continuously for two and a half years."
    )
    long_term_stable = models.BooleanField(default=False, help_text=(
        "In that group, in the same placement for two years, or placed for adoption with the adoptive placement "
        "and the one before it lasting two years."
    ))
    twelve_months = models.BooleanField(help_text="Looked after continuously through the year (the OC2 group).")
    uasc_at_year_end = models.BooleanField(default=False)
    # The year's OC2 row, if it has one
    has_oc2 = models.BooleanField(default=False)
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True)
    health_assessment = models.BooleanField(null=True, blank=True)
    teeth_check = models.BooleanField(null=True, blank=True)
    immunisations = models.BooleanField(null=True, blank=True)
    health_check = models.BooleanField(null=True, blank=True)
    convicted = models.BooleanField(null=True, blank=True)
    substance_misuse = models.BooleanField(null=True, blank=True)
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)
    # Missing and away incidents starting in the year
    missing_incidents = models.PositiveIntegerField(default=0)
    away_incidents = models.PositiveIntegerField(default=0)
    # Reviews held in the year: those of children aged 4 or over (a participation code other than PN0), and
    # those in which the child took part (PN1 to PN6)
    reviews_aged_4_and_over = models.PositiveIntegerField(default=0)
    reviews_taken_part_in = models.PositiveIntegerField(default=0)
    # The statutory review timetable (``history.review_timeliness``): reviews due in the year, and held on time
    reviews_due = models.PositiveIntegerField(default=0)
    reviews_on_time = models.PositiveIntegerField(default=0)
    # A child adopted in the year: the adoption scorecard's times in days (``history.adoption_timeliness``)
    days_to_adoptive_family = models.PositiveIntegerField(
        null=True, blank=True, help_text="A1: entering care to moving in with the adoptive family."
    )
    days_to_adoptive_family_adjusted = models.PositiveIntegerField(
        null=True, blank=True, help_text="A10: as A1, from moving in with the foster carers who adopted the child."
    )
    days_order_to_match = models.PositiveIntegerField(
        null=True, blank=True, help_text="A2: placement (or freeing) order to the match with the adopters."
    )
    # The year's OC3 row, if it has one
    care_leaver_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The birthday (17 to 21) that fell in the year, for a care leaver."
    )
    in_touch = models.CharField(max_length=10, blank=True)
    activity = models.CharField(max_length=10, blank=True)
    accommodation = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["year", "child"]
        constraints = [models.UniqueConstraint(fields=["year", "child"], name="one_child_year")]

    def __str__(self):
        return f"{self.child_id} in {self.year}"


class ReturnDifference(models.Model):
    """
    Where two years' returns disagree about a child (the DfE's rules 502 and 503): last year's return ended
    with an open episode, and this year's first episode does not match it. Both years' rows are kept.
    """

    child = _derived_key("children.Child", related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The later of the two years.")
    rule = models.CharField(max_length=10, help_text="The DfE validation rule, e.g. 502 or 503B; blank for others.")
    message = models.CharField(max_length=255)
    previous = models.JSONField(help_text="Last year's row.")
    current = models.JSONField(null=True, blank=True, help_text="This year's row (none if the child is missing).")

    class Meta:
        ordering = ["year", "child", "rule"]

    def __str__(self):
        return f"{self.rule or 'Difference'} for {self.child_id} in {self.year}"
