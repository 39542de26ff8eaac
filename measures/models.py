"""
What sits beside the board's measures, entered or loaded by officers: England and statistical-neighbour
comparators, the board's targets, and the child population for rates. (The measures themselves are worked
out from the cohort: ``measures.registry`` and ``measures.queries``.)

These tables were created by the ``indicators`` app and moved here with their rows (migration 0001 takes
them over as they are; 0002 renames them).
"""
from django.conf import settings
from django.db import models


class ChildPopulation(models.Model):
    """The council's population aged 0-17 (mid-year estimate): the denominator for rates per 10,000."""

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

    measure = models.CharField(max_length=80, help_text="The measure's identifier, e.g. cla_rate_per_10000.")
    year = models.PositiveSmallIntegerField()
    england = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    statistical_neighbours = models.DecimalField(
        "statistical neighbours", max_digits=9, decimal_places=2, null=True, blank=True
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


class Target(models.Model):
    """The board's target for a measure; a value within ``amber_margin`` of it is amber, beyond is red."""

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
