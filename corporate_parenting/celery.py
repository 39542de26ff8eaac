"""Celery application. Configuration comes from Django settings (CELERY_* names)."""
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corporate_parenting.settings")

app = Celery("corporate_parenting")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def forget_content_type_ids(**kwargs):
    """A worker lives longer than the content-type rows it has cached: a flush or a ``migrate`` that
    removes stale types gives them new ids, and an audit entry written with a cached old id fails its
    foreign key. Reading them again costs one small query per type a task uses."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
