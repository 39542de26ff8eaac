"""
Store the nightly Celery beat entry that refreshes the "Action log: overdue actions" item of scheduled
meetings (django-celery-beat's DatabaseScheduler reads it). It runs before the 06:00 board pack build, so a
pack built that morning lists the right actions. The app already refreshes on every change it makes; this
catches changes made any other way.
"""
from django.db import migrations

TASK_NAME = "Carry overdue actions onto scheduled meetings' agendas"


def add_periodic_task(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "boards.tasks.carry_forward_overdue_actions",
            "crontab": crontab,
            "enabled": True,
            "description": "Each night, bring overdue actions onto the agenda of every scheduled meeting still to come.",
        },
    )


def remove_periodic_task(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0002_agenda_item_cycle_and_measure_checks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_periodic_task, remove_periodic_task)]
