from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = "Looked-after children and care leavers"

    def ready(self):
        from . import returns  # noqa: F401 (registers its system check)
