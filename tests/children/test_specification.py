"""
Each collection year is read against its own specification (children/data/ssda903/<year>.json), and the codes
and tables councils' real returns hold are read, not refused. Each test of a false rejection here failed on the
import as it was before the specifications were data.
"""
import pytest

from children import ssda903
from children.models import Child, CohortImport, Episode, UnaccompaniedAsylumSeeker

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def label(year):
    return f"{year - 1}-{str(year)[2:]}"


def return_files(year, *, sex=None, episodes=(), extra=()):
    """
    A two-child return in ``year``'s format that passes the DfE's rules for the year
    (tests/children/test_hand_written_returns.py): A1, a boy still looked after, and A2, a girl of 16 who
    left care in the year.
    """
    sex = sex or sorted(ssda903.specification(year).codes["SEX"] - {"U"}, key="1M2F".index)
    start = f"01/05/{year - 1}"
    rows = list(episodes) or [
        f"A1,{start},S,C2,N1,U4,PR1,,,,WR1 1DB,WR5 1AA,SC100001",
        f"A2,{start},S,V2,N4,U6,PR1,01/09/{year - 1},E4A,,WR3 7AB,WR5 1AA,SC100001",
    ]
    files = [
        ("header.csv", HEADER + f"A1,{sex[0]},15/06/2012,WBRI,A123456789012,,\n"
                                f"A2,{sex[1]},{girls_birthday(year)},MWBC,B123456789012,0,\n"),
        ("episodes.csv", EPISODES + "".join(row + "\n" for row in rows)),
        *extra,
    ]
    return [(name, text.encode()) for name, text in files]


def girls_birthday(year):
    """A2 is 16 at the start of every year."""
    return f"01/02/{year - 17}"


def year_return(year):
    """The two-child return with every table of its year: social worker episodes from 2023-24 (one each, from the
    start of care; A2's goes on after care ends), deprivation of liberty orders from 2026-27 (one, A2's, ended
    before she left care)."""
    extra = []
    if year >= 2024:
        extra.append(("SWEpisodes.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                        f"A1,15/06/2012,SW123,01/05/{year - 1},,FCONTA\n"
                                        f"A2,{girls_birthday(year)},SW456,01/05/{year - 1},,FCONTA\n"))
    if year >= 2027:
        extra.append(("DoLo.csv", f"CHILD,DOB,DOLO_START,DOLO_END\nA2,{girls_birthday(year)},01/06/{year - 1},01/08/{year - 1}\n"))
    return return_files(year, extra=extra)


def findings(result, kind=None):
    return [w for w in result.warnings if kind is None or w["kind"] == kind]


def test_every_year_from_2016_17_to_2026_27_is_held():
    assert ssda903.years_held() == list(range(2017, 2028))
    assert ssda903.specification(2025).codes["SEX"] == {"M", "F", "U"}
    assert ssda903.specification(2024).codes["SEX"] == {"1", "2"}


@pytest.mark.parametrize("year", range(2017, 2028), ids=label)
def test_a_return_in_each_years_format_loads_with_no_finding(run_files, year):
    result = run_files(year_return(year), year=year)

    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert [w for w in result.warnings if w["kind"] != "table_not_used"] == []
    not_used = sorted(w["table"] for w in findings(result, "table_not_used"))
    assert not_used == (["DoLo"] if year >= 2027 else []) + (["SWEpisodes"] if year >= 2024 else [])
    assert sorted(Child.objects.values_list("sex", flat=True)) == ["F", "M"]  # 1/2 read as M/F before 2024-25


