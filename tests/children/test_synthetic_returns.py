"""
The synthetic returns (children.synthetic) against the DfE's own rules, run by the DfE's own engine
(csc-validator-be-903 in .venv-903, as bin/install creates it), for every collection year 2016-17 to 2026-27.

The engine holds rule packs from 2022-23: each year from then is checked under its own pack and must have no
failure at all. The years before are checked under the 2022-23 pack (the earliest), where the only failures
allowed are those of rules whose code lists changed since, named below with the rows they must flag.
"""
import csv
import datetime
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path

import pytest
from django.db import connection

from children import dfe_rules, synthetic

FIRST_RULE_YEAR = 2023  # the engine's first rule pack, 2022-23
YEARS = range(synthetic.FIRST_YEAR, synthetic.LAST_YEAR + 1)
pytestmark = pytest.mark.dfe_rules

# Rules whose code lists changed after a year's specification, so a valid return of that year fails them
# under the 2022-23 pack: rule -> (the years it applies to, the column and the old codes it must flag).
CODE_LIST_CHANGES = {
    # Reason episode ceased: special guardianship was E43 / E44 up to 2019-20, E45-E48 from 2020-21.
    "149": (range(2017, 2021), "Episodes", "REC", {"E43", "E44"}),
}
# Rules the engine (csc-validator-be-903 0.1.17) cannot apply to any return: it reports them as not run.
ENGINE_FAULTS = {
    "231": "reads a UASC_STATUS column the engine never makes (2024-25 on)",
    "233": "reads DATE_EPISODE_CEASED, which is not a 903 column (2025-26 on)",
    "706": "needs last year's DoLo table, even when no previous return is given (2026-27)",
    "709": "reads a PLACEMENT column; the 903's is PLACE (2026-27)",
    "710": "reads a PLACEMENT column; the 903's is PLACE (2026-27)",
}


def files_in(folder):
    return [(path.name, path.read_bytes()) for path in sorted(Path(folder).glob("*.csv"))]


def run_engine(jobs):
    """Run the import's own runner of the DfE engine (children.dfe_rules) over {year: folder}, two returns side
    by side; the years before the engine's first pack under that pack. Returns {year: Outcome}."""
    outcomes, pending = {}, list(jobs.items())
    while pending:
        batch, pending = pending[:2], pending[2:]
        engines = {year: dfe_rules.Engine(year, files_in(folder), rule_year=max(year, FIRST_RULE_YEAR))
                   for year, folder in batch}
        outcomes.update({year: engine.finish() for year, engine in engines.items()})
    for year, outcome in outcomes.items():
        assert outcome.status == "ran", f"{year}: {outcome.message}"
    return outcomes


def failures(outcome):
    """[(code, table, row, child)] of every row the engine flagged."""
    return [(rule["code"], *finding) for rule in outcome.rules for finding in rule["findings"]]


def read(folder, table):
    with open(Path(folder) / synthetic.FILE_NAMES[table], newline="") as handle:
        return list(csv.DictReader(handle))


def parse(text):
    if not text:
        return None
    day, month, year = map(int, text.split("/"))
    return datetime.date(year, month, day)


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    """A return for every year from 2016-17 to 2026-27, from one set of invented lives."""
    folder = tmp_path_factory.mktemp("returns")
    lives = synthetic.generate(400, last_year=synthetic.LAST_YEAR, years=len(YEARS), seed=903)
    return {year: synthetic.write_return(lives, year, folder / str(year))[0].parent for year in YEARS}


@pytest.fixture(scope="module")
def answers(returns):
    return run_engine(returns)


# These files and the engine's answer do not depend on the database: the SQLite run checks them, and the
# PostgreSQL run (whose DfE rules run on its real worker, tests/children/test_worker.py) saves the time.
@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
@pytest.mark.parametrize("year", YEARS)
def test_each_years_return_passes_the_dfe_rules(returns, answers, year):
    answer = answers[year]
    failing = defaultdict(set)
    for code, table, line, _child in failures(answer):
        failing[code].add((table, line))
    expected = {}
    for code, (years, table, column, old_codes) in CODE_LIST_CHANGES.items():
        if year in years:
            rows = read(returns[year], table)
            expected[code] = {(table, line) for line, row in enumerate(rows, start=2) if row[column] in old_codes}
            if not expected[code]:
                del expected[code]
    assert dict(failing) == expected
    assert set(answer.not_run) <= set(ENGINE_FAULTS)


