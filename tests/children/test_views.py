"""Officers' cohort pages: who may reach them, what they show, edits, the audit trail and the upload."""
import csv
import datetime
from decimal import Decimal
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from children import services, ssda903
from children.models import Child, CohortImport, Episode

from .conftest import DATA, YEAR, file_set

pytestmark = pytest.mark.django_db


def records():
    """Entries about records themselves (not sign-ins, refusals, imports or list pages: tests/audit has those)."""
    return LogEntry.objects.exclude(additional_data__has_key="event")
NOT_OFFICERS = (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.YOUNG_PERSON)


@pytest.fixture
def loaded(run_files):
    result = run_files(file_set("valid"))
    assert result.status == "succeeded"
    child = Child.objects.get(child_id="C001")
    episode = child.episodes.order_by("-start_date").first()
    stored = result.files.first()
    return {"import": result, "child": child, "episode": episode, "file": stored}


def every_url(loaded):
    child, episode, cohort_import = loaded["child"], loaded["episode"], loaded["import"]
    return [
        ("get", reverse("children:child_list")),
        ("get", reverse("children:child_export")),
        ("get", reverse("children:child_detail", args=[child.pk])),
        ("get", reverse("children:child_edit", args=[child.pk])),
        ("post", reverse("children:child_edit", args=[child.pk])),
        ("get", reverse("children:child_audit", args=[child.pk])),
        ("get", reverse("children:subject_access", args=[child.pk])),
        ("get", reverse("children:episode_edit", args=[child.pk, episode.pk])),
        ("post", reverse("children:episode_edit", args=[child.pk, episode.pk])),
        ("get", reverse("children:import_list")),
        ("get", reverse("children:import_create")),
        ("post", reverse("children:import_create")),
        ("get", reverse("children:import_detail", args=[cohort_import.pk])),
        ("get", reverse("children:import_progress", args=[cohort_import.pk])),
        ("post", reverse("children:import_retry", args=[cohort_import.pk])),
        ("get", reverse("children:import_file", args=[cohort_import.pk, loaded["file"].pk])),
    ]


def test_every_url_is_covered(loaded):
    from children.urls import urlpatterns

    assert len({url for _method, url in every_url(loaded)}) == len(urlpatterns)


@pytest.mark.parametrize("role", NOT_OFFICERS)
def test_people_who_see_aggregates_only_are_refused_everywhere(loaded, client_for, role):
    client = client_for(role)
    for method, url in every_url(loaded):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (role, method, url)
    assert CohortImport.objects.count() == 1
    # Nothing was read; each refusal is itself in the trail.
    assert not records().filter(action=LogEntry.Action.ACCESS).exists()
    assert LogEntry.objects.filter(additional_data__event="refused").count() == len(every_url(loaded))


def test_anonymous_people_are_sent_to_sign_in(loaded, client):
    for method, url in every_url(loaded):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


@pytest.mark.parametrize("role", (Role.OFFICER, Role.ADMINISTRATOR))
def test_officers_and_administrators_reach_every_page(loaded, client_for, role):
    client = client_for(role)
    for method, url in every_url(loaded):
        if method == "get":
            assert getattr(client, method)(url).status_code == 200, url


def test_list_defaults_to_the_latest_year_and_filters(loaded, officer_client):
    response = officer_client.get(reverse("children:child_list"))
    assert [c.child_id for c in response.context["children"]] == ["C001", "C002", "C003"]
    page = response.content.decode()
    assert "K2" in page and "Care leaver" in page

    def ids(**params):
        return [c.child_id for c in officer_client.get(reverse("children:child_list"), params).context["children"]]

    assert ids(q="c002") == ["C002"]
    assert ids(placement_type="K2") == ["C001"]
    assert ids(legal_status="V2") == ["C002"]
    assert ids(looked_after_at_year_end="yes") == ["C001"]
    assert ids(looked_after_at_year_end="no") == ["C002", "C003"]
    assert ids(q="nobody") == []
    assert "No children match" in officer_client.get(reverse("children:child_list"), {"q": "nobody"}).content.decode()


