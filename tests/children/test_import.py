"""The 903 import: clean files load, every kind of problem is reported, and a bad file changes nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

from children import services, ssda903
from children.models import (
    Adoption,
    CareLeaverOutcome,
    Child,
    Code,
    CohortImport,
    CohortReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacementForAdoptionDecision,
    PreviousPermanence,
    Review,
    UnaccompaniedAsylumSeeker,
)

from .conftest import DATA, YEAR, file_set

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Child, Episode, Review, HealthOutcome, CareLeaverOutcome, MissingEpisode, UnaccompaniedAsylumSeeker,
                      Adoption, PlacementForAdoptionDecision, PreviousPermanence)
    }


def problems(cohort_import):
    """What blocks the import."""
    return {(e["table"], e["row"], e["field"], e["value"]): e["message"] for e in cohort_import.errors}


def reported(cohort_import):
    """What is only reported beside the loaded (or refused) return."""
    return {(w["table"], w["row"], w["field"], w["value"]): w["message"] for w in cohort_import.warnings}


def test_a_clean_return_loads_every_table(run_files, officer):
    result = run_files(file_set("valid"))

    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert result.counts == {"header": 3, "episodes": 4, "reviews": 2, "oc2": 1, "oc3": 1, "missing": 1, "uasc": 1,
                             "ad1": 1, "placed_adoption": 2, "prev_perm": 2}
    year = CohortReturn.objects.get(year=YEAR)
    assert year.imported_by == officer and year.imported_at is not None
    child = Child.objects.get(child_id="C001")
    assert (child.sex, child.date_of_birth, child.ethnicity, child.upn) == ("M", datetime.date(2012, 6, 15), "WBRI", "A123456789012")
    latest = child.episodes.get(start_date=datetime.date(2024, 8, 15))
    assert (latest.placement_type, latest.end_date, latest.reason_place_change, latest.urn) == ("K2", None, "", "SC123456")
    # HR1 2AB is in Herefordshire (E06000019), not the council's area (Worcestershire, E10000034). Grid
    # references (ONS): WR1 1DB 384967 255197, HR1 2AB 351018 240012: sqrt(33949² + 15185²) = 37190 m,
    # / 1609.3 = 23.1 miles. WR5 1AA 385407 254600: sqrt(440² + 597²) = 742 m = 0.5 miles.
    assert (latest.home_postcode, latest.placement_postcode) == ("WR1 1DB", "HR1 2AB")
    assert (latest.placement_la, latest.placed_outside_area, latest.distance_miles) == ("E06000019", True, Decimal("23.1"))
    in_area = child.episodes.get(start_date=datetime.date(2022, 6, 1))  # ended by the move: why (REASON_PLACE_CHANGE)
    assert in_area.reason_place_change == "CREQB"
    assert (in_area.placement_la, in_area.placed_outside_area, in_area.distance_miles) == ("E10000034", False, Decimal("0.5"))
    assert HealthOutcome.objects.get().sdq_score == 17 and HealthOutcome.objects.get().teeth_check is False
    leaver = CareLeaverOutcome.objects.get()
    assert (leaver.child.child_id, leaver.in_touch, leaver.activity, leaver.accommodation) == ("C003", "YES", "F2", "D1")
    assert MissingEpisode.objects.get().end_date == datetime.date(2024, 11, 4)
    adopted = Adoption.objects.get()
    assert (adopted.child.child_id, adopted.date_should_be_placed, adopted.date_matched, adopted.foster_carer_adoption,
            adopted.number_of_adopters, adopted.adopters_sex, adopted.adopters_legal_status) == (
        "C002", datetime.date(2024, 6, 10), datetime.date(2024, 9, 1), "0", "2", "MF", "L11")
    reversed_decision = PlacementForAdoptionDecision.objects.get(child__child_id="C001")
    assert (reversed_decision.decision_date, reversed_decision.ceased_date, reversed_decision.reason_ceased) == (
        datetime.date(2023, 7, 1), datetime.date(2024, 7, 1), "RD1")
    assert PlacementForAdoptionDecision.objects.get(child__child_id="C002").ceased_date is None
    permanence = PreviousPermanence.objects.get(child__child_id="C001")
    assert (permanence.child.child_id, permanence.kind, permanence.local_authority, permanence.date) == (
        "C001", "P1", "885", "01/03/2019")
    assert result.warnings == []


def test_the_broken_files_report_every_problem_and_change_nothing(run_files):
    run_files(file_set("valid"))
    before = snapshot()

    result = run_files(file_set("broken"))

    assert result.status == CohortImport.Status.FAILED
    found = problems(result)
    blocking = {
        ("Header", 2, "DOB", "31/02/2012"): "Not a real date",
        ("Header", 5, "CHILD/", "B003"): "Repeats row 4",
        ("Episodes", 3, "DECOM", "01/03/2012"): "overlaps the one starting 01/01/2009",
        ("Episodes", 4, "DECOM", ""): "DECOM is required",
        ("Episodes", 5, "CHILD", "B004"): "not in the Header table",
        ("Episodes", 6, "DEC", "01/04/2024"): "ends before it starts",
    }
    for (table, row, column, value), message in blocking.items():
        key = next((k for k in found if k[:2] == (table, row) and k[2].startswith(column.rstrip("/")) and k[3] == value), None)
        assert key, f"{(table, row, column, value)} not reported; got {sorted(found)}"
        assert message in found[key]
    assert result.error_count == len(result.errors) and all(e["blocks"] for e in result.errors)
    only_reported = {
        ("Header", 3, "SEX", "3"): "not a SEX code in any year",
        ("Header", 3, "ETHNIC", "XXXX"): "not a code in the 2024-25 list for ETHNIC",
        ("Episodes", 2, "DECOM", "01/01/2009"): "before the child was born",
        ("Episodes", 7, "CIN", "N9"): "not a code in the 2024-25 list for CIN",
        ("Episodes", 7, "PLACE", "Q9"): "not a code in the 2024-25 list for PLACE",
        ("Episodes", 1, "FAVOURITE_COLOUR", ""): "not in the 2024-25 specification",
    }
    for key, message in only_reported.items():
        assert message in reported(result)[key]
    assert snapshot() == before
    assert Child.objects.filter(child_id__startswith="B").count() == 0


def test_reimporting_a_year_replaces_it_without_duplicates(run_files):
    run_files(file_set("valid"))
    first = snapshot()
    other_year = run_files(file_set("valid"), year=2026)
    assert other_year.status == CohortImport.Status.SUCCEEDED

    episodes = (DATA / "valid" / "episodes.csv").read_text().replace(
        "C002,01/09/2024,P,V2,N4,A4,PR1,12/12/2024,E11,,WR3 7AB,HR1 2AB,SC100002\n", ""
    )
    again = run_files(file_set("valid", episodes=episodes))

    assert again.status == CohortImport.Status.SUCCEEDED
    assert Episode.objects.filter(cohort_return__year=YEAR).count() == first["Episode"] - 1
    assert Episode.objects.filter(cohort_return__year=2026).count() == first["Episode"]
    assert Child.objects.count() == first["Child"]
    assert Review.objects.filter(cohort_return__year=YEAR).count() == first["Review"]


def test_header_changes_on_reimport_update_the_child(run_files):
    run_files(file_set("valid"))
    header = (DATA / "valid" / "header.csv").read_text().replace("C002,F,01/02/2008,MWBC,", "C002,F,01/02/2008,WBRI,")
    run_files(file_set("valid", header=header))
    assert Child.objects.get(child_id="C002").ethnicity == "WBRI"


def test_known_extra_columns_are_accepted_and_unknown_ones_reported(run_files):
    header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,SHOE_SIZE\nC001,M,15/06/2012,WBRI,,1,01/01/2030,9\n"
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE\nC001,10/01/2022,S,C1,N1,U6\n"
    result = run_files([("header.csv", header.encode()), ("episodes.csv", episodes.encode())])
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert [w["field"] for w in result.warnings if w["kind"] == "column_unknown"] == ["SHOE_SIZE"]
    assert "after the end of the collection year" in reported(result)[("Header", 2, "MC_DOB", "01/01/2030")]
    episode = Episode.objects.get()
    assert episode.distance_miles is None and episode.placed_outside_area is None


def test_tables_are_recognised_by_their_columns_whatever_the_file_is_called(run_files):
    files = [(f"export_{n}.csv", content) for n, (_name, content) in enumerate(file_set("valid"))]
    result = run_files(files)
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert result.counts["oc3"] == 1


def test_header_and_episodes_are_required_and_a_table_cannot_come_twice(run_files):
    result = run_files(file_set("valid", episodes=None) + [("header copy.csv", (DATA / "valid" / "header.csv").read_bytes())])
    messages = [e["message"] for e in result.errors]
    assert "The Episodes table is missing." in messages
    assert "Two files hold the Header table; upload each table once." in messages
    assert result.status == CohortImport.Status.FAILED


def test_unknown_and_partial_postcodes_are_reported_and_never_counted_as_near(run_files):
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,HOME_POST,PL_POST\n"
        "C001,10/01/2022,S,C1,N1,U6,WR1 1DB,ZZ9 9ZZ\n"  # ZZ9 9ZZ: no such postcode
        "C002,05/05/2024,S,V2,N4,U3,wr37ab,WR3\n"  # a postcode written without its space; a district only
    )
    result = run_files(file_set("valid", episodes=episodes, oc2=None, missing=None))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    found = reported(result)
    assert found[("Episodes", 2, "PL_POST", "ZZ9 9ZZ")].startswith("Not in the ONS postcode directory")
    assert found[("Episodes", 3, "PL_POST", "WR3")].startswith("Not a full postcode")
    assert not any(key[2] == "HOME_POST" for key in found)
    unknown = Episode.objects.get(child__child_id="C001")
    assert (unknown.distance_miles, unknown.placement_la, unknown.placed_outside_area) == (None, "", None)
    partial = Episode.objects.get(child__child_id="C002")
    assert (partial.home_postcode, partial.placement_postcode, partial.distance_miles) == ("WR3 7AB", "", None)


def test_dates_after_the_collection_year_and_bad_flags_are_reported_not_blocking(run_files):
    oc2 = "CHILD,DOB,SDQ_SCORE,HEALTH_CHECK\nC001,15/06/2012,41,2\n"
    missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC001,15/06/2012,M,03/04/2025,\nC001,15/06/2012,M,05/11/2024,01/11/2024\n"
    result = run_files(file_set("valid", oc2=oc2, missing=missing))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    found = reported(result)
    assert ("OC2", 2, "SDQ_SCORE", "41") in found
    assert ("OC2", 2, "HEALTH_CHECK", "2") in found
    assert "end of the collection year (31/03/2025)" in found[("Missing", 2, "MIS_START", "03/04/2025")]
    assert "ends before it starts" in found[("Missing", 3, "MIS_END", "01/11/2024")]


def test_a_date_of_birth_that_disagrees_with_header_is_reported(run_files):
    reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nC001,16/06/2012,10/06/2024,PN1\n"
    result = run_files(file_set("valid", reviews=reviews))
    assert "Does not match" in reported(result)[("Reviews", 2, "DOB", "16/06/2012")]


def test_a_file_that_is_no_903_table_is_listed_and_does_not_stop_the_import(run_files):
    result = run_files(file_set("valid") + [("notes.csv", b"what,is,this\n1,2,3\n")])
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert any("Not a table of the 903 return we recognise" in w["message"] for w in result.warnings)


def test_import_903_command_uses_the_same_import(reference_data, tmp_path, capsys):
    paths = [str(p) for p in sorted((DATA / "valid").glob("*.csv"))]
    call_command("import_903", "--year", str(YEAR), *paths)
    assert Episode.objects.count() == 4
    with pytest.raises(CommandError, match="failed with"):
        call_command("import_903", "--year", str(YEAR), *[str(p) for p in sorted((DATA / "broken").glob("*.csv"))])
    assert "Episodes row 5 CHILD [B004]: This child is not in the Header table" in capsys.readouterr().err
    assert Episode.objects.count() == 4


def test_code_lists_load_update_and_retire(db, tmp_path):
    call_command("load_code_lists")
    assert Code.objects.get(code_list="placement_type", code="U1").group == "kinship"
    assert Code.objects.filter(code_list="care_leaver_activity", group="neet").count() == 3
    scottish = tmp_path / "codes.csv"
    scottish.write_text("code_list,code,description,group\nplacement_type,U1,Kinship care (Scotland),kinship\nplacement_type,KC,Kinship carers,kinship\n")
    call_command("load_code_lists", str(scottish))
    assert Code.objects.get(code_list="placement_type", code="U1").description == "Kinship care (Scotland)"
    assert set(Code.objects.filter(code_list="placement_type", active=True).values_list("code", flat=True)) == {"U1", "KC"}
    assert Code.objects.filter(code_list="legal_status", active=True).count() == 13  # lists not in the file are kept
    bad = tmp_path / "bad.csv"
    bad.write_text("code_list,code,description,group\nplacement_type,Z9,Fine,other\nnonsense,X,Bad,\n")
    with pytest.raises(CommandError, match="Row 3"):
        call_command("load_code_lists", str(bad))
    assert not Code.objects.filter(code="Z9").exists()


def test_distance_is_the_straight_line_between_grid_references_in_miles():
    lookups = ssda903.Lookups(council="E10000034")
    ssda903.find_postcodes(lookups, "WR1 1DB", "hr12ab")
    # 384967 255197 to 351018 240012 (ONS grid references): 37190 m / 1609.3 (the DfE's metres per mile)
    assert ssda903.placement_location("wr1 1db", "HR1 2AB", lookups) == (Decimal("23.1"), "E06000019", True)
    assert ssda903.placement_location("", "WR1 1DB", lookups) == (None, "E10000034", False)


def test_a_database_failure_is_recorded_and_changes_nothing(run_files):
    run_files(file_set("valid"))
    before = snapshot()

    def fail(execute, sql, params, many, context):
        # The database refuses the missing episodes, after the children, episodes and reviews were written.
        if sql.startswith("INSERT INTO") and MissingEpisode._meta.db_table in sql.split("(")[0]:
            raise OperationalError("could not extend file: disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        result = run_files(file_set("valid"))
    assert result.status == CohortImport.Status.FAILED
    assert "disk full" in result.errors[0]["message"]
    assert snapshot() == before


def test_synthetic_cohort_imports_cleanly(cohort):
    assert [i.status for i in cohort] == ["succeeded", "succeeded"]
    assert all(i.errors == [] for i in cohort)
    # The generator writes each year's own codes (tests/children/test_synthetic_returns.py runs the DfE's rules
    # over them): nothing from another year, and real postcodes, every one in the ONS directory. Tables the
    # app does not use are listed.
    assert {w["kind"] for i in cohort for w in i.warnings} <= {"table_not_used"}
    latest = cohort[-1]
    assert latest.counts["episodes"] > latest.counts["header"] > 20
    assert latest.counts["oc3"] > 0 and latest.counts["oc2"] > 0


def test_progress_is_reported_while_rows_are_checked(run_files, reference_data, officer):
    header = "CHILD,SEX,DOB,ETHNIC\n" + "".join(f"P{n:05d},1,01/01/2010,WBRI\n" for n in range(3000))
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE\n" + "".join(f"P{n:05d},01/06/2024,S,C1,N1,U6\n" for n in range(3000))
    cohort_import = services.create_import(
        year=YEAR, files=[services.store_upload_copy("header.csv", header.encode()),
                          services.store_upload_copy("episodes.csv", episodes.encode())], user=officer,
    )
    seen = []
    result = services.run_import(cohort_import.pk, progress=lambda done, total: seen.append((done, total)))
    assert result.status == CohortImport.Status.SUCCEEDED
    assert seen[0] == (0, 6000) and seen[-1] == (6000, 6000)
    assert (result.rows_done, result.rows_total, result.percent_done) == (6000, 6000, 100)
