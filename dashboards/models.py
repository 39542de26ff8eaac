from django.conf import settings
from django.db import models


class PublicPage(models.Model):
    """
    Whether the board's published measures have a page anyone can read without signing in. One row; off
    until an administrator turns it on. The page shows only what ``core.suppression`` lets any non-officer
    see, built from the same figures as the councillors' dashboard.
    """

    enabled = models.BooleanField("publish the board's measures on a public page", default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "Public measures page: " + ("on" if self.enabled else "off")

    @classmethod
    def is_enabled(cls):
        return cls.objects.filter(pk=1, enabled=True).exists()

    @classmethod
    def switch(cls, *, enabled, user):
        page, _created = cls.objects.update_or_create(pk=1, defaults={"enabled": enabled, "updated_by": user})
        return page
