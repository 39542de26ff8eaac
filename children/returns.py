"""
Kinds of return: the reading, checking and storing of a statutory return sit behind one interface, so that
another nation's return (Scotland's CLAS, a year to 31 July with children "looked after at home", or Wales'
census) is a new module and its data, not edits across the app.

A kind of return is an object with:

- ``name``: kept on each ``CohortImport`` (``"ssda903"``); ``label``: the return in the council's words;
- ``year_end``: the (month, day) its collection year ends. ``core.collection_year`` reads the council's
  ``settings.COLLECTION_YEAR_END``; a system check (``check_year_end``) refuses a council kind that disagrees;
- ``read(year, files, progress=None)``: read and check the files, ``[(name, bytes)]``, against the year's
  specification, writing nothing. Returns the parsed return: ``ok`` (no blocking problem), ``errors`` and
  ``warnings`` (``children.ssda903.Problem``), ``tables`` (file name -> the table it holds, ``""`` if none) and
  ``row_counts`` (table -> rows read). ``progress(done, total)`` is called now and then;
- ``start_rules(year, files)``: its own rule engine started over the files while the app reads them (an
  object with ``finish()``, giving a ``children.dfe_rules.Outcome``, and ``stop()``), or None without one;
- ``store(parsed, cohort_return)``: write a clean return's rows for the year (the service has already removed
  the year's old rows, in the same transaction). Returns ``({child identifier: Child pk}, {table: rows})``.

``children.services.run_import`` does the rest alike for every kind: the stored files, progress, the
transaction and the lock between imports, removing the year's old rows, the history rebuild, the audit trail,
the rule engine's findings and the "what changed" summary.

The kinds are ``settings.RETURN_KINDS`` (dotted paths); the council's own is ``settings.RETURN_KIND``. A test
can ``register`` a kind of its own.
"""
import functools

from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.module_loading import import_string

from core.bulk import BATCH_SIZE

_registered = {}


def register(kind):
    """Make ``kind`` importable by its name (the settings' kinds are registered on first use)."""
    _registered[kind.name] = kind
    return kind


def unregister(name):
    _registered.pop(name, None)


@functools.cache
def _load_settings_kinds():
    for path in settings.RETURN_KINDS:
        kind = import_string(path)()
        _registered.setdefault(kind.name, kind)


def get(name):
    """The kind of return called ``name``."""
    _load_settings_kinds()
    try:
        return _registered[name]
    except KeyError:
        raise LookupError(f"No kind of return is called {name!r} (settings.RETURN_KINDS).") from None


def council_kind():
    """The council's own return (``settings.RETURN_KIND``)."""
    return get(settings.RETURN_KIND)


@checks.register()
def check_year_end(app_configs=None, **kwargs):
    """The council's return and ``core.collection_year`` must agree on the day the collection year ends."""
    kind = council_kind()
    if tuple(kind.year_end) != tuple(settings.COLLECTION_YEAR_END):
        return [checks.Error(
            f"The {kind.label}'s collection year ends on {kind.year_end}, but COLLECTION_YEAR_END is "
            f"{settings.COLLECTION_YEAR_END}.", hint="Set COLLECTION_YEAR_END to the return's year end.",
            id="children.E001",
        )]
    return []


# Storing: what every kind's ``store`` shares --------------------------------------------------------------


def save_children(details):
    """
    Add new children and update changed details: ``details`` maps each child identifier to
    {"sex", "date_of_birth", "ethnicity", "upn"}. Returns {child identifier: primary key}.
    """
    from .models import Child

    existing = {}
    ids = list(details)
    for start in range(0, len(ids), 900):
        for child in Child.objects.filter(child_id__in=ids[start:start + 900]):
            existing[child.child_id] = child
    new, changed = [], []
    now = timezone.now()
    for child_id, wanted in details.items():
        child = existing.get(child_id)
        if child is None:
            new.append(Child(child_id=child_id, **wanted))
        elif any(getattr(child, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(child, name, value)
            child.updated_at = now
            changed.append(child)
    Child.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Child.objects.bulk_update(changed, ["sex", "date_of_birth", "ethnicity", "upn", "updated_at"], batch_size=BATCH_SIZE)
    result = {c.child_id: c.pk for c in existing.values()}
    if new:
        new_ids = [c.child_id for c in new]
        for start in range(0, len(new_ids), 900):
            result.update(Child.objects.filter(child_id__in=new_ids[start:start + 900]).values_list("child_id", "pk"))
    return result
