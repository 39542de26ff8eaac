"""
Kinds of return: the reading, checking and storing of a statutory return sit behind one interface, so that
another nation's return (Scotland's CLAS, a year to 31 July with children "looked after at home", or Wales'
census) is a new module and its data, not edits across the app.

A kind of return is an object with:

- ``name``: kept on each ``CohortImport`` (``"ssda903"``); ``label``: the return in the council's words;
- ``year_end``: the (month, day) its collection year ends. ``core.collection_year`` reads the council's
  ``settings.COLLECTION_YEAR_END``; a system check (``check_year_end``) refuses a council kind that disagrees;
- ``read(year, files, progress=None)``: read and check the files, (name, bytes) pairs handed over one at a
  time (an iterable; the service's reads each from storage as it is reached), against the year's
  specification, changing nothing (it may hold rows in temporary tables of its own connection:
  ``children.staging``). Returns the parsed return (``children.ssda903.ParsedReturn`` serves any kind): ``ok``
  (no blocking problem), ``errors`` and ``warnings`` (``children.ssda903.Problem``, the first
  ``ssda903.PROBLEMS_KEPT`` of each kind), ``error_count`` and ``problem_counts()`` (every one counted),
  ``tables`` (file name -> the table it holds, ``""`` if none), ``row_counts`` (table -> rows read) and
  ``close()`` (called however the import ends). ``progress(done, total)`` is called now and then;
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
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from core.bulk import BATCH_SIZE, insert_rows

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
    {"sex", "date_of_birth", "ethnicity", "upn"}. Returns {child identifier: primary key}. The return's children
    are read by their identifiers, a batch at a time (not the whole table, which holds every year's), and new
    ones written with ``core.bulk.insert_rows`` (COPY on PostgreSQL): a return of 80,000 children builds no
    model instances but for the few whose details changed.
    """
    from .models import Child

    columns = ("sex", "date_of_birth", "ethnicity", "upn")
    existing = {}
    for child_id, pk, *values in _of_identifiers(Child.objects.values_list("child_id", "pk", *columns), details):
        existing[child_id] = (pk, dict(zip(columns, values)))
    now = timezone.now()
    changed = [
        Child(pk=existing[child_id][0], child_id=child_id, **wanted, updated_at=now)
        for child_id, wanted in details.items() if child_id in existing and existing[child_id][1] != wanted
    ]
    Child.objects.bulk_update(changed, [*columns, "updated_at"], batch_size=BATCH_SIZE)
    stamp = connection.ops.adapt_datetimefield_value(now)  # as the ORM writes it (SQLite: text in UTC)
    new = insert_rows(
        Child, ["child_id", *columns, "created_at", "updated_at"],
        ((child_id, *(wanted[name] for name in columns), stamp, stamp)
         for child_id, wanted in details.items() if child_id not in existing),
    )
    found = {child_id: pk for child_id, (pk, _values) in existing.items()}
    if new:
        added = [child_id for child_id in details if child_id not in existing]
        found.update(_of_identifiers(Child.objects.values_list("child_id", "pk"), added))
    return found


def save_children_from(source, params=()):
    """
    As ``save_children``, for children a query gives rather than a dict: ``source`` is a SQL SELECT of one row per
    child with the columns child_id, sex, date_of_birth, ethnicity and upn (``params`` its parameters). New
    children are added and changed details updated by two statements, with no child passing through Python.
    Returns {child identifier: primary key} of the query's children.
    """
    from .models import Child

    table = connection.ops.quote_name(Child._meta.db_table)

    def column(name):
        return connection.ops.quote_name(Child._meta.get_field(name).column)

    details = ["sex", "date_of_birth", "ethnicity", "upn"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changed = " OR ".join(f"{table}.{column(name)} <> s.{name}" for name in details)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(f'{column(name)} = s.{name}' for name in details)}, "
            f"{column('updated_at')} = %s FROM ({source}) AS s WHERE {table}.{column('child_id')} = s.child_id "
            f"AND ({changed})", [now, *params],
        )
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(column(name) for name in ['child_id', *details, 'created_at', 'updated_at'])}) "
            f"SELECT s.child_id, {', '.join(f's.{name}' for name in details)}, %s, %s FROM ({source}) AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS c WHERE c.{column('child_id')} = s.child_id)",
            [now, now, *params],
        )
        cursor.execute(
            f"SELECT c.{column('child_id')}, c.{column('id')} FROM {table} AS c JOIN ({source}) AS s "
            f"ON s.child_id = c.{column('child_id')}", params,
        )
        return dict(cursor.fetchall())


def _of_identifiers(children, identifiers):
    """
    The rows of ``children`` (a queryset of Child) whose identifier is among ``identifiers``, found by the unique
    index a batch at a time: the table holds every child of every year kept, a return's children are a part.
    """
    identifiers = list(identifiers)
    for start in range(0, len(identifiers), BATCH_SIZE):
        yield from children.filter(child_id__in=identifiers[start:start + BATCH_SIZE])
