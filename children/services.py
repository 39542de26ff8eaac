"""
Everything that changes cohort records: code lists, the import of a return and officers' edits.

The import runs in two steps, the same for every kind of return (``children.returns``; England's SSDA903 is
``children.ssda903_return``): the kind reads and checks every row of every table and changes nothing (its
rows wait in temporary tables of its own: ``children.staging``); only if it finds no blocking problem does
``_save_return`` replace the year's rows, in one transaction, with the kind storing its rows. A bad file therefore changes nothing and its ``CohortImport`` keeps every error.
"""
import csv
import datetime
import io
import logging
import time
import zipfile
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.tasks import time_limit_in_words
from measures import history

from . import dfe_rules, returns, selectors, ssda903
from .models import (
    Child,
    Code,
    CodeList,
    CohortImport,
    CohortImportFile,
    CohortReturn,
    ReturnRecord,
)

logger = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
ENGLAND_CODES = DATA_DIR / "codes_england.csv"


class DataFileError(ValueError):
    """A code list file that cannot be loaded; the message says which row and why."""


def _csv_rows(source, required):
    text = Path(source).read_text(encoding="utf-8-sig") if isinstance(source, (str, Path)) else source.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(f"The file needs the columns: {', '.join(missing)}.")
    return list(enumerate(reader, start=2))


@transaction.atomic
def load_code_lists(source, *, replace_lists=True):
    """
    Load codes from a CSV (code_list, code, description, group). Codes are added or updated; with
    ``replace_lists`` a list named in the file loses codes the file does not have (marked inactive, so
    records that used them stay readable). All or nothing. Returns counts.
    """
    valid_lists = set(CodeList.values)
    rows = _csv_rows(source, ["code_list", "code", "description"])
    wanted = {}
    for number, row in rows:
        code_list, code = row["code_list"].strip(), row["code"].strip().upper()
        if code_list not in valid_lists:
            raise DataFileError(f"Row {number}: {code_list!r} is not a code list ({', '.join(sorted(valid_lists))}).")
        if not code or not row["description"].strip():
            raise DataFileError(f"Row {number}: code and description are required.")
        if len(code) > 10 or len(row["description"].strip()) > 255:
            raise DataFileError(f"Row {number}: a code can be at most 10 characters and a description 255.")
        if (code_list, code) in wanted:
            raise DataFileError(f"Row {number}: {code_list} {code} appears twice.")
        wanted[(code_list, code)] = (row["description"].strip(), (row.get("group") or "").strip())
    existing = {(c.code_list, c.code): c for c in Code.objects.all()}
    created, updated = [], []
    for key, (description, group) in wanted.items():
        code = existing.get(key)
        if code is None:
            created.append(Code(code_list=key[0], code=key[1], description=description, group=group))
        elif (code.description, code.group, code.active) != (description, group, True):
            code.description, code.group, code.active = description, group, True
            updated.append(code)
    Code.objects.bulk_create(created)
    Code.objects.bulk_update(updated, ["description", "group", "active"])
    retired = 0
    if replace_lists:
        lists = {key[0] for key in wanted}
        stale = [c.pk for key, c in existing.items() if key[0] in lists and key not in wanted and c.active]
        retired = Code.objects.filter(pk__in=stale).update(active=False)
    return {"created": len(created), "updated": len(updated), "retired": retired}


def load_reference_data():
    """The shipped England code lists (demo, tests, a new installation)."""
    return load_code_lists(ENGLAND_CODES)


# The import ------------------------------------------------------------------------------------------


def create_import(*, year, files, user=None, kind=None):
    """
    Record an import of a return of ``kind`` (a name in ``children.returns``; default the council's own) and
    store its files privately; ``files`` are Django files (uploads or ``File``).
    """
    kind = returns.get(kind) if kind else returns.council_kind()
    with transaction.atomic():
        cohort_import = CohortImport.objects.create(year=year, kind=kind.name, created_by=user, stage="Waiting to start")
        for upload in files:
            name = Path(upload.name).name
            stored = CohortImportFile(cohort_import=cohort_import, original_name=name)
            stored.file.save(name, upload, save=False)
            stored.save()
    return cohort_import


NOT_QUEUED = "Not started: the import worker could not be reached; nothing was changed"


