from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "The public site: meetings, agendas, papers and minutes"
