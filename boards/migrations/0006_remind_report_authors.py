"""
Store the Celery beat entry (django-celery-beat's DatabaseScheduler reads it) that emails report authors whose
papers are still owed, each weekday morning.
"""
from django.db import migrations

TASK_NAME = "Remind report authors of papers due"


def add_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="1-5", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "boards.tasks.remind_report_authors",
            "crontab": crontab,
            "enabled": True,
            "description": "Each weekday morning, email report authors whose papers are due in two working days or today.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0005_agenda_publication"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