def queue_import(cohort_import):
    """
    Run the import on a Celery worker once the request's transaction has committed. If the worker cannot be
    reached (the broker is down), the import says so and is marked failed rather than left waiting for ever.
    """
    from .tasks import run_cohort_import

    def send():
        try:
            run_cohort_import.delay(cohort_import.pk)
        except OperationalError:
            logger.exception("Could not queue 903 import %s", cohort_import.pk)
            _fail(
                cohort_import, NOT_QUEUED, "The import worker could not be reached. Upload the files again in a few "
                "minutes, and tell your system administrator if this happens again.",
            )

    transaction.on_commit(send)


def import_files(*, year, paths, user=None, kind=None):
    """Import a year's return from files on disk now (management command, demo, benchmark). Returns the import."""
    handles = [open(path, "rb") for path in paths]
    try:
        cohort_import = create_import(
            year=year, files=[File(h, name=Path(h.name).name) for h in handles], user=user, kind=kind
        )
    finally:
        for handle in handles:
            handle.close()
    return run_import(cohort_import.pk)


def _set(cohort_import, **fields):
    """Write ``fields`` now; the dashboards' stamp moves unless they are only progress (``core.stamps``)."""
    for name, value in fields.items():
        setattr(cohort_import, name, value)
    CohortImport.objects.filter(pk=cohort_import.pk).update(**fields)


def _fail(cohort_import, stage, message):
    """Stop an import that could not run, with ``message`` as its one problem (nothing was changed)."""
    problem = ssda903.Problem(table="", row=None, field="", value="", message=message)
    _set(
        cohort_import, status=CohortImport.Status.FAILED, errors=[problem.as_dict()], error_count=1, stage=stage,
        finished_at=timezone.now(),
    )


def run_import(import_id, *, progress=None):
    """Check and, if clean, save an import's files. Safe to call from a worker; never raises for bad data."""
    cohort_import = CohortImport.objects.select_related("created_by").get(pk=import_id)
    if cohort_import.finished:
        return cohort_import
    _set(cohort_import, status=CohortImport.Status.RUNNING, started_at=timezone.now(), stage="Reading files")
    engine = parsed = None
    try:
        stored_files = list(cohort_import.files.all())
        files = StoredFiles(stored_files)
        kind = returns.get(cohort_import.kind)
        engine = kind.start_rules(cohort_import.year, files)  # the rules run while the app reads and checks

        last_report = [0.0]

        def report(done, total):
            # At most one progress write a second: each is its own commit, so the page can see it.
            now = time.monotonic()
            if done < total and now - last_report[0] < 1:
                return
            last_report[0] = now
            _set(cohort_import, rows_done=done, rows_total=total, stage="Checking rows")
            if progress:
                progress(done, total)

        parsed = kind.read(cohort_import.year, files, progress=report)
        for stored in stored_files:
            key = parsed.tables.get(stored.original_name, "")
            rows = sum(parsed.row_counts.get(k, 0) for name, k in parsed.tables.items() if name == stored.original_name)
            CohortImportFile.objects.filter(pk=stored.pk).update(table=key[:20], rows=rows if key else None)
        warnings = [w.as_dict() for w in parsed.warnings]
        if not parsed.ok:
            if engine is not None:
                dfe_rules.store(cohort_import, _wait_for_rules(cohort_import, engine, saving=False))
            errors = [e.as_dict() for e in parsed.errors]
            _set(
                cohort_import, status=CohortImport.Status.FAILED, errors=errors, error_count=parsed.error_count,
                warnings=warnings, problem_counts=parsed.problem_counts(),
                stage="Stopped: the files have errors; nothing was changed", finished_at=timezone.now(),
            )
            return cohort_import
        _wait_for_rules(cohort_import, engine)
        _set(cohort_import, stage="Saving the year's records beside the DfE's validation rules", warnings=warnings,
             problem_counts=parsed.problem_counts())
        counts, changes = _save_return(
            kind, parsed, cohort_import.created_by, import_pk=cohort_import.pk, engine=engine
        )
        _set(
            cohort_import, status=CohortImport.Status.SUCCEEDED, counts=counts, changes=changes,
            rows_done=cohort_import.rows_total,
            stage="Finished", finished_at=timezone.now(),
        )
    except SoftTimeLimitExceeded:
        took = time_limit_in_words("import")
        _fail(cohort_import, STOPPED, f"The import took longer than {took} and was stopped. {TRY_AGAIN}")
    except Exception as error:  # a database or storage failure: record it for the officer, then log it
        logger.exception("903 import %s failed", cohort_import.pk)
        _fail(cohort_import, "Stopped by an unexpected problem; nothing was changed", f"The import stopped: {error}")
    finally:
        if engine is not None:
            engine.stop()
        if parsed is not None:
            parsed.close()
    return cohort_import


