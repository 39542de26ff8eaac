"""Background jobs for the board's business."""
from celery import shared_task

from . import services


@shared_task
def carry_forward_overdue_actions():
    """
    Refresh the "Action log: overdue actions" item of every scheduled meeting still to come. The services do
    this whenever a meeting or action changes through the app; this catches changes made any other way
    (imports, the database shell) and is safe to run as often as wanted.
    """
    return services.carry_forward_for_upcoming_meetings()


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def email_agenda_published(meeting_id):
    from .models import Meeting

    meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
    return services.email_agenda_published(meeting) if meeting else 0


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def email_paper_published(paper_id):
    from .models import Paper

    paper = Paper.objects.select_related("agenda_item__meeting__board").filter(pk=paper_id, published=True).first()
    return services.email_paper_published(paper) if paper else 0


@shared_task
def remind_report_authors():
    """Each working morning: tell report authors whose papers are still owed that they are due."""
    return services.remind_report_authors()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3, acks_late=True)
def convert_paper(paper_id):
    """Turn a Word or OpenDocument paper into PDF for the board pack (``boards.conversion``)."""
    from .models import Paper

    paper = Paper.objects.select_related("agenda_item").filter(pk=paper_id).first()
    return [paper.pk for paper in services.convert_papers([paper])] if paper else []
