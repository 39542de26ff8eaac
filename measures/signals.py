"""
Keeping each child's history (``measures.history``) in step with the returns, in the same transaction as
the change: an import of a year (which saves its ``CohortReturn`` once its rows are in), a return removed,
and an officer's edit of one child's record. The import writes its rows with plain SQL, so it sends no
per-row signals; a per-row change (an officer's edit, the admin, a test building rows) rebuilds that child.
"""
import logging
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from kombu.exceptions import OperationalError

from children.models import Child, Code, CohortReturn
from core import stamps

from . import history
from .models import ChildPopulation, Comparator, Target

logger = logging.getLogger(__name__)

_state = threading.local()


def _return_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "imported_at" not in update_fields):
        return  # a new return has no rows yet
    history.rebuild(history.children_of_year(instance.year))


def _return_deleting(sender, instance, **kwargs):
    _state.deleting = getattr(_state, "deleting", 0) + 1
    _state.affected = history.children_of_year(instance.year)


def _return_deleted(sender, instance, **kwargs):
    _state.deleting -= 1
    history.rebuild(_state.affected)


def _row_changed(sender, instance, **kwargs):
    if getattr(_state, "deleting", 0):
        return  # the return's deletion rebuilds everyone it touched at once
    if instance.child_id in getattr(_state, "children_going", ()):
        return  # the child's own rows go with them
    history.rebuild([instance.child_id])


def _child_saved(sender, instance, created, update_fields=None, **kwargs):
    if not created:
        history.rebuild([instance.pk])  # a date of birth changes every age


def _child_deleting(sender, instance, **kwargs):
    _state.children_going = getattr(_state, "children_going", set()) | {instance.pk}


def _child_deleted(sender, instance, **kwargs):
    _state.children_going.discard(instance.pk)


def figures_changed(using="default"):
    """
    Something a figure is computed from has changed, in the current transaction: move the measures' version
    with it, and once it commits, have the worker compute the figures before anyone asks for them.
    """
    stamps.stamp(using, name=stamps.MEASURES)
    transaction.on_commit(_warm, using=using)


def _warm():
    """Queued once per committed change; a second warm-up in a row finds the figures cached and stops."""
    from .tasks import warm_figures

    try:
        warm_figures.delay()
    except OperationalError:  # no worker to ask: the first page computes them, once
        logger.exception("Could not queue the measures' warm-up")


def _input_changed(sender, using="default", **kwargs):
    figures_changed(using)


def connect():
    """Called once the apps are ready (``MeasuresConfig.ready``)."""
    uid = "measures.history"
    post_save.connect(_return_saved, sender=CohortReturn, dispatch_uid=uid)
    pre_delete.connect(_return_deleting, sender=CohortReturn, dispatch_uid=uid)
    post_delete.connect(_return_deleted, sender=CohortReturn, dispatch_uid=uid)
    post_save.connect(_child_saved, sender=Child, dispatch_uid=uid)
    pre_delete.connect(_child_deleting, sender=Child, dispatch_uid=uid)
    post_delete.connect(_child_deleted, sender=Child, dispatch_uid=uid)
    for model in (Code, Comparator, Target, ChildPopulation):
        post_save.connect(_input_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_input_changed, sender=model, dispatch_uid=uid)
    for model in (Code, Comparator, Target, ChildPopulation):  # their bulk writes (a code list loaded, say)
        stamps.bulk_written.connect(_input_changed, sender=model, dispatch_uid=uid)
    for model in history.return_tables():
        post_save.connect(_row_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_row_changed, sender=model, dispatch_uid=uid)