class StoredFiles:
    """
    An import's stored files as (name, bytes), each read from storage as it is reached and let go once handed
    over: the rule engine and the reader each walk them, and only one file is held at a time.
    """

    def __init__(self, stored_files):
        self.stored_files = stored_files

    def __iter__(self):
        for stored in self.stored_files:
            with stored.file.open("rb") as handle:
                held = [handle.read()]
            yield stored.original_name, held.pop()  # not kept here while the reader holds it


def _wait_for_rules(cohort_import, engine, *, saving=True):
    """
    The DfE engine's outcome, waited for before the save's transaction with the page saying the rules are
    running: always when nothing will be saved (``saving`` False), and on SQLite, whose one write lock for the
    whole database is not held while the engine works. On PostgreSQL the save runs beside the engine and waits
    for it last, inside its transaction (``_save_return``): None here.
    """
    if engine is None or (saving and connection.vendor != "sqlite"):
        return None
    _set(cohort_import, stage="Running the DfE's validation rules")
    return engine.finish()


# An import whose worker has gone ---------------------------------------------------------------------------

STOPPED = "Stopped before it finished; nothing was changed"
TRY_AGAIN = "Nothing was changed. Press “Try again” to run it again with the same files."
ABANDONED_AFTER = datetime.timedelta(minutes=1)  # past the hard time limit, which a live worker enforces


