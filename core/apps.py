from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app shares: role checks, navigation, small-number suppression, upload checks."""

    name = "core"
    verbose_name = "Shared"
