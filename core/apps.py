from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app shares: role checks, navigation, small-number suppression, upload checks, change stamps."""

    name = "core"
    verbose_name = "Shared"

    def ready(self):
        from . import stamps

        stamps.connect()
