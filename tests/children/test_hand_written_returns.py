"""
Every hand-written 903 return the tests load as clean passes the DfE's own rules for its year, run by the DfE's
own engine through the import's runner (children.dfe_rules): the measure tests' returns (each a
``tests.measures.returns.Return`` held in a module-level name of a module in tests/measures, or in tests/boards
for the board's figures), the clean return
in tests/children/data/valid, and the two-child return of each year's format (tests/children/test_specification).
Years before the engine's first rule pack (2022-23) are checked under that pack; none of these returns uses a
code whose list changed since, so they must pass it too.

Left out, on purpose: tests/children/data/broken and the variants that tests build to show the import reporting a
problem (an unknown postcode, a retired code, a bad flag...). The XML returns (tests/children/data/xml) are the
same return in two layouts, the child's items directly in CHILD (return.xml) and in a HEADER element inside it as
the DfE's schema has them (return_dfe_layout.xml); the app reads each and must find exactly the rows of
tests/children/data/valid.

The engine takes seconds for any return, however small, so a year's returns with the same tables go to it as one
(each child renamed after its return), two at a time: 19 runs rather than 45 (some returns send empty tables,
``Return.empty_tables``, to share a run).
"""
import csv
import importlib
import io
import pkgutil
from collections import defaultdict

import pytest
from django.db import connection

import tests.boards
import tests.measures
from children import dfe_rules, ssda903
from tests.measures.returns import Return

from .conftest import DATA, YEAR, file_set
from .test_specification import year_return
from .test_synthetic_returns import ENGINE_FAULTS, FIRST_RULE_YEAR


def measure_returns():
    """[(where, Return)] for every Return in a module-level name of a module of tests/measures or tests/boards (each once)."""
    found, seen = [], set()

    def collect(value, where):
        if isinstance(value, Return):
            if id(value) not in seen:
                seen.add(id(value))
                found.append((where, value))
        elif isinstance(value, (list, tuple)):
            for position, item in enumerate(value):
                collect(item, f"{where}[{position}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(item, f"{where}[{key!r}]")

    for package in (tests.measures, tests.boards):
        folder = package.__name__.replace(".", "/")
        for module in pkgutil.iter_modules(package.__path__):
            loaded = importlib.import_module(f"{package.__name__}.{module.name}")
            for name, value in vars(loaded).items():
                collect(value, f"{folder}/{module.name}.py {name}")
    return found


def hand_written_returns():
    """
    {(year, the tables it has): [(where, [(file name, bytes)])]}: returns with the same tables can be checked as
    one (which rules apply depends on the tables given).
    """
    returns = defaultdict(list)
    found = [(where, ret.year, ret.files()) for where, ret in measure_returns()]
    found.append(("tests/children/data/valid", YEAR, file_set("valid")))
    found += [(f"tests/children/test_specification.py year_return({year})", year, year_return(year))
              for year in range(2017, 2028)]
    for where, year, files in found:
        tables = frozenset(content.split(b"\n", 1)[0].strip() for _name, content in files)
        returns[(year, tables)].append((where, files))
    return returns


def as_one_return(returns):
    """Several returns of a year as one, each child renamed "<number>_<CHILD>" (CHILD is every table's first
    column). Returns (files, {number: where})."""
    tables, names = {}, {}
    for number, (where, files) in enumerate(returns):
        names[str(number)] = where
        for name, content in files:
            rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            heading, body = rows[0], [row for row in rows[1:] if row]
            assert heading[0] == "CHILD", (where, name)
            _name, kept = tables.setdefault(tuple(heading), (name, []))
            kept += [[f"{number}_{row[0]}", *row[1:]] for row in body]
    files = []
    for heading, (name, rows) in tables.items():
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([list(heading), *rows])
        files.append((name, text.getvalue().encode()))
    return files, names


@pytest.mark.dfe_rules
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the files, not the database: checked in the SQLite run")
def test_every_hand_written_return_passes_the_dfe_rules_for_its_year(db):
    groups = hand_written_returns()
    assert sum(len(returns) for returns in groups.values()) == len(measure_returns()) + 1 + 11 > 20
    failures, pending = [], sorted(groups, key=lambda group: group[0])
    while pending:
        batch, pending = pending[:2], pending[2:]
        engines = {}
        for year, tables in batch:
            files, names = as_one_return(groups[(year, tables)])
            engines[year, tables] = (dfe_rules.Engine(year, files, rule_year=max(year, FIRST_RULE_YEAR)), names)
        for (year, _tables), (engine, names) in engines.items():
            outcome = engine.finish()
            assert outcome.status == "ran", f"{year}: {outcome.message}"
            assert set(outcome.not_run) <= set(ENGINE_FAULTS), (year, outcome.not_run)
            assert not outcome.files_not_checked, (year, outcome.files_not_checked)
            for rule in outcome.rules:
                for table, row, child in rule["findings"]:
                    number, _, own_id = child.partition("_")
                    failures.append(f"{names.get(number, '?')}: rule {rule['code']} ({rule['message']}) on {table} "
                                    f"row {row} of the joined return, child {own_id}")
    assert failures == []

    # The XML return: the same rows as the clean CSV return, as the app reads them.
    def rows(files):
        parsed = ssda903.read_return(YEAR, files)
        assert parsed.ok, parsed.errors
        try:
            return {table: sorted(tuple(sorted((k, str(v)) for k, v in row.items() if k not in ("_row", "kept")))
                                  for row in parsed.staged_rows(table))
                    for table in parsed.staging.columns}
        finally:
            parsed.close()

    assert rows([("return.xml", (DATA / "xml" / "return.xml").read_bytes())]) == rows(file_set("valid"))
    # The same return in the DfE's own layout (each child's items in a HEADER element inside CHILD).
    assert rows([("return.xml", (DATA / "xml" / "return_dfe_layout.xml").read_bytes())]) == rows(file_set("valid"))
