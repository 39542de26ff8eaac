from django.db import models


class ChangeStamp(models.Model):
    """
    A random token rewritten in the same transaction as every change to what a cached page shows (see
    ``core.stamps``). One row per name; the dashboards use one name for everything they cache.
    """

    name = models.CharField(max_length=50, primary_key=True)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class FormSubmission(models.Model):
    """
    One sending of one rendered form (``core.double_submit``): a second sending of the same page's form (a
    double click, a second press while the first is slow) finds its row and is not acted on again. Kept a day.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    submitted_at = models.DateTimeField(db_index=True)
    outcome_url = models.CharField(
        max_length=500, blank=True, help_text="Where the first sending led (its redirect), for the second to follow."
    )

    def __str__(self):
        return f"{self.path} at {self.submitted_at:%Y-%m-%d %H:%M:%S}"
