"""
The DfE's own 903 validation rules, run by the DfE's own rule engine on every import.

The engine is Data to Insight's ``csc-validator-be-903`` (the one councils' validator tool runs), with a rule
pack per collection year from 2022-23. It pins pandas<2, so it lives in an environment of its own
(``.venv-903``, made by ``bin/install``; ``settings.DFE_RULES_PYTHON``) and runs as a separate process,
``children/dfe_rules_runner.py``. Its rules are not rewritten here.

The import starts the engine first (``start``) and then does its own reading and checking while the engine
works, so the app's work hides behind the engine's; ``Engine.finish`` waits for it. Its findings never block
an import: they are stored beside it (``store``), each rule's first ``FINDINGS_KEPT`` rows with the full count,
and the loaded return carries the total as ``CohortReturn.validation_error_count``. An engine that is not
installed, crashes or runs too long never stops the import either: the import says the rules could not be run,
and why.
"""
import fcntl
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core import collection_year

from . import ssda903

logger = logging.getLogger(__name__)
RUNNER = Path(__file__).resolve().with_name("dfe_rules_runner.py")
FINDINGS_KEPT = 1000  # rows kept per rule; the count is always the full one
FOLDER_PREFIX = "dfe-rules-"  # each engine's own folder, in the system's temporary folder
IN_USE = ".in-use"  # locked by the process using the folder (remove_stale_folders)


@dataclass
class Outcome:
    """What the engine said about one return (``status`` is one of ``DfeRuleCheck.Status``)."""

    status: str
    message: str = ""
    pack: str = ""
    rules: list = field(default_factory=list)  # [{"code", "message", "fields", "count", "findings"}]
    not_run: list = field(default_factory=list)
    files_not_checked: list = field(default_factory=list)
    seconds: float | None = None

    @property
    def failure_count(self):
        return sum(rule["count"] for rule in self.rules)

    @property
    def checked(self):
        return self.status == "ran"


