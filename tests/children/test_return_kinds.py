"""
Kinds of return (``children.returns``): a kind of this test's own, registered here, is imported through the
same service as England's 903 (files stored, checked, saved in one transaction, history rebuilt, what changed
summarised), with no edit anywhere else in the app.
"""
import csv
import io

import pytest
from django.db import connection

from children import returns, services, ssda903
from children.models import Child, CohortImport, CohortImportFile, DfeRuleCheck, Episode
from measures.models import ChildYear


class Toy:
    """A made-up return: one CSV, a row per episode (CHILD, SEX M/F, BORN, START, END blank if open, LS, PLACE)."""

    name = "toy"
    label = "toy return"
    year_end = (3, 31)

    def read(self, year, files, progress=None):
        parsed = ssda903.ParsedReturn(year=year)
        for name, raw in files:
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
            parsed.tables[name] = "episodes"
            parsed.row_counts["episodes"] = len(rows)
            for number, row in enumerate(rows, start=2):
                dates = {column: ssda903.parse_date(row[column]) for column in ("BORN", "START", "END") if row[column]}
                unread = [column for column in ("BORN", "START") if dates.get(column) is None]
                for column in unread:
                    parsed.problem("Toy", number, column, row[column], "Not a date.", blocks=True,
                                   kind="not_a_date", child=row["CHILD"])
                if not unread:
                    parsed.rows["episodes"].append({**row, **dates, "END": dates.get("END")})
        return parsed

    def start_rules(self, year, files):
        return None  # no rule engine of its own

    def store(self, parsed, cohort_return):
        rows = parsed.rows["episodes"]
        children = returns.save_children({
            r["CHILD"]: {"sex": r["SEX"], "date_of_birth": r["BORN"], "ethnicity": "NOBT", "upn": ""} for r in rows
        })
        Episode.objects.bulk_create(
            Episode(
                cohort_return=cohort_return, child_id=children[r["CHILD"]], start_date=r["START"], end_date=r["END"],
                reason_new_episode="S", legal_status=r["LS"], category_of_need="N1", placement_type=r["PLACE"],
                reason_ceased="E13" if r["END"] else "",
            )
            for r in rows
        )
        return children, {"episodes": len(rows)}


@pytest.fixture
def toy():
    kind = returns.register(Toy())
    yield kind
    returns.unregister(kind.name)


def toy_file(folder, text):
    path = folder / "toy.csv"
    path.write_text("CHILD,SEX,BORN,START,END,LS,PLACE\n" + text)
    return path


def test_a_kind_of_return_of_its_own_imports_through_the_same_service(db, toy, tmp_path):
    path = toy_file(tmp_path, "T1,F,01/05/2015,10/06/2024,,C2,U1\nT2,M,02/02/2012,01/05/2024,01/09/2024,V2,U4\n")
    result = services.import_files(year=2025, paths=[path], kind="toy")

    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert result.kind == "toy" and result.counts == {"episodes": 2}
    assert CohortImportFile.objects.get(cohort_import=result).table == "episodes"
    assert sorted(Child.objects.values_list("child_id", "sex")) == [("T1", "F"), ("T2", "M")]
    assert Episode.objects.filter(cohort_return__year=2025).count() == 2
    # The measures read it as any return: at 31 March 2025 T1's episode (from 10/06/2024) is open and T2's
    # ended on 01/09/2024, so one child is looked after at the year end; both children are new to the return.
    assert ChildYear.objects.get(child__child_id="T1", year=2025).at_year_end
    assert not ChildYear.objects.get(child__child_id="T2", year=2025).at_year_end
    assert (result.changes["looked_after_after"], result.changes["new_children"]) == (1, 2)
    assert not DfeRuleCheck.objects.filter(cohort_import=result).exists()  # no engine of its own: none run


def test_a_kind_of_returns_blocking_problem_stops_its_import_and_changes_nothing(db, toy, tmp_path):
    path = toy_file(tmp_path, "T1,F,01/05/2015,10/06/2024,,C2,U1\nT2,M,02/02/2012,not a date,,V2,U4\n")
    result = services.import_files(year=2025, paths=[path], kind="toy")

    assert result.status == CohortImport.Status.FAILED
    assert [(e["table"], e["row"], e["field"], e["value"]) for e in result.errors] == [("Toy", 3, "START", "not a date")]
    assert not Child.objects.exists() and not Episode.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_a_council_kind_whose_year_ends_elsewhere_is_refused_by_the_system_check(settings):
    assert returns.check_year_end() == []  # the 903 ends on 31 March, as COLLECTION_YEAR_END says
    settings.COLLECTION_YEAR_END = (7, 31)  # a year to 31 July, as Scotland's, with the 903 still the council's
    assert [error.id for error in returns.check_year_end()] == ["children.E001"]
