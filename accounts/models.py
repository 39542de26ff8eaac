from auditlog.registry import auditlog
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.conf import settings
from django.db import models
from django_otp.models import ThrottlingMixin

from core import stamps


class Role(models.TextChoices):
    """What a person does for the board; it decides what they may see."""

    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    COUNCILLOR = "councillor", "Councillor (board member)"
    OFFICER = "officer", "Officer"
    YOUNG_PERSON = "young_person", "Children in Care Council representative"
    CLERK = "clerk", "Clerk (democratic services)"
    PARTNER = "partner", "Partner agency"
    ADMINISTRATOR = "administrator", "Administrator"


class UserManager(DjangoUserManager.from_queryset(stamps.StampedQuerySet)):
    """Django's, whose bulk writes stamp the pages that show people's names (``core.stamps``)."""


class User(AbstractUser):
    """A person who signs in. Every user has exactly one role."""

    objects = UserManager()

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.COUNCILLOR)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(
        max_length=150, blank=True, help_text="The council or partner agency the person works for."
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_officer(self):
        """Officers and administrators keep the data; only they see a child's record (core.permissions)."""
        from core.permissions import may_see_child_records

        return may_see_child_records(self)

    def has_role(self, *roles):
        return self.is_authenticated and self.is_active and self.role in roles

    def delete(self, *args, **kwargs):
        """People are deactivated, never deleted: the audit trail names them (and refuses the change)."""
        raise PersonCannotBeDeleted(
            f"{self} cannot be deleted: the audit trail names them. Deactivate the account instead "
            "(untick \"Active\"), which stops them signing in."
        )


class PersonCannotBeDeleted(Exception):
    pass


class _NothingElseRefuses:
    """What ThrottlingMixin asks after its own check (a django-otp Device answers it elsewhere)."""

    def verify_is_allowed(self):
        return True, None


class SecurityKeyThrottle(ThrottlingMixin, _NothingElseRefuses, models.Model):
    """
    Failed security-key checks in a row, per person, throttled by django-otp's own rule (as wrong codes are):
    after each, the next try is refused for twice as long. Per person rather than per key, because a failed
    check may come from a key that is not theirs.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_key_throttle")

    def get_throttle_factor(self):
        return settings.SECURITY_KEY_THROTTLE_FACTOR


# Every change to a person, their role, their access to the admin or their active flag is in the audit trail.
auditlog.register(
    User,
    include_fields=[
        "username", "first_name", "last_name", "email", "role", "job_title", "organisation", "is_active",
        "is_staff", "is_superuser",
    ],
)
