"""
Change stamps: a token that changes in the same transaction as any write to the data a cached page shows.

The dashboards cache their rendered HTML under this token, the cohort's version
(``measures.queries.version``, the ``MEASURES`` stamp) and the date, so a usual request runs two small queries and one
cache read, yet every change shows on the next request, in every web process, whichever process (a page, a
Celery worker, a management command, Django admin) made it. The measures pages and the meeting page do the same
(``page_version`` below; the context they would compute is wrapped in ``later``, and the meeting page's forms get
this request's CSRF token through ``core.templatetags.cached_forms``).

Why a database row rather than a key in the cache: the token is written inside the writer's own transaction,
so no reader can see the new data under the old token (a cache key set after commit leaves such a window), a
rolled-back change rolls its token back too, and per-process caches stay correct without sharing anything.
The token is random rather than a counter, so a rolled-back transaction's token is never reused for other data.
One row for everything the dashboards cache, so concurrent transactions never take stamp locks in different
orders; the tracked writes are short, so the row is locked for milliseconds.

Every model of ``TRACKED_APPS`` and each of ``TRACKED_MODELS`` stamps on save, delete and many-to-many change
through Django's signals (connected per model, so untracked models keep Django's fast bulk deletes). The bulk
writes that send no signals (a queryset's ``update()``, ``bulk_create``, ``bulk_update``) stamp through the
model's manager, ``StampedManager``, which every tracked model has (``connect`` refuses to start otherwise): it
sends ``bulk_written``, which stamps like a save, in the same transaction as the write. A write that changes
only fields no page shows (``IGNORED_UPDATES``: signing in, a build's progress) stamps nothing, however made.
A write this cannot see (raw SQL, the database shell) shows on the dashboards at the next tracked change or at
midnight, when the date in their key changes. Every key includes the running code's release (``page_key``), so a
deploy's new HTML shows at once.
"""
import secrets
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

DASHBOARDS = "dashboards"
# Everything a measure's figure is computed from: the returns and each child's history, officers' edits, code
# lists, comparators, targets and population (stamped by ``measures.signals`` and the writers that bypass
# signals). The dashboards' pages key on it too.
MEASURES = "measures"

TRACKED_APPS = ("boards", "indicators")
# What else the dashboards show: imports and their errors, people's names on actions, papers and evaluations,
# and what officers enter beside the measures (not the children's histories, which are rebuilt in bulk).
TRACKED_MODELS = (
    "children.CohortImport", "accounts.User", "measures.Comparator", "measures.Target", "measures.ChildPopulation",
    "reports.Report",  # the meeting page lists its board packs
)
# Writes that change nothing a page shows: signing in records the time; a report's build reports its progress
# (the report's own page asks for it as it goes) and when its members were emailed; an import saves its
# progress every second or so (its own page asks for it; the dashboards show its status and error count).
IGNORED_UPDATES = {
    "children.CohortImport": frozenset({"stage", "rows_done", "rows_total"}),
    "accounts.User": frozenset({"last_login"}),
    "reports.Report": frozenset({"progress", "step", "members_emailed_at"}),
}

# Sent after a bulk write to a model with ``StampedManager`` (``sender``: the model; ``using``; ``fields``: the
# fields an ``update`` or ``bulk_update`` wrote, None for ``bulk_create``), in the writer's transaction.
bulk_written = Signal()


