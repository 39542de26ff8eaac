from django.core.management.base import BaseCommand

from boards import services


class Command(BaseCommand):
    help = "Put overdue actions on the agenda of every scheduled meeting still to come (safe to repeat)."

    def handle(self, *args, **options):
        count = services.carry_forward_for_upcoming_meetings()
        self.stdout.write(self.style.SUCCESS(f"Action logs refreshed for {count} scheduled meetings."))
