from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        from . import security  # noqa: F401  (connects the sign-in signal receivers)