class StampedQuerySet(models.QuerySet):
    """
    A queryset whose bulk writes, which send no per-row signals, send ``bulk_written`` when they change a row, in
    the same transaction as the write. ``bulk_update`` writes through ``update``.
    """

    def update(self, **kwargs):
        if _ignored(self.model, kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            rows = super().update(**kwargs)
            if rows:
                bulk_written.send(sender=self.model, using=self.db, fields=frozenset(kwargs))
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if created:
                bulk_written.send(sender=self.model, using=self.db, fields=None)
        return created


StampedManager = models.Manager.from_queryset(StampedQuerySet, "StampedManager")


def tracked_models():
    models = []
    for label in TRACKED_APPS:
        models.extend(apps.get_app_config(label).get_models(include_auto_created=True))
    models.extend(apps.get_model(label) for label in TRACKED_MODELS)
    return models


def stamp(using="default", name=DASHBOARDS):
    """Give ``name`` (the dashboards by default) a new token, in the current transaction on database ``using``."""
    from .models import ChangeStamp

    ChangeStamp.objects.using(using).bulk_create(
        [ChangeStamp(name=name, token=secrets.token_hex(16), changed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token", "changed_at"],
    )


def token(using="default", name=DASHBOARDS):
    """``name``'s current token (the dashboards' by default; "" before the first change). One query."""
    from .models import ChangeStamp

    connection = connections[using]
    table = connection.ops.quote_name(ChangeStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else ""


def changed_at(using="default", name=DASHBOARDS):
    """When ``name``'s token last changed (None before the first change). One query."""
    from .models import ChangeStamp

    return ChangeStamp.objects.using(using).filter(name=name).values_list("changed_at", flat=True).first()


def tokens(*names, using="default"):
    """``{name: token}`` for each of ``names`` ("" before its first change), in one query."""
    from .models import ChangeStamp

    connection = connections[using]
    table = connection.ops.quote_name(ChangeStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {table} WHERE name IN ({', '.join(['%s'] * len(names))})", list(names))
        found = dict(cursor.fetchall())
    return {name: found.get(name, "") for name in names}


def page_version(*parts, names=(MEASURES, DASHBOARDS)):
    """
    The key a page's cached HTML is kept under (``{% cache 3600 fragment_name page_version %}``): the code's
    release (``page_key``), the tokens of ``names`` (one query), then ``parts``, everything else the HTML depends on: the date, the person, their
    role or what they may do. A page keys on what it shows, so a page of figures alone (``names=(MEASURES,)``)
    is not built again for a change to the board's business.
    """
    found = tokens(*names)
    return page_key(*(found[name] for name in names), *parts)


def page_key(*parts):
    """
    A cached page's (or part's) key: the running code's release (``settings.RELEASE``, ``core.release``), so a
    page cached by one release is never served by another, even from a cache shared across a deploy, then
    ``parts``.
    """
    return ":".join([settings.RELEASE, *map(str, parts)])


def later(function, *args, **kwargs):
    """``function(*args, **kwargs)``, called only if the template uses it (the page's HTML may be cached)."""
    return SimpleLazyObject(partial(function, *args, **kwargs))


def _ignored(model, fields):
    """Whether a write of only ``fields`` to ``model`` changes nothing a page shows."""
    ignored = IGNORED_UPDATES.get(model._meta.label)
    return bool(ignored and fields and frozenset(fields) <= ignored)


def _saved(sender, using, update_fields=None, **kwargs):
    if not _ignored(sender, update_fields):
        stamp(using)


def _bulk_written(sender, using, fields=None, **kwargs):
    stamp(using)


def _deleted(sender, using, **kwargs):
    stamp(using)


def _many_to_many_changed(sender, action, using, **kwargs):
    if action.startswith("post_"):
        stamp(using)


def stamps_bulk_writes(model):
    """Whether every manager of ``model`` (and so its related managers) sends ``bulk_written``."""
    return all(isinstance(manager.get_queryset(), StampedQuerySet) for manager in model._meta.managers)


def connect():
    """Called once the apps are ready (``CoreConfig.ready``). Refuses a tracked model whose bulk writes would not stamp."""
    tracked = tracked_models()
    for model in tracked:
        if not (model._meta.auto_created or stamps_bulk_writes(model)):
            raise ImproperlyConfigured(
                f"{model._meta.label} is tracked by core.stamps, but its bulk writes would not stamp: give it "
                "objects = stamps.StampedManager() (or a manager made from stamps.StampedQuerySet)."
            )
    for model in tracked:
        uid = f"core.stamps:{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        bulk_written.connect(_bulk_written, sender=model, dispatch_uid=uid)
        if model._meta.auto_created:
            m2m_changed.connect(_many_to_many_changed, sender=model, dispatch_uid=uid)
