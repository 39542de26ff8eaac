"""
Store the nightly Celery beat entry that deletes uploaded 903 files once they are older than the retention
period (``COHORT_FILE_RETENTION_DAYS`` after their import finished); django-celery-beat's DatabaseScheduler
reads it.
"""
from django.db import migrations

TASK_NAME = "Delete uploaded 903 files past their retention period"


def add_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "children.delete_expired_import_files",
            "crontab": crontab,
            "enabled": True,
            "description": "Each night, delete the uploaded 903 files of imports that finished longer ago than "
            "the retention period. The cohort records and each import's counts and problems stay.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0005_import_file_retention"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
