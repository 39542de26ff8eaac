from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import services  # noqa: F401  (fills every new entry's "who" before it is saved)
