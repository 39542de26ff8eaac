from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """Pieces every app shares: role checks, navigation, small-number suppression, upload checks, change stamps."""

    name = "core"
    verbose_name = "Shared"

    def ready(self):
        from . import stamps

        stamps.connect()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on core.admin_site.AdminSite: administrators only, with a verified second factor."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays the "core" app's own
    default_site = "core.admin_site.AdminSite"
