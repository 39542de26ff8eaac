"""
The DfE's own 903 rules, run by the DfE's own engine (.venv-903) on every import: what they find is listed beside
the import and never stops a return loading; an engine that is missing, fails or runs too long never stops it
either, and the import says so. The engine takes seconds even on a small return: few tests run it.
"""
import csv
import fcntl
import io
import os
import shutil
import sys
import tempfile
import time
from itertools import zip_longest
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from children import dfe_rules, services, synthetic
from children.models import Child, CohortImport, CohortReturn, DfeRuleCheck
from measures import queries
from measures.models import ChildYear

from .conftest import YEAR, file_set

pytestmark = pytest.mark.django_db
INJECTED = ["168", "546", "190"]  # UPN not valid; health check for a child aged 5 or over; OC2 not 12 months


def rows_of(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def flagged(cohort_import):
    """{rule code: {(table, row)}} as stored beside the import."""
    check = DfeRuleCheck.objects.get(cohort_import=cohort_import)
    return {rule.code: {(table, row) for table, row, _child in rule.findings} for rule in check.failures.all()}


@pytest.mark.dfe_rules
def test_an_upload_breaking_dfe_rules_loads_and_lists_each_rule_on_the_rows_broken(
    reference_data, officer_client, client_for, tmp_path, django_capture_on_commit_callbacks
):
    lives = synthetic.generate(80, last_year=YEAR, years=2, seed=11)
    clean = synthetic.write_return(lives, YEAR, tmp_path / "clean")
    broken = synthetic.write_return(lives, YEAR, tmp_path / "broken", inject=INJECTED)
    uploads = [SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv") for path in broken]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": uploads})
    cohort_import = CohortImport.objects.get()
    assert cohort_import.status == "succeeded", cohort_import.errors[:3]

    # The rows the injections changed, worked out from the files: each rule must flag exactly its row.
    changed = {}
    for before, after in zip(clean, broken):
        for line, (old, new) in enumerate(zip_longest(rows_of(before), rows_of(after)), start=2):
            if old != new:
                changed[(after.name, "added" if old is None else "changed")] = line
    header, oc2_changed, oc2_added = (changed[("header.csv", "changed")], changed[("oc2.csv", "changed")],
                                      changed[("oc2.csv", "added")])
    assert len(changed) == 3
    expected = {"168": {("Header", header)}, "546": {("OC2", oc2_changed)}, "190": {("OC2", oc2_added)},
                "185": {("OC2", oc2_added)}}  # 185: an SDQ score for that child too (synthetic.CONSEQUENCES)
    assert flagged(cohort_import) == expected
    assert CohortReturn.objects.get(year=YEAR).validation_error_count == 4

    page = officer_client.get(response["Location"]).content.decode()
    assert "4 rows fail 4 rules" in page
    assert "Children aged 5 or over at 31 March should not have health promotion information completed." in page
    header_child = rows_of(tmp_path / "broken" / "header.csv")[header - 2]["CHILD"]
    child = Child.objects.get(child_id=header_child)
    assert f'href="{reverse("children:child_detail", args=[child.pk])}">{header_child}</a>' in page
    download = officer_client.get(response["Location"] + "?download=problems").content.decode()
    problems = list(csv.DictReader(io.StringIO(download)))
    assert {(p["rule"], p["table"], int(p["row"])) for p in problems if p["kind"] == "DfE rule"} == {
        (code, table, row) for code, found in expected.items() for table, row in found
    }

    # Rule 190's row never reaches a measure: the OC2 group is the children looked after throughout the year,
    # worked out from the episodes (the clean return's OC2 rows, as the generator writes them), not OC2's rows.
    added_child = rows_of(tmp_path / "broken" / "oc2.csv")[oc2_added - 2]["CHILD"]
    year_row = ChildYear.objects.get(child__child_id=added_child, year=YEAR)
    assert year_row.has_oc2 and not year_row.twelve_months
    health = queries.for_year(YEAR)["health_assessment"]
    assert health.denominator == len(rows_of(tmp_path / "clean" / "oc2.csv"))

    # Every figure built from the return says how many validation errors it carries.
    councillor = client_for(Role.COUNCILLOR)
    for page in ("measures:measure_list", "dashboards:councillor"):
        assert "return, which carries <strong>4 DfE validation errors</strong>" in councillor.get(reverse(page)).content.decode()


@pytest.mark.parametrize("engine, says", [
    (None, "their engine is not installed"),  # no .venv-903
    (sys.executable, "the engine stopped"),  # a Python without the engine: the runner fails
    ("a folder", "Permission denied"),  # not a program at all: it cannot be started
])
def test_without_a_working_engine_the_return_loads_and_says_the_rules_were_not_run(
    run_files, officer_client, client_for, settings, tmp_path, engine, says
):
    missing = str(tmp_path / "no-venv-903" / "bin" / "python")
    settings.DFE_RULES_PYTHON = {None: missing, "a folder": str(tmp_path)}.get(engine, engine)
    result = run_files(file_set("valid"))
    assert result.status == "succeeded"
    check = DfeRuleCheck.objects.get(cohort_import=result)
    assert check.status == "not_run" and "could not be run" in check.message and says in check.message
    cohort_return = CohortReturn.objects.get(year=YEAR)
    assert cohort_return.validation_error_count is None and says in cohort_return.validation_note
    page = officer_client.get(reverse("children:import_detail", args=[result.pk])).content.decode()
    assert "The DfE&#x27;s validation rules could not be run" in page and "The return is loaded" in page
    download = officer_client.get(reverse("children:import_detail", args=[result.pk]) + "?download=problems")
    assert "DfE rules not run" in download.content.decode()
    measure = client_for(Role.COUNCILLOR).get(reverse("measures:measure_detail", args=["looked_after_at_31_march"]))
    assert "Not checked: The DfE&#x27;s validation rules could not be run" in measure.content.decode()