def test_list_is_paginated_with_constant_queries(cohort, officer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        first = officer_client.get(reverse("children:child_list"))
    assert first.context["paginator"].count > 50
    assert len(first.context["children"]) == 50
    second = officer_client.get(reverse("children:child_list"), {"page": 2})
    assert {c.pk for c in second.context["children"]}.isdisjoint({c.pk for c in first.context["children"]})


def test_child_detail_shows_every_table_and_records_the_view(loaded, officer_client, django_assert_max_num_queries):
    child = loaded["child"]
    with django_assert_max_num_queries(16):
        response = officer_client.get(reverse("children:child_detail", args=[child.pk]))
    page = response.content.decode()
    for text in ("2024-25 return", "15/08/2024", "Out of area", "Reviews in 2024-25", "SDQ score", "Missing or away",
                 "placed for adoption (PlacedAdoption)", "01/07/2023", "01/07/2024", "RD1",
                 "Previous permanence (PrevPerm)", "885", "01/03/2019"):
        assert text in page, text
    entry = records().get(action=LogEntry.Action.ACCESS)
    assert entry.actor == officer_client.user and entry.object_pk == str(child.pk)
    trail = officer_client.get(reverse("children:child_audit", args=[child.pk])).content.decode()
    assert "Viewed" in trail and str(officer_client.user) in trail
    adopted = officer_client.get(reverse("children:child_detail", args=[Child.objects.get(child_id="C002").pk]))
    for text in ("Adoption (AD1), 2024-25", "10/06/2024", "01/09/2024", "MF", "L11", "Still applies"):
        assert text in adopted.content.decode(), text


def test_editing_a_child_is_validated_and_audited(loaded, officer_client):
    child = loaded["child"]
    url = reverse("children:child_edit", args=[child.pk])
    bad = officer_client.post(url, {"sex": "M", "date_of_birth": "01/01/2023", "ethnicity": "WBRI", "upn": ""})
    assert bad.status_code == 200
    assert "an episode cannot start before birth" in bad.content.decode()
    assert officer_client.post(url, {"sex": "M", "date_of_birth": "01/01/2090", "ethnicity": "WBRI"}).status_code == 200
    assert officer_client.post(url, {"sex": "M", "date_of_birth": "15/06/2012", "ethnicity": "ZZZZ"}).status_code == 200

    response = officer_client.post(url, {"sex": "M", "date_of_birth": "14/06/2012", "ethnicity": "WIRI", "upn": ""})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.date_of_birth, child.ethnicity) == (datetime.date(2012, 6, 14), "WIRI")
    change = records().get(action=LogEntry.Action.UPDATE)
    assert change.actor == officer_client.user
    assert change.changes_dict["ethnicity"] == ["WBRI", "WIRI"]
    trail = officer_client.get(reverse("children:child_audit", args=[child.pk])).content.decode()
    assert "Changed" in trail and "WBRI → WIRI" in trail


def episode_data(**changes):
    data = {
        "start_date": "15/08/2024", "reason_new_episode": "P", "legal_status": "C2", "category_of_need": "N1",
        "placement_type": "K2", "placement_provider": "PR4", "end_date": "", "reason_ceased": "",
        "reason_place_change": "CREQB", "home_postcode": "WR1 1DB", "placement_postcode": "HR1 2AB", "urn": "SC123456",
    }
    data.update(changes)
    return data


