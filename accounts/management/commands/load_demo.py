"""
Load a synthetic council so every page has something real to show.

Each app that has demo data provides ``<app>/demo.py`` with ``load(context)``; they run in the order below
and share ``context`` (the demo people, the board, the cohort years...). Nothing here is a real person.
"""
import datetime
import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import User

DEMO_APPS = ("accounts", "children", "indicators", "measures", "boards", "reports")


class Command(BaseCommand):
    help = "Load the synthetic Wyvern County Council demo: people of every role, cohort, board, evaluations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if anyone can already sign in."
        )
        parser.add_argument(
            "--without-report-builds", action="store_true",
            help="Keep the reports' content and schedules but build no PDF (the two builds are most of the time).",
        )
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, **options):
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data is already loaded.")
                self._print_logins()
                return
            raise CommandError("The database already has users; load_demo only fills an empty database.")
        context = {
            "today": options["today"] or timezone.localdate(),
            "stdout": self.stdout,
            "build_reports": not options["without_report_builds"],
        }
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                self.stdout.write(f"Loading {app} demo data...")
                module.load(context)
        self.stdout.write(self.style.SUCCESS("Demo council loaded."))
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Sign in at {settings.SITE_URL.rstrip('/')}/ as:")
        for role, username, password in accounts_demo.logins():
            self.stdout.write(f"  {role:<45} username {username:<20} password {password}")