@pytest.mark.dfe_rules
def test_an_engine_that_runs_too_long_is_stopped_and_the_return_loads(run_files, settings):
    settings.DFE_RULES_TIMEOUT = 0
    result = run_files(file_set("valid"))
    assert result.status == "succeeded"
    assert "took longer than 0 seconds and were stopped" in DfeRuleCheck.objects.get(cohort_import=result).message


@pytest.mark.dfe_rules
def test_a_year_before_the_engines_first_rule_pack_says_so(reference_data, tmp_path):
    from children import services

    paths = synthetic.write_cohort(tmp_path, children=30, last_year=2020, years=1, seed=5)[2020]
    result = services.import_files(year=2020, paths=paths)
    assert result.status == "succeeded", result.errors[:3]
    check = DfeRuleCheck.objects.get(cohort_import=result)
    assert check.status == "no_pack" and "No DfE validation rule pack exists for 2019-20" in check.message
    assert CohortReturn.objects.get(year=2020).validation_error_count is None


def test_switched_off_the_import_says_the_return_was_not_checked(run_files):
    result = run_files(file_set("valid"))  # the tests switch the engine off unless they are about it
    check = DfeRuleCheck.objects.get(cohort_import=result)
    assert result.status == "succeeded" and check.status == "off" and "switched off" in check.message


def test_a_folder_left_by_an_engine_killed_with_its_worker_is_removed_by_the_next_import(run_files, settings):
    def engine_folder(locked=None):
        folder = Path(tempfile.mkdtemp(prefix=dfe_rules.FOLDER_PREFIX))
        (folder / "00-header.csv").write_text("CHILD,SEX,DOB\n")
        if locked is not None:
            lock = open(folder / dfe_rules.IN_USE, "wb")
            if locked:  # another process's engine, still running however long ago it started
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held.append(lock)
            else:  # its process died, and the system let go of the lock
                lock.close()
        old = time.time() - 3600
        os.utime(folder, (old, old))
        return folder

    held = []
    stale, killed, running = engine_folder(), engine_folder(locked=False), engine_folder(locked=True)
    recent = Path(tempfile.mkdtemp(prefix=dfe_rules.FOLDER_PREFIX))  # just made: not yet locked
    settings.DFE_RULES_PYTHON = sys.executable  # any program: the folder is swept before the engine starts
    run_files(file_set("valid"))
    assert not stale.exists() and not killed.exists()
    assert running.exists() and recent.exists()
    for lock in held:
        lock.close()
    shutil.rmtree(running)
    recent.rmdir()


@pytest.mark.dfe_rules
@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_the_same_return_as_the_dfes_xml_file_and_as_csv_tables_gets_the_same_dfe_findings(tmp_path):
    # The XML is handed to the engine as the CSV tables the app reads from it (the engine's own XML reader
    # stopped on the DfE's file with KeyError HOME_POST): the same rules must flag the same rows and children.
    lives = synthetic.generate(60, last_year=YEAR, years=2, seed=11)
    broken = ["101", "143", "392c", "546"]  # each changes a row in place, so the rows keep their order
    tables = synthetic.write_return(lives, YEAR, tmp_path / "csv", inject=broken)
    xml = synthetic.write_xml(lives, YEAR, tmp_path / "return.xml", inject=broken)
    engines = (dfe_rules.Engine(YEAR, [(path.name, path.read_bytes()) for path in tables]),
               dfe_rules.Engine(YEAR, [(xml.name, xml.read_bytes())]))  # side by side
    as_csv, as_xml = (engine.finish() for engine in engines)
    assert (as_csv.status, as_xml.status) == ("ran", "ran"), as_xml.message

    def findings(outcome):
        return {rule["code"]: sorted(map(tuple, rule["findings"])) for rule in outcome.rules}

    assert set(broken) <= set(findings(as_csv))
    assert findings(as_xml) == findings(as_csv)
    assert as_xml.not_run == as_csv.not_run


@pytest.mark.dfe_rules
def test_with_last_years_return_loaded_the_rules_comparing_two_years_run_and_find_a_change(reference_data, tmp_path):
    # Two years of one set of lives: the first loads clean; the second has one episode open on 1 April whose
    # category of need differs from last year's return (rule 503C, checked only with last year's tables, which
    # the import rebuilds from what the first import stored). Nothing else may be flagged in either year. The
    # children all came into care within the two years, so the app holds every episode of care of the care
    # leavers (the engine's rules 1001 and 1002 look for them in last year's tables).
    lives = synthetic.generate(80, last_year=YEAR, years=2, seed=11, history_years=0)
    last = synthetic.write_return(lives, YEAR - 1, tmp_path / "last")
    clean = synthetic.write_return(lives, YEAR, tmp_path / "clean")
    broken = synthetic.write_return(lives, YEAR, tmp_path / "broken", inject=["503C"])
    first = services.import_files(year=YEAR - 1, paths=last)
    second = services.import_files(year=YEAR, paths=broken)
    assert (first.status, second.status) == ("succeeded", "succeeded"), second.errors[:3]

    changed = {("Episodes", line) for before, after in zip(clean, broken) if after.name == "episodes.csv"
               for line, (old, new) in enumerate(zip(rows_of(before), rows_of(after)), start=2) if old != new}
    assert len(changed) == 1
    assert flagged(first) == {}
    assert flagged(second) == {"503C": changed}
    assert DfeRuleCheck.objects.get(cohort_import=second).failures.get().code == "503C"
