"""Background jobs of self-evaluation: the workflow's emails, sent after the change is committed."""
from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def email_workflow_step(evaluation_id, step):
    from .models import Evaluation

    evaluation = Evaluation.objects.select_related("indicator", "cycle").filter(pk=evaluation_id).first()
    return services.email_workflow_step(evaluation, step) if evaluation else 0


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def email_cycle_approved(cycle_id, evaluation_ids):
    from .models import Cycle, Evaluation

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    evaluations = list(Evaluation.objects.filter(pk__in=evaluation_ids).select_related("approval_meeting__board"))
    return services.email_cycle_approved(cycle, evaluations) if cycle else 0