def test_editing_an_episode_uses_the_import_rules(loaded, officer_client):
    child, episode = loaded["child"], loaded["episode"]
    url = reverse("children:episode_edit", args=[child.pk, episode.pk])

    def errors(**changes):
        response = officer_client.post(url, episode_data(**changes))
        assert response.status_code == 200
        return {name: " ".join(messages) for name, messages in response.context["form"].errors.items()}

    assert "overlaps" in errors(start_date="01/08/2024")["start_date"]
    assert "ends before it starts" in errors(end_date="01/08/2024", reason_ceased="E4A")["end_date"]
    assert "needs a reason" in errors(end_date="01/12/2024")["reason_ceased"]
    assert "end of the collection year" in errors(end_date="01/04/2025", reason_ceased="E4A")["end_date"]
    assert "placement_type" in errors(placement_type="Q9")
    assert "Enter a full postcode" in errors(placement_postcode="WR1")["placement_postcode"]
    assert "not in the ONS postcode directory" in errors(placement_postcode="ZZ9 9ZZ")["placement_postcode"]
    assert Episode.objects.get(pk=episode.pk).placement_type == "K2"

    response = officer_client.post(url, episode_data(placement_type="U4", placement_postcode="wr51aa", end_date="20/03/2025", reason_ceased="E4A"))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.placement_type, episode.placed_outside_area, episode.end_date) == ("U4", False, datetime.date(2025, 3, 20))
    # WR1 1DB 384967 255197 to WR5 1AA 385407 254600: 742 m, 0.5 miles, both in Worcestershire
    assert (episode.placement_postcode, episode.distance_miles, episode.placement_la) == ("WR5 1AA", Decimal("0.5"), "E10000034")
    change = records().get(action=LogEntry.Action.UPDATE)
    assert change.changes_dict["placement_type"] == ["K2", "U4"] and change.actor == officer_client.user
    trail = officer_client.get(reverse("children:child_audit", args=[child.pk])).content.decode()
    assert "K2 → U4" in trail


