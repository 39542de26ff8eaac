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