def fail_abandoned_imports(now=None):
    """
    Mark failed every import still running past the import's hard time limit: its worker was stopped or
    lost (its transaction rolled back, so nothing was changed). The officer can try again. Returns the ids.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_TIME_LIMITS["import"][1]) - ABANDONED_AFTER
    message = (
        "The import stopped before it finished: the computer running it (the import worker) stopped, or the "
        f"import ran for longer than {time_limit_in_words('import', hard=True)}. {TRY_AGAIN}"
    )
    problem = ssda903.Problem(table="", row=None, field="", value="", message=message).as_dict()
    failed = []
    for pk in CohortImport.objects.filter(status=CohortImport.Status.RUNNING, started_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        # Only if it is still running and still that old: an import that finished meanwhile is left alone.
        if CohortImport.objects.filter(pk=pk, status=CohortImport.Status.RUNNING, started_at__lt=cutoff).update(
            status=CohortImport.Status.FAILED, errors=[problem], error_count=1, stage=STOPPED, finished_at=now
        ):
            failed.append(pk)
            logger.warning("903 import %s was still running past its time limit; marked failed", pk)
    return failed


class CannotTryAgain(ValueError):
    """Why an import cannot be run again; the message is for the officer."""


def retry_import(cohort_import):
    """Run a failed import again with the files it stored (a second press, or any other state, is refused)."""
    if any(not stored.file for stored in cohort_import.files.all()):
        raise CannotTryAgain("This import’s files have been deleted; upload them again.")
    restarted = CohortImport.objects.filter(pk=cohort_import.pk, status=CohortImport.Status.FAILED).update(
        status=CohortImport.Status.QUEUED, stage="Waiting to start (tried again)", errors=[], error_count=0,
        warnings=[], problem_counts=[], counts={}, changes={}, rows_done=0, rows_total=0, started_at=None, finished_at=None,
    )
    if not restarted:
        raise CannotTryAgain("Only an import that failed can be tried again; this one is already under way.")
    cohort_import.refresh_from_db()
    queue_import(cohort_import)
    return cohort_import


@transaction.atomic
def _save_return(kind, parsed, user, import_pk=None, engine=None):
    """
    Replace one year's records with the checked rows, which ``kind`` stores. Runs inside one transaction,
    which also writes the audit trail: an entry for every child the import changed, and for every child whose
    records for the year it removed, naming the import and the officer who ran it, and the rule engine's
    findings (``engine``, waited for last, so the saving is done while it works).
    """
    _wait_for_other_imports()
    cohort_return, created = CohortReturn.objects.get_or_create(year=parsed.year)
    cohort_return = CohortReturn.objects.select_for_update().get(pk=cohort_return.pk)
    before = _children_in_return(cohort_return)
    looked_after_before = history.looked_after_at_year_end(parsed.year)
    # The year's rows are replaced, not edited: plain SQL, so no per-row signals or audit entries.
    with connection.cursor() as cursor:
        for model in return_record_models():
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE cohort_return_id = %s",
                [cohort_return.pk],
            )
    children, counts = kind.store(parsed, cohort_return)
    _audit_import(user, import_pk, parsed.year, before, children)
    del children  # a whole return's children are not held through the history rebuild
    cohort_return.imported_at = timezone.now()
    cohort_return.imported_by = user
    cohort_return.save(update_fields=["imported_at", "imported_by"])  # rebuilds the year's children's histories
    looked_after_after = history.looked_after_at_year_end(parsed.year)
    _refresh_planner_statistics()
    if engine is not None:
        dfe_rules.store(CohortImport(pk=import_pk), engine.finish(), cohort_return)
    after = _children_in_return(cohort_return)
    return counts, _changes(before, after, (looked_after_before, looked_after_after), first_import=created)


# How many of the children new to the return, and no longer in it, the import page names.
CHANGES_LISTED = 100
# One key for every import's save (PostgreSQL advisory lock): "903" and "save".
IMPORT_LOCK = 903_0001


def _wait_for_other_imports():
    """
    Imports of different years share children (a child in care over two years is in both returns): two saves
    at once would both add the same new child, or rebuild the same history, and one would fail with a raw
    database error. On PostgreSQL each save takes one transaction-level advisory lock, so a second import
    waits for the first to commit and then goes ahead; SQLite lets one writer in at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _changes(before, after, looked_after, *, first_import):
    """
    What the import changed in the year's return: the children with a record in the return before and after
    (``before``, ``after``: pk -> CHILD), and how many children were looked after at 31 March before and
    after (``looked_after``, as the measure counts them: ``measures.history.looked_after_at_year_end``).
    """
    new = sorted(child_id for pk, child_id in after.items() if pk not in before)
    gone = sorted(child_id for pk, child_id in before.items() if pk not in after)
    return {
        "first_import": first_import,
        "looked_after_before": looked_after[0],
        "looked_after_after": looked_after[1],
        "children_before": len(before),
        "children_after": len(after),
        "new_children": len(new),
        "children_gone": len(gone),
        "new_listed": new[:CHANGES_LISTED],
        "gone_listed": gone[:CHANGES_LISTED],
    }


def _children_in_return(cohort_return):
    """{primary key: CHILD} of every child with a record in the year's return (one query)."""
    in_return = Q(pk__in=[])
    for model in return_record_models():
        in_return |= Q(pk__in=model.objects.filter(cohort_return=cohort_return).values("child_id"))
    return dict(Child.objects.filter(in_return).values_list("pk", "child_id"))


def _audit_import(user, import_pk, year, before, children):
    from auditlog.models import LogEntry

    from audit import services as audit

    imported = sorted((pk, child_id) for child_id, pk in children.items())
    still_there = set(children.values())
    removed = sorted((pk, child_id) for pk, child_id in before.items() if pk not in still_there)
    audit.record_for_children("imported", imported, user=user, import_pk=import_pk, year=year)
    audit.record_for_children(
        "removed_by_import", removed, user=user, import_pk=import_pk, year=year, action=LogEntry.Action.DELETE
    )


