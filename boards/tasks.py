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