class Engine:
    """The engine running over one return's files, in its own process."""

    def __init__(self, year, files, rule_year=None, last_year=()):
        self.year = year
        self.process = None
        self.outcome = None
        self.folder = self.log = self.in_use = None
        self.started = time.monotonic()
        python = settings.DFE_RULES_PYTHON
        if not python:
            self.outcome = Outcome("off", "The DfE's validation rules are switched off in this installation "
                                          "(DFE_RULES_PYTHON is empty), so this return was not checked against them.")
            return
        if not Path(python).exists():
            self.outcome = Outcome("not_run", f"The DfE's validation rules could not be run: their engine is not "
                                              f"installed ({python} is missing; bin/install installs it).")
            return
        self.names = {}  # the engine's file name -> the uploaded file's
        try:
            remove_stale_folders()
            self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
            # Held while this process uses the folder; the system lets go of it if the process dies.
            self.in_use = open(self.folder / IN_USE, "wb")
            fcntl.flock(self.in_use, fcntl.LOCK_EX | fcntl.LOCK_NB)
            number = 0
            for name, raw in files:
                text = ssda903.decode(raw)
                if text is None:
                    continue  # the import reports the file; the engine is given the files the app can read
                if ssda903.is_xml(name, text):  # as the CSV tables the app reads from it (ssda903.xml_as_csv)
                    tables = [(f"{Path(name).stem}-{table}.csv", content) for table, content in ssda903.xml_as_csv(year, name, text)]
                else:
                    tables = [(Path(name).name, text)]
                for table_name, table_text in tables:
                    safe = f"{number:02d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', table_name)}"
                    (self.folder / safe).write_text(table_text, encoding="utf-8")
                    self.names[safe] = Path(name).name
                    number += 1
            last_year_files = []
            for table_name, table_text in last_year:  # last year's return, as the engine's "Prev year" files
                safe = f"last-{len(last_year_files):02d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', table_name)}.csv"
                (self.folder / safe).write_text(table_text, encoding="utf-8")
                last_year_files.append(safe)
            request = {
                "local_authority": settings.COUNCIL_LA_CODE, "limit": FINDINGS_KEPT, "parent": os.getpid(),
                "returns": [{"year": year, "folder": str(self.folder), "files": list(self.names), "rule_year": rule_year,
                             "last_year_files": last_year_files}],
            }
            (self.folder / "request.json").write_text(json.dumps(request))
            self.log = open(self.folder / "engine.log", "wb")
            self.process = subprocess.Popen(
                [python, "-I", str(RUNNER), str(self.folder / "request.json"), str(self.folder / "answer.json")],
                stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.folder,
            )
        except OSError as error:  # no room for the files, or the engine's Python cannot be started
            self.outcome = Outcome("not_run", f"The DfE's validation rules could not be run: {error}.")
            self.stop()

    def finish(self):
        """Wait for the engine (up to ``settings.DFE_RULES_TIMEOUT`` from its start) and return its ``Outcome``."""
        if self.outcome is not None:
            return self.outcome
        try:
            self.outcome = self._wait()
        except Exception as error:  # anything unexpected in the engine's answer: say so, never stop the import
            logger.exception("The DfE's rules: no usable answer for %s", self.year)
            self.outcome = Outcome("not_run", f"The DfE's validation rules could not be run: {error}.")
        finally:
            self.stop()
        return self.outcome

    def _wait(self):
        timeout = settings.DFE_RULES_TIMEOUT
        try:
            self.process.wait(timeout=max(0.0, timeout - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            return Outcome("not_run", f"The DfE's validation rules could not be run: they took longer than "
                                      f"{timeout} seconds and were stopped.")
        answer_path = self.folder / "answer.json"
        if self.process.returncode != 0 or not answer_path.exists():
            self.log.flush()
            lines = (self.folder / "engine.log").read_text(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"it stopped with exit status {self.process.returncode}"
            logger.error("The DfE's rule engine failed for %s: %s", self.year, "\n".join(lines[-30:]))
            return Outcome("not_run", f"The DfE's validation rules could not be run: the engine stopped ({why[:300]}).")
        answer = json.loads(answer_path.read_text())[0]
        if not answer["pack"]:
            return Outcome("no_pack", f"No DfE validation rule pack exists for {collection_year.label(self.year)}: the DfE's "
                                      "rule engine holds packs from 2022-23, so this return was not checked against "
                                      "the DfE's rules.")
        if answer["error"]:
            return Outcome("not_run", f"The DfE's validation rules could not be run: the engine could not read the "
                                      f"files ({answer['error']}).", pack=answer["pack"])
        return Outcome(
            "ran", pack=answer["pack"], rules=sorted(answer["rules"], key=lambda rule: rule_order(rule["code"])),
            not_run=answer["not_run"], seconds=answer["seconds"],
            files_not_checked=[[self.names.get(name, name), why] for name, why in answer["files_not_checked"]],
        )

    def stop(self):
        """End the engine if it is still running and remove its files (safe to call more than once)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.log is not None:
            self.log.close()
        if self.in_use is not None:
            self.in_use.close()
            self.in_use = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def remove_stale_folders():
    """
    Remove the folders of engines whose import was killed with them (a worker killed at its hard time limit
    takes its engine with it, before either can clean up): children's records must not stay on disk. A folder
    is in use while the process that made it holds the lock on its ``IN_USE`` file, which the system releases
    when that process dies; the folders of other processes' engines, however long they run (other workers,
    parallel test processes), are left alone. A folder younger than a minute may not be locked yet.
    """
    cutoff = time.time() - 60
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if folder.stat().st_mtime < cutoff and not _in_use(folder):
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _in_use(folder):
    try:
        with open(folder / IN_USE, "rb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False  # closing the file lets go of the lock just taken
    except FileNotFoundError:
        return False


def start(year, files, last_year=()):
    """
    Start the engine over a return's ``files`` [(name, bytes)]; ``Engine.finish`` gives its outcome. ``last_year``:
    the previous year's return as CSV tables [(table name, text)] (``ssda903_return.return_as_csv``), so the rules
    comparing the two years run; without it the engine skips them.
    """
    return Engine(year, files, last_year=last_year)


def run(year, files, rule_year=None, last_year=()):
    """Run the engine and wait for it (tests, benchmark): the ``Outcome``. ``rule_year``: another year's pack."""
    return Engine(year, files, rule_year=rule_year, last_year=last_year).finish()


def rule_order(code):
    """101 before 1001 before 392c before SW01: numbers as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", str(code))]


def store(cohort_import, outcome, cohort_return=None):
    """Keep the engine's outcome beside the import (and on the return it loaded, if it loaded one)."""
    from .models import DfeRuleCheck, DfeRuleFailure

    DfeRuleCheck.objects.filter(cohort_import=cohort_import).delete()  # a retried import: its last check goes
    check = DfeRuleCheck.objects.create(
        cohort_import=cohort_import, status=outcome.status, message=outcome.message, pack=outcome.pack,
        failure_count=outcome.failure_count, not_run=outcome.not_run, files_not_checked=outcome.files_not_checked,
        seconds=outcome.seconds,
    )
    DfeRuleFailure.objects.bulk_create(
        DfeRuleFailure(
            rule_check=check, code=rule["code"][:20], message=rule["message"], fields=rule["fields"], count=rule["count"],
            findings=rule["findings"][:FINDINGS_KEPT], position=position,
        )
        for position, rule in enumerate(outcome.rules)
    )
    if cohort_return is not None:
        cohort_return.validation_error_count = outcome.failure_count if outcome.checked else None
        cohort_return.validation_note = "" if outcome.checked else outcome.message
        cohort_return.save(update_fields=["validation_error_count", "validation_note"])
    return check