def test_export_follows_the_filters_and_is_audited(loaded, officer_client):
    response = officer_client.get(reverse("children:child_export"), {"looked_after_at_year_end": "no"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["CHILD", "SEX", "DOB"]
    assert [r[0] for r in rows[1:]] == ["C002", "C003"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    exported = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__export="csv")
    assert sorted(e.object_repr for e in exported) == ["Child C002", "Child C003"]
    assert all(e.actor == officer_client.user for e in exported)
    child = Child.objects.get(child_id="C002")
    assert "Downloaded in a CSV export" in officer_client.get(reverse("children:child_audit", args=[child.pk])).content.decode()


def test_downloads_are_safe_to_open_in_a_spreadsheet(run_files, officer_client):
    header = "CHILD,SEX,DOB,ETHNIC,UPN\n@SUM(1+1),M,15/06/2012,=1+1,\n"
    oc2 = "CHILD,DOB,SDQ_SCORE\n@SUM(1+1),15/06/2012,-5\n"
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE\n@SUM(1+1),10/01/2022,S,C1,N1,U6\n"
    result = run_files([("header.csv", header.encode()), ("episodes.csv", episodes.encode()), ("oc2.csv", oc2.encode())])
    assert result.status == CohortImport.Status.SUCCEEDED, result.errors

    exported = officer_client.get(reverse("children:child_export")).content.decode()
    assert list(csv.reader(io.StringIO(exported)))[1][:4] == ["'@SUM(1+1)", "M", "15/06/2012", "'=1+1"]
    problems = officer_client.get(reverse("children:import_detail", args=[result.pk]), {"download": "problems"})
    rows = list(csv.reader(io.StringIO(problems.content.decode())))
    assert ["warning", "Header", "2", "ETHNIC", "'=1+1"] in [row[:5] for row in rows]
    assert ["warning", "OC2", "2", "SDQ_SCORE", "-5"] in [row[:5] for row in rows]  # a number stays a number


def uploads(folder, **replacements):
    return [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in file_set(folder, **replacements)]


def test_upload_runs_the_import_and_shows_the_result(reference_data, officer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": uploads("valid")})
    cohort_import = CohortImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("children:import_detail", args=[cohort_import.pk])
    assert cohort_import.status == "succeeded" and cohort_import.created_by == officer_client.user
    assert Episode.objects.count() == 4
    progress = officer_client.get(reverse("children:import_progress", args=[cohort_import.pk])).json()
    assert progress["finished"] and progress["percent"] == 100 and progress["status"] == "succeeded"
    page = officer_client.get(response["Location"]).content.decode()
    assert "episodes: 4" in page and "header.csv" in page


def test_upload_of_broken_files_lists_every_error(reference_data, officer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": uploads("broken")})
    page = officer_client.get(response["Location"]).content.decode()
    assert "nothing was changed" in page
    assert "This child is not in the Header table" in page and "B004" in page
    assert Child.objects.count() == 0


def test_row_counts_include_rejected_rows(reference_data, officer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": uploads("broken")})
    page = officer_client.get(response["Location"]).content.decode()
    # header.csv: four children's rows, B001's date of birth unreadable and B003 twice; episodes.csv: six rows,
    # four of them with blocking problems.
    assert "header.csv</a> (header, 4 rows read, rejected rows included)" in page
    assert "episodes.csv</a> (episodes, 6 rows read, rejected rows included)" in page


def test_a_second_import_of_a_year_says_what_changed(reference_data, officer_client, django_capture_on_commit_callbacks):
    def upload(files):
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": files})
        return officer_client.get(response["Location"]).content.decode()

    first = upload(uploads("valid"))
    # At 31 March 2025 only C001's episode is open (C002's ended 12/12/2024; C003 is a care leaver, OC3 only).
    assert "The first import of 2024-25" in first
    assert "Children looked after at 31 March</dt><dd class=\"govuk-summary-list__value\">1</dd>" in first
    assert "Children in the return</dt><dd class=\"govuk-summary-list__value\">3</dd>" in first

    # The second: C003 (the care leaver, and her UASC row) gone, C004 new and looked after at 31 March, C002 back in care on
    # 01/03/2025 but under short breaks only (V3), which do not count.
    header = (DATA / "valid" / "header.csv").read_text().replace("C003,F,20/09/2006,WBRI,,,\n", "") + "C004,M,03/03/2015,WBRI,,,\n"
    episodes = (DATA / "valid" / "episodes.csv").read_text() + (
        "C004,01/02/2025,S,C2,N1,U4,PR1,,,,WR1 1DB,WR5 1AA,\n"
        "C002,01/03/2025,S,V3,N1,U4,PR1,,,,WR3 7AB,WR3 7AB,\n"
    )
    second = upload(uploads("valid", header=header, episodes=episodes, oc3=None, uasc=None))
    assert "What changed since the last import of 2024-25" in second
    assert "Children looked after at 31 March</dt><dd class=\"govuk-summary-list__value\">1 before, 2 now</dd>" in second
    assert "Children in the return</dt><dd class=\"govuk-summary-list__value\">3 before, 3 now</dd>" in second
    assert "Children new to the return</dt><dd class=\"govuk-summary-list__value\">1: C004</dd>" in second
    assert "Children no longer in the return</dt><dd class=\"govuk-summary-list__value\">1: C003</dd>" in second


def test_a_903_file_has_its_own_size_limit(reference_data, officer_client, settings):
    settings.MAX_UPLOAD_BYTES = 100  # papers and evidence: smaller than a 903 file
    settings.COHORT_UPLOAD_MAX_BYTES = 400
    files = uploads("valid")  # each under 400 bytes
    assert all(100 < f.size <= 400 for f in files if f.name in ("episodes.csv", "header.csv"))
    response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": files})
    assert response.status_code == 302

    big = SimpleUploadedFile("episodes.csv", (DATA / "valid" / "episodes.csv").read_bytes() * 2, content_type="text/csv")
    response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": [big]})
    assert response.status_code == 200
    assert "The file episodes.csv is 754\xa0bytes; the largest allowed is 400\xa0bytes." in response.content.decode()
    assert CohortImport.objects.count() == 1


@pytest.mark.parametrize("layout", ["return.xml", "return_dfe_layout.xml"])  # the child's items in CHILD, or in HEADER
def test_the_dfe_xml_submission_file_loads_like_the_csv_tables(layout, reference_data, officer_client,
                                                             django_capture_on_commit_callbacks):
    xml = SimpleUploadedFile("return.xml", (DATA / "xml" / layout).read_bytes(), content_type="application/xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": [xml]})
    cohort_import = CohortImport.objects.get()
    assert cohort_import.status == "succeeded", cohort_import.errors
    # The same return as tests/children/data/valid.
    assert cohort_import.counts == {"header": 3, "episodes": 4, "reviews": 2, "oc2": 1, "oc3": 1, "missing": 1, "uasc": 1,
                                    "ad1": 1, "placed_adoption": 2, "prev_perm": 2}
    latest = Episode.objects.get(child__child_id="C001", start_date=datetime.date(2024, 8, 15))
    assert (latest.placement_type, latest.placement_la, latest.distance_miles) == ("K2", "E06000019", Decimal("23.1"))
    page = officer_client.get(response["Location"]).content.decode()
    assert "The first import of 2024-25" in page


def test_upload_refuses_files_that_are_not_csv(reference_data, officer_client):
    fake = SimpleUploadedFile("header.csv", b"\x00\x01\x02binary", content_type="text/csv")
    response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": [fake]})
    assert response.status_code == 200
    assert "not a real CSV file" in response.content.decode()
    assert CohortImport.objects.count() == 0
    assert officer_client.post(reverse("children:import_create"), {"year": YEAR}).status_code == 200


def test_import_errors_are_paginated(run_files, officer_client):
    rows = "".join(f"X{n:04d},M,,WBRI,\n" for n in range(150))  # no date of birth: each row blocks
    result = run_files(file_set("valid", header="CHILD,SEX,DOB,ETHNIC,UPN\n" + rows))
    assert result.error_count > 150
    response = officer_client.get(reverse("children:import_detail", args=[result.pk]))
    assert len(response.context["error_page"]) == 100
    assert "page 1 of" in response.content.decode()


def test_data_freshness_and_latest_imports_are_cheap(loaded, django_assert_num_queries):
    from children import selectors

    with django_assert_num_queries(1):
        freshness = selectors.data_freshness()
    assert freshness[0]["year"] == YEAR and freshness[0]["imported_by"] is not None
    with django_assert_num_queries(1):
        latest = selectors.latest_imports()
    assert latest[0].status == "succeeded" and latest[0].error_count == 0


def test_a_running_import_shows_its_progress_with_and_without_javascript(reference_data, officer_client):
    running = CohortImport.objects.create(
        year=YEAR, status=CohortImport.Status.RUNNING, stage="Checking rows", rows_done=50, rows_total=200
    )
    page = officer_client.get(reverse("children:import_detail", args=[running.pk])).content.decode()
    progress_url = reverse("children:import_progress", args=[running.pk])
    assert f'data-progress-url="{progress_url}"' in page
    assert "50 of 200 rows checked" in page and 'value="25"' in page
    assert "Refresh to see progress" in page and "cohort-import-progress.js" in page
    assert officer_client.get(progress_url).json()["percent"] == 25


def test_every_problem_can_be_downloaded_as_csv(run_files, officer_client, client_for):
    result = run_files(file_set("broken"))
    url = reverse("children:import_detail", args=[result.pk])
    response = officer_client.get(url, {"download": "problems"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len([r for r in rows if r["kind"] == "error"]) == result.error_count
    assert {"kind": "error", "table": "Episodes", "row": "5", "field": "CHILD", "value": "B004",
            "message": "This child is not in the Header table, so the row cannot be stored.", "rule": "",
            "child": "B004"} in rows
    assert any(r["kind"] == "warning" and r["field"] == "FAVOURITE_COLOUR" for r in rows)
    assert client_for(Role.COUNCILLOR).get(url, {"download": "problems"}).status_code == 403


def test_a_file_of_many_bad_rows_lists_the_first_of_each_kind_and_counts_them_all(run_files, officer_client, monkeypatch):
    monkeypatch.setattr(ssda903, "PROBLEMS_KEPT", 3)
    # Eight Header rows with no date of birth (a blocking problem of one kind, DOB_blank), and two rows with a
    # code not in any year's list (a warning of another kind, ETHNIC_not_a_code): each is one Episodes row's child.
    header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + "".join(f"M{n},M,,WBRI,UN1,,\n" for n in range(8)) + (
        "".join(f"N{n},F,01/02/2015,ZZZZ,UN1,0,\n" for n in range(2)))
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" + "".join(
        f"{child},01/06/2024,S,C2,N1,U1,PR1,,,,,,SC123456\n" for child in [*(f"M{n}" for n in range(8)), "N0", "N1"])
    result = run_files([("header.csv", header.encode()), ("episodes.csv", episodes.encode())])

    assert result.status == CohortImport.Status.FAILED
    assert result.error_count == 8 and [e["kind"] for e in result.errors] == ["DOB_blank"] * 3
    counted = {kind["kind"]: (kind["count"], kind["listed"]) for kind in result.problem_counts}
    assert counted["DOB_blank"] == (8, 3) and counted["ETHNIC_not_a_code"] == (2, 2)
    url = reverse("children:import_detail", args=[result.pk])
    page = officer_client.get(url).content.decode()
    assert "The files have 8 problems; nothing was changed" in page
    listed = page.split('id="problems-not-listed"')[1].split("</table>")[0]
    assert "DOB is required" in listed and ">8<" in listed and ">5<" in listed and "ZZZZ" not in listed
    rows = list(csv.DictReader(io.StringIO(officer_client.get(url, {"download": "problems"}).content.decode())))
    assert len([r for r in rows if r["kind"] == "error" and r["row"]]) == 3
    assert [r["message"] for r in rows if r["kind"] == "error" and not r["row"]] == [
        "5 more like “DOB is required: the row cannot be read without it.” are not listed: the first 3 of each "
        "kind of problem are kept."
    ]


# --- Keeping uploaded files no longer than needed ---------------------------------------------------------


def test_uploaded_files_are_deleted_after_the_retention_period_and_the_record_stays(run_files, officer_client, settings):
    settings.COHORT_FILE_RETENTION_DAYS = 30
    old = run_files(file_set("broken"))
    recent = run_files(file_set("broken"))
    CohortImport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=31))
    old_files = list(old.files.all())
    stored_names = [(stored.file.storage, stored.file.name) for stored in old_files]
    assert all(storage.exists(name) for storage, name in stored_names)

    assert services.delete_expired_import_files() == len(old_files)
    assert not any(storage.exists(name) for storage, name in stored_names)
    assert all(stored.file for stored in recent.files.all())  # not yet 30 days old
    assert services.delete_expired_import_files() == 0  # nothing left to delete

    page = officer_client.get(reverse("children:import_detail", args=[old.pk])).content.decode()
    for stored in old_files:
        assert stored.original_name in page
        assert reverse("children:import_file", args=[old.pk, stored.pk]) not in page
        assert officer_client.get(reverse("children:import_file", args=[old.pk, stored.pk])).status_code == 404
    assert "30 days after the import finished" in page
    assert old.error_count and "problem" in page  # the list of problems stays
    assert "kept for 30 days after the import finishes" in officer_client.get(reverse("children:import_create")).content.decode()


def test_files_of_an_import_that_never_finished_go_by_when_it_started(run_files, settings):
    settings.COHORT_FILE_RETENTION_DAYS = 30
    stuck = services.create_import(
        year=2025, files=[services.store_upload_copy(name, content) for name, content in file_set("broken")]
    )
    assert services.delete_expired_import_files() == 0
    CohortImport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    assert services.delete_expired_import_files() == stuck.files.count()


def test_the_nightly_job_and_the_command_delete_expired_files(run_files, settings):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from corporate_parenting.celery import app

    task = PeriodicTask.objects.get(task="children.delete_expired_import_files")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("2", "15")
    app.loader.import_default_modules()  # as a worker does when it starts: the apps' tasks modules
    assert task.task in app.tasks  # the name beat sends is a task the worker knows
    settings.COHORT_FILE_RETENTION_DAYS = 1
    old = run_files(file_set("broken"))
    CohortImport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("delete_expired_import_files", stdout=out)
    assert f"Deleted {old.files.count()} uploaded files older than 1 day." in out.getvalue()
    assert not any(stored.file for stored in old.files.all())


def test_an_upload_while_the_worker_cannot_be_reached_says_so_and_changes_nothing(
    reference_data, officer_client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("children:import_create"), {"year": YEAR, "files": uploads("valid")})
    cohort_import = CohortImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("children:import_detail", args=[cohort_import.pk])
    assert cohort_import.status == "failed" and cohort_import.finished_at is not None  # not left waiting for ever
    assert not Episode.objects.exists()
    page = officer_client.get(response["Location"]).content.decode()
    assert "the import worker could not be reached; nothing was changed" in page
    assert "Upload the files again in a few minutes" in page
    dashboard = officer_client.get(reverse("dashboards:officer")).content.decode()
    assert f"The {cohort_import.year_label} import of" in dashboard and "failed with 1 error" in dashboard
