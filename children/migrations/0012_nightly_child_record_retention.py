"""
Store the nightly Celery beat entry that removes children past the retention period
(``CHILD_RECORD_RETENTION_YEARS`` since the last return that held them); django-celery-beat's DatabaseScheduler
reads it.
"""
from django.db import migrations

TASK_NAME = "Remove children's records past their retention period"


def add_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "children.remove_children_past_retention",
            "crontab": crontab,
            "enabled": True,
            "description": "Each night, remove every child who is in none of the returns of the retention period, "
            "with every row held about them; the audit trail records how many, naming nobody.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0011_import_changes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