def _refresh_planner_statistics():
    """
    A year's replacement changes tens of thousands of rows at once; without fresh statistics PostgreSQL's
    planner picks slow plans for the measures (seconds instead of milliseconds) until autovacuum catches up.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Child, *return_record_models()):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# Officers' edits -------------------------------------------------------------------------------------


def update_child(*, child, data):
    """Save an officer's change to a child's header details (audited by django-auditlog)."""
    for name, value in data.items():
        setattr(child, name, value)
    child.full_clean()
    child.save()
    return child


def update_episode(*, episode, data):
    """Save an officer's change to an episode; distance and area are worked out again. Audited."""
    for name, value in data.items():
        setattr(episode, name, value)
    lookups = ssda903.Lookups.from_settings()
    ssda903.find_postcodes(lookups, episode.home_postcode, episode.placement_postcode)
    episode.distance_miles, episode.placement_la, episode.placed_outside_area = ssda903.placement_location(
        episode.home_postcode, episode.placement_postcode, lookups
    )
    episode.full_clean()
    episode.save()
    return episode


def expired_import_files(now=None):
    """Stored 903 files of imports that finished (or started, if they never finished) before the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.COHORT_FILE_RETENTION_DAYS)
    return (
        CohortImportFile.objects.exclude(file="")
        .annotate(ended=Coalesce("cohort_import__finished_at", "cohort_import__created_at"))
        .filter(ended__lt=cutoff)
    )


def delete_expired_import_files(now=None):
    """
    Delete the uploaded 903 files kept longer than ``settings.COHORT_FILE_RETENTION_DAYS`` after their import
    finished, keeping the record of each (name, table, rows, when it was deleted) and the import's counts and
    problems. The file goes first: if marking the record fails, the next run finds it again. Returns how many.
    """
    now = now or timezone.now()
    deleted = 0
    for stored in expired_import_files(now).iterator():
        stored.file.storage.delete(stored.file.name)
        CohortImportFile.objects.filter(pk=stored.pk).update(file="", file_deleted_at=now)
        deleted += 1
    return deleted


def store_upload_copy(name, content):
    """A ``ContentFile`` with a name, for tests and callers holding bytes rather than files."""
    return ContentFile(content, name=name)


# --- Data protection: the retention period and subject access requests -----------------------------------


def _retention_limit(today=None):
    """The earliest date a return may have ended and still keep its children's records."""
    today = today or timezone.localdate()
    years = settings.CHILD_RECORD_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def return_record_models():
    """Every table of a return's rows about a child (``ReturnRecord``'s subclasses)."""
    return [model for model in apps.get_models() if issubclass(model, ReturnRecord)]


def children_past_retention(today=None):
    """
    Children in none of the returns that ended within the last ``CHILD_RECORD_RETENTION_YEARS``: their records
    have served the board's figures and are removed.
    """
    limit = _retention_limit(today)
    recent_years = [found.year for found in CohortReturn.objects.all() if found.ends_on >= limit]
    kept = Q(pk__in=[])
    for model in return_record_models():
        kept |= Q(pk__in=model.objects.filter(cohort_return__year__in=recent_years).values("child_id"))
    return Child.objects.exclude(kept)


def remove_children_past_retention(today=None):
    """
    Nightly (``children.remove_children_past_retention``): remove every child past the retention period with
    every row held about them (each year's return rows, their history and child-years). The audit trail gets
    one entry with the counts only, naming nobody; django-auditlog's per-row entries are not written, as they
    would copy the removed records into the trail. Returns the counts.
    """
    from auditlog.context import disable_auditlog

    from audit import services as audit

    from measures.signals import figures_changed

    with transaction.atomic():
        going = children_past_retention(today)
        children = going.count()
        removed = {}
        if children:
            with disable_auditlog():
                _total, removed = Child.objects.filter(pk__in=going.values("pk")).delete()
            figures_changed()
        audit.record_event(
            "retention_removed", object_repr=f"{children} child{'ren' if children != 1 else ''}",
            children_removed=children, rows_removed={label: count for label, count in removed.items() if count},
            retention_years=settings.CHILD_RECORD_RETENTION_YEARS, returns_ended_before=str(_retention_limit(today)),
        )
    return {"children": children, "rows": removed}


def subject_access_export(request, child):
    """
    Everything held about one child, for a subject access request: a ZIP of CSV files, one per table (the child,
    every year's return rows, their history and child-years, DfE rule findings naming them) and their audit
    trail. The export is itself recorded, with what it held.
    """
    from audit import services as audit

    tables = selectors.everything_held_about(child)
    audit.record_event(
        "subject_access_export", request=request, obj=child,
        tables={name: len(rows) for name, (_header, rows) in tables.items()},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()