@pytest.mark.parametrize("year", YEARS)
def test_each_years_return_has_its_own_format_and_the_dfes_shape(returns, year):
    folder = returns[year]
    assert sorted(p.name for p in folder.iterdir()) == sorted(synthetic.FILE_NAMES[t] for t in synthetic.year_tables(year))
    assert ("SWEpisodes" in synthetic.year_tables(year)) == (year >= 2024)
    assert ("DoLo" in synthetic.year_tables(year)) == (year >= 2027)
    header = read(folder, "Header")
    assert {row["SEX"] for row in header} == ({"M", "F"} if year >= 2025 else {"1", "2"})
    start, end = datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)
    episodes = read(folder, "Episodes")
    for row in episodes:  # open on 1 April or started in the year, and no end after 31 March
        assert parse(row["DECOM"]) <= end
        assert row["DEC"] == "" or start <= parse(row["DEC"]) <= end
    assert any(parse(row["DECOM"]) < start for row in episodes), "episodes open on 1 April are carried in"
    for table in ("Header", "Episodes", "Reviews", "OC2", "OC3", "Missing", "UASC", "PrevPerm", "PlacedAdoption"):
        assert read(folder, table), f"{table} is empty in {year}"
    postcodes = {row["PL_POST"] for row in episodes} | {row["HOME_POST"] for row in episodes if row["HOME_POST"]}
    assert all(len(p.split()) == 2 for p in postcodes), "full postcodes, not districts"


def test_the_old_codes_are_used_where_their_years_had_them(returns):
    for code, (years, table, column, old_codes) in CODE_LIST_CHANGES.items():
        used = {row[column] for year in years for row in read(returns[year], table)}
        assert used & old_codes, f"rule {code}: the returns before the change should use {old_codes}"
        later = {row[column] for year in YEARS if year not in years for row in read(returns[year], table)}
        assert not later & old_codes


def test_a_child_whose_17th_birthday_is_the_first_day_of_the_year_has_an_sdq_score_or_a_reason():
    # Rule 197B: the SDQ is due for a child whose 4th or 17th birthday falls in the year, 1 April included.
    # Seed 12 holds one such child in 2022-23 (born 1 April 2005), looked after all year (so in OC2); the
    # engine checks the rest of the rule on the returns above.
    lives = synthetic.generate(400, last_year=synthetic.LAST_YEAR, years=len(YEARS), seed=12)
    columns = synthetic.year_tables(2023)["OC2"]
    oc2 = [dict(zip(columns, row)) for row in synthetic.return_tables(lives, 2023)["OC2"]]
    edge = [row for row in oc2 if parse(row["DOB"]) == datetime.date(2005, 4, 1)]
    assert edge
    assert all(row["SDQ_SCORE"] or row["SDQ_REASON"] for row in edge)


def test_an_episode_open_at_31_march_is_carried_into_the_next_return_with_its_end(returns):
    this_year = read(returns[2024], "Episodes")
    next_year = {(row["CHILD"], row["DECOM"]): row for row in read(returns[2025], "Episodes")}
    carried = [row for row in this_year if row["DEC"] == "" and (row["CHILD"], row["DECOM"]) in next_year]
    assert carried
    assert any(next_year[(row["CHILD"], row["DECOM"])]["DEC"] for row in carried)
    for row in carried:
        following = next_year[(row["CHILD"], row["DECOM"])]
        assert (following["RNE"], following["LS"], following["PLACE"], following["PL_POST"]) == (
            row["RNE"], row["LS"], row["PLACE"], row["PL_POST"])


def test_injected_failures_are_flagged_by_the_dfe_engine_on_the_rows_broken(tmp_path):
    lives = synthetic.generate(120, last_year=2025, years=2, seed=11)
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    synthetic.write_return(lives, 2025, clean)
    synthetic.write_return(lives, 2025, broken, inject=list(synthetic.INJECTORS))
    answers = run_engine({2025: broken})
    changed = defaultdict(set)  # table -> lines the injectors changed
    for table in ("Header", "Episodes", "OC2"):
        for line, (before, after) in enumerate(zip_longest(read(clean, table), read(broken, table)), start=2):
            if before != after:
                changed[table].add(line)
    flagged = defaultdict(set)
    for code, table, line, _child in failures(answers[2025]):
        flagged[code].add((table, line))
        assert line in changed[table], f"rule {code} flagged {table} line {line}, which was not broken"
    expected = set(synthetic.INJECTORS) | set().union(*synthetic.CONSEQUENCES.values())
    assert set(flagged) == expected