@pytest.mark.parametrize("code", ["E45", "E46", "E47", "E48"])
def test_current_special_guardianship_codes_are_read(run_files, code):
    result = run_files(return_files(2025, episodes=[f"A1,01/05/2024,S,C2,N1,U4,PR1,01/09/2024,{code},,WR1 1DB,WR5 1AA,"]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert findings(result) == []
    assert Episode.objects.get().reason_ceased == code


def test_retired_codes_are_reported_with_the_years_they_were_valid_and_the_return_still_loads(run_files):
    result = run_files(return_files(2025, episodes=["A1,01/05/2024,S,C2,N1,U4,PR1,01/09/2024,E43,,WR1 1DB,WR5 1AA,"]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    (finding,) = findings(result)
    assert finding["message"] == "E43 is not in the 2024-25 list for REC; it was valid in 2016-17 to 2019-20."
    assert (finding["table"], finding["row"], finding["field"], finding["child"]) == ("Episodes", 2, "REC", "A1")
    assert finding["blocks"] is False


def test_placed_in_custody_and_supported_accommodation_are_read(run_files):
    rows = ["A1,01/05/2024,S,C2,N1,U4,PR1,01/07/2024,X1,,WR1 1DB,WR5 1AA,",
            "A1,01/07/2024,P,C2,N1,K3,PR4,,,CUSTOD,WR1 1DB,WR5 1AA,"]
    result = run_files(return_files(2025, episodes=rows))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert findings(result) == []


@pytest.mark.parametrize("place", ["Z11", "Z12", "Z13", "Z14"])
def test_the_2025_26_other_placement_codes_are_read(run_files, place):
    result = run_files(return_files(2026, episodes=[f"A1,01/05/2025,S,C2,N1,{place},,,,,WR1 1DB,WR5 1AA,"]), year=2026)
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert findings(result) == []


@pytest.mark.parametrize("place", ["H5", "P2", "Z1"])
def test_placement_codes_withdrawn_by_2025_26_are_reported(run_files, place):
    result = run_files(return_files(2026, episodes=[f"A1,01/05/2025,S,C2,N1,{place},PR1,,,,WR1 1DB,WR5 1AA,"]), year=2026)
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    (finding,) = findings(result)
    assert finding["message"] == f"{place} is not in the 2025-26 list for PLACE; it was valid in 2016-17 to 2024-25."


@pytest.mark.parametrize("activity", ["F4", "P4", "F5", "P5"])
def test_current_care_leaver_activities_are_read_and_withdrawn_ones_reported(run_files, activity):
    oc3 = f"CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nA2,01/02/2008,YES,{activity},D1\nA1,15/06/2012,YES,F3,D1\n"
    result = run_files(return_files(2025, extra=[("oc3.csv", oc3)]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    problems = [(f["field"], f["value"]) for f in findings(result, "ACTIV_other_year")]
    assert problems == [("ACTIV", "F3")]
    assert not findings(result, "ACTIV_not_a_code")


def test_sex_m_f_u_is_read_from_2024_25_and_1_2_is_reported_there(run_files):
    result = run_files(return_files(2025, sex=["U", "F"]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert findings(result) == []
    assert Child.objects.get(child_id="A1").sex == "U"

    again = run_files(return_files(2025, sex=["1", "2"]))
    assert again.status == CohortImport.Status.SUCCEEDED
    assert [f["message"] for f in findings(again)] == [
        "SEX 1 is not in the 2024-25 list; it was valid in 2016-17 to 2023-24.",
        "SEX 2 is not in the 2024-25 list; it was valid in 2016-17 to 2023-24.",
    ]
    assert sorted(Child.objects.values_list("sex", flat=True)) == ["F", "M"]


def test_an_unaccompanied_childs_date_ceased_to_be_uasc_may_be_after_the_year_end(run_files):
    uasc = "CHILD,SEX,DOB,DUC\nA2,F,01/02/2008,01/02/2026\n"
    result = run_files(return_files(2025, extra=[("uasc.csv", uasc)]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    assert findings(result) == []
    assert str(UnaccompaniedAsylumSeeker.objects.get().date_ceased_uasc) == "2026-02-01"


def test_social_worker_episodes_are_not_mistaken_for_a_second_episodes_table(run_files):
    sw = "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nA1,15/06/2012,SW1,01/05/2024,,\n"
    result = run_files(return_files(2025, extra=[("SWEpisodes.csv", sw)]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    (finding,) = findings(result)
    assert (finding["table"], finding["kind"], finding["blocks"]) == ("SWEpisodes", "table_not_used", False)
    assert Episode.objects.count() == 2


def test_a_later_years_table_in_an_earlier_return_is_recognised_and_does_not_stop_it(run_files):
    dolo = "CHILD,DOB,DOLO_START,DOLO_END\nA1,15/06/2012,01/06/2024,\n"
    result = run_files(return_files(2025, extra=[("deprivation.csv", dolo)]))
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors
    (finding,) = findings(result)
    assert finding["table"] == "DoLo" and "not part of the 2024-25 return" in finding["message"]


def test_one_error_never_hides_another(run_files):
    """A blank date of birth is that row's problem; the child's episodes are still checked on their own."""
    header = HEADER + "A1,M,,WBRI,,,\nA2,F,01/02/2008,MWBC,,,\n"
    episodes = EPISODES + "A1,01/05/2024,S,C2,N1,QQ,PR1,,,,WR1 1DB,WR5 1AA,\nA1,31/02/2024,S,C2,N1,U4,PR1,,,,WR1 1DB,WR5 1AA,\n"
    result = run_files([("header.csv", header.encode()), ("episodes.csv", episodes.encode())])
    assert result.status == CohortImport.Status.FAILED
    blocking = {(e["table"], e["row"], e["field"]) for e in result.errors}
    assert blocking == {("Header", 2, "DOB"), ("Episodes", 3, "DECOM")}
    assert [(f["table"], f["row"], f["field"]) for f in findings(result, "PLACE_not_a_code")] == [("Episodes", 2, "PLACE")]
