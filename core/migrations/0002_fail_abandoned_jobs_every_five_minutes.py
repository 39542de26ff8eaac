"""
Store the Celery beat entry that marks failed the imports and reports whose worker has gone
(core.tasks.fail_abandoned_jobs), every five minutes; django-celery-beat's DatabaseScheduler reads it.
"""
from django.db import migrations

TASK_NAME = "Mark failed the imports and reports whose worker has gone"


def add_periodic_task(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "core.fail_abandoned_jobs",
            "interval": every_five_minutes,
            "enabled": True,
            "description": "A 903 import or report still running past its time limit has lost its worker: mark it "
            "failed, saying so, so that officers can try again.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
