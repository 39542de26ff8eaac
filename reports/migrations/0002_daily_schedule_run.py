"""
Store the daily Celery beat entry that runs the report schedules (django-celery-beat's DatabaseScheduler
reads it), so beat needs no code-side schedule and the time can be changed in the admin.
"""
from django.db import migrations

TASK_NAME = "Build due board packs and annual reports"


def add_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "reports.tasks.run_due_schedules",
            "crontab": crontab,
            "enabled": True,
            "description": "Each morning, request the board packs and annual reports that a report schedule says are due.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
