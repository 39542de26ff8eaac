"""
Bad input, sent as a browser (or someone forging requests) would: uploads of the wrong type or size, malformed
903 CSVs, forged form fields and other people's object ids. Each gets a clear answer, and the database (every
row of the project's tables) and the private file store are exactly as they were.

Runs against the demo council, loaded once for the module (tests/security/demo.py).
"""
import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards.models import Meeting
from children.models import CohortImport

from .demo import (  # noqa: F401  (fixtures)
    _demo_file_storage,
    clients,
    database_state,
    demo_council,
    demo_files,
    one,
    stored_files,
)

# One ready board pack to download is all these requests need of the demo's reports (tests/security/demo.py).
DEMO_REPORTS = "one board pack"

CE, CLLR, OFF, YP, ADM = (
    Role.CHIEF_EXECUTIVE,
    Role.COUNCILLOR,
    Role.OFFICER,
    Role.YOUNG_PERSON,
    Role.ADMINISTRATOR,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def csv_files(
    header=HEADER + "Z001,M,01/02/2012,WBRI,\n",
    episodes=EPISODES + "Z001,01/04/2024,S,C1,N1,U1,PR1,,,,WR1 1DB,WR5 1AA,\n",
    export=None,
):
    """A small 903 return as uploaded files; ``export`` adds a file whose name says nothing of its table."""
    files = [upload("header.csv", header.encode()), upload("episodes.csv", episodes.encode())]
    return files + ([upload("export.csv", export.encode())] if export else [])


def two_meetings():
    meetings = list(Meeting.objects.order_by("pk")[:2])
    assert len(meetings) == 2, "the demo council needs two meetings"
    return meetings


def item_of_another_meeting():
    first, second = two_meetings()
    return first, one("boards.AgendaItem", meeting=second)


def paper_of_another_meeting():
    paper = one("boards.Paper")
    return Meeting.objects.exclude(pk=paper.agenda_item.meeting_id).order_by("pk").first(), paper


def paper_add_url():
    item = one("boards.AgendaItem")
    return reverse("boards:paper_add", args=[item.meeting_id, item.pk])


def draft_evaluation():
    return one("indicators.Evaluation", status="draft")


@dataclass
class Bad:
    """One bad request: who sends it, where, what; the status and message they must get back."""

    role: str
    url: object  # a function returning the URL (the demo data exists when it runs)
    data: object = None  # a function returning the POST data (files included)
    status: int | tuple = 200
    message: str = ""
    method: str = "post"
    upload_limit: int | None = None  # bytes, to test the size check without sending megabytes
    may_change: tuple = field(default=())  # models a refused request may still write (a record of the attempt)


CASES = {
    # --- Uploads of the wrong type or size ---------------------------------------------------------------
    "evidence: a .pdf that is really a PNG": Bad(
        OFF, lambda: reverse("indicators:evidence_add", args=[draft_evaluation().pk]),
        lambda: {"title": "Audit", "text": "", "file": upload("audit.pdf", PNG)},
        status=400, message="is not a real PDF",
    ),
    "evidence: a program renamed .docx": Bad(
        OFF, lambda: reverse("indicators:evidence_add", args=[draft_evaluation().pk]),
        lambda: {"title": "Audit", "file": upload("audit.docx", PROGRAM)},
        status=400, message="is not a real Word document",
    ),
    "evidence: a file over the size limit": Bad(
        OFF, lambda: reverse("indicators:evidence_add", args=[draft_evaluation().pk]),
        lambda: {"title": "Audit", "file": upload("audit.pdf", PDF + b"x" * 2000)},
        status=400, message="the largest allowed is", upload_limit=1000,
    ),
    "meeting paper: an .exe": Bad(
        OFF, paper_add_url,
        lambda: {"title": "Performance report", "file": upload("report.exe", PROGRAM)},
        message="must be one of",
    ),
    "meeting paper: a .pdf that is really a PNG": Bad(
        OFF, paper_add_url,
        lambda: {"title": "Performance report", "file": upload("report.pdf", PNG)},
        message="is not a real PDF",
    ),
    "903 import: a program renamed .csv (NUL bytes)": Bad(
        OFF, lambda: reverse("children:import_create"),
        lambda: {"year": "2025", "files": [upload("header.csv", PROGRAM)]},
        message="is not a real CSV file",
    ),
    "903 import: a CSV over the size limit": Bad(
        OFF, lambda: reverse("children:import_create"),
        lambda: {"year": "2025", "files": csv_files(header=HEADER + "Z001,1,01/02/2012,WBRI,\n" * 100)},
        message="the largest allowed is", upload_limit=1000,
    ),
    "903 import: a year outside the choices": Bad(
        OFF, lambda: reverse("children:import_create"), lambda: {"year": "1850", "files": csv_files()},
        message="Select a valid choice",
    ),
    "comparators: a program renamed .csv": Bad(
        OFF, lambda: reverse("measures:comparator_upload"), lambda: {"file": upload("comparators.csv", PROGRAM)},
        message="is not a real CSV file",
    ),
    "comparators: a CSV with the wrong columns": Bad(
        OFF, lambda: reverse("measures:comparator_upload"),
        lambda: {"file": upload("comparators.csv", b"indicator,value\nlooked_after,12\n")},
        message="The file has no column called",
    ),
    "comparators: a year and a figure that are not numbers, and a measure that does not exist": Bad(
        OFF, lambda: reverse("measures:comparator_upload"),
        lambda: {"file": upload("comparators.csv", (
            "measure,year,england,statistical_neighbours,source\n"
            "no_such_measure,last year,seventy,,DfE\n"
        ).encode())},
        message="is not a measure identifier",
    ),
    # --- Forged form fields ------------------------------------------------------------------------------
    "evaluation: a grade of 7 on a six-point scale": Bad(
        OFF, lambda: reverse("indicators:evaluation_edit", args=[draft_evaluation().pk]),
        lambda: {"grade": "7", "how_good_are_we_now": "Forged"},
        status=(200, 400), message="Select a valid choice",
    ),
    "evaluation: an officer who does not exist": Bad(
        OFF, lambda: reverse("indicators:evaluation_edit", args=[draft_evaluation().pk]),
        lambda: {"assigned_officer": "987654", "grade": "4"},
        status=(200, 400), message="Select a valid choice",
    ),
    "evaluation: an approved evaluation edited by POST": Bad(
        OFF, lambda: reverse("indicators:evaluation_edit", args=[one("indicators.Evaluation", status="approved").pk]),
        lambda: {"grade": "1", "how_good_are_we_now": "Rewritten after approval"},
        status=(200, 400), message="can no longer be changed",
    ),
    "board action: an owner who does not exist": Bad(
        OFF, lambda: reverse("boards:action_add", args=[two_meetings()[0].pk]),
        lambda: {"description": "Report back", "owner": "987654", "due_on": "2030-01-31"},
        message="Select a valid choice",
    ),
    "board action: an agenda item of another meeting": Bad(
        OFF, lambda: reverse("boards:action_add", args=[item_of_another_meeting()[0].pk]),
        lambda: {
            "description": "Report back", "owner": str(one("accounts.User", role=Role.OFFICER).pk),
            "due_on": "2030-01-31", "agenda_item": str(item_of_another_meeting()[1].pk),
        },
        message="Select a valid choice",
    ),
    "board action: a status that does not exist": Bad(
        OFF, lambda: reverse("boards:action_detail", args=[one("boards.ActionItem").pk]),
        lambda: {"status": "finished-ish", "note": "Forged"},
        message="Select a valid choice",
    ),
    "attendance: a status that does not exist": Bad(
        OFF, lambda: reverse("boards:attendance", args=[two_meetings()[0].pk]),
        lambda: {f"status_{m.pk}": "asleep" for m in two_meetings()[0].board.memberships.all()},
        message="Select a valid choice",
    ),
    "meeting: a date that is not a date": Bad(
        OFF, lambda: reverse("boards:meeting_create"),
        lambda: {"board": str(one("boards.Board").pk), "starts_at": "next Tuesday", "venue": "County Hall",
                 "status": "scheduled"},
        message="Enter a valid date",
    ),
    "pledge update: a RAG rating that does not exist": Bad(
        OFF, lambda: reverse("boards:pledge_update_add", args=[one("boards.PledgeCommitment").pk]),
        lambda: {"rag": "purple", "note": "Forged", "updated_on": "2026-01-01"},
        message="Select a valid choice",
    ),
    "child: a sex code and a birth date that cannot be": Bad(
        OFF, lambda: reverse("children:child_edit", args=[one("children.Child").pk]),
        lambda: {"sex": "9", "date_of_birth": (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
                 "ethnicity": "WBRI", "upn": ""},
        status=(200, 400), message="Select a valid choice",
    ),
    "board pack: a meeting that does not exist": Bad(
        OFF, lambda: reverse("reports:report_request"), lambda: {"pack-meeting": "987654"},
        status=400, message="Select a valid choice",
    ),
    "annual report: a year before records began": Bad(
        OFF, lambda: reverse("reports:report_request"), lambda: {"annual-year": "1850"},
        status=400, message="Enter a year from 2000",
    ),
    "annual report: a year in words": Bad(
        OFF, lambda: reverse("reports:report_request"), lambda: {"annual-year": "twenty"},
        status=400, message="Enter the year as a number",
    ),
    "report schedule: a report type that does not exist": Bad(
        OFF, lambda: reverse("reports:schedule_list"), lambda: {"kind": "everything", "days_before_meeting": "7"},
        status=400, message="Select a valid choice",
    ),
    # --- Other people's objects ----------------------------------------------------------------------------
    "an agenda item reached through another meeting": Bad(
        OFF, lambda: reverse("boards:agenda_item_edit", args=[m.pk for m in item_of_another_meeting()]),
        lambda: {"title": "Hijacked", "order": "1"}, status=404,
    ),
    "a paper published through another meeting": Bad(
        OFF, lambda: reverse("boards:paper_publish", args=[m.pk for m in paper_of_another_meeting()]),
        lambda: {"publish": "1"}, status=404,
    ),
    "an episode reached through another child": Bad(
        OFF, lambda: reverse("children:episode_edit", args=[
            one("children.Child", pk__gt=one("children.Episode").child_id).pk, one("children.Episode").pk,
        ]),
        lambda: {}, status=404,
    ),
    "a councillor updating an action someone else owns": Bad(
        CLLR, lambda: reverse("boards:action_detail", args=[one("boards.ActionItem", owner__role=Role.OFFICER).pk]),
        lambda: {"status": "done", "note": "Marked done by someone else"}, status=403,
    ),
    "a councillor downloading evidence of an evaluation not yet approved": Bad(
        CLLR, lambda: reverse("indicators:evidence_download", args=[
            one("indicators.EvidenceItem", evaluation__status__in=["draft", "submitted", "returned", "moderated"]).pk
        ]), method="get", status=404,
    ),
    "a councillor downloading a paper not yet published": Bad(
        CLLR, lambda: reverse("boards:paper_download", args=[
            one("boards.Paper", published=False).agenda_item.meeting_id, one("boards.Paper", published=False).pk,
        ]), method="get", status=404,
    ),
    "a young person answering children's views": Bad(
        YP, lambda: reverse("boards:respond", args=[one("boards.ChildrensView").pk]),
        lambda: {"we_did": "Forged", "decision": "Forged", "reason": "Forged", "published": "on"}, status=403,
    ),
    "a councillor asking for a board pack": Bad(
        CLLR, lambda: reverse("reports:report_request"), lambda: {"pack-meeting": str(one("boards.Meeting").pk)},
        status=403,
    ),
    "a councillor downloading a version of a board pack that does not exist": Bad(
        CLLR, lambda: reverse("reports:report_download", args=[one("reports.Report", status="ready").pk, 99]),
        method="get", status=404,
    ),
    "a councillor editing a self-evaluation": Bad(
        CLLR, lambda: reverse("indicators:evaluation_edit", args=[draft_evaluation().pk]),
        lambda: {"grade": "6"}, status=403,
    ),
    "the chief executive changing a child's record": Bad(
        CE, lambda: reverse("children:child_edit", args=[one("children.Child").pk]),
        lambda: {"sex": "1", "date_of_birth": "01/01/2010", "ethnicity": "WBRI"}, status=403,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_answer_and_changes_nothing(clients, demo_files, settings, case):
    bad = CASES[case]
    if bad.upload_limit:
        settings.MAX_UPLOAD_BYTES = settings.COHORT_UPLOAD_MAX_BYTES = bad.upload_limit
    client = clients[bad.role]
    url = bad.url()
    data = bad.data() if bad.data else None
    rows_before, files_before = database_state(), stored_files(demo_files)

    response = client.post(url, data) if bad.method == "post" else client.get(url)

    expected = bad.status if isinstance(bad.status, tuple) else (bad.status,)
    assert response.status_code in expected, f"{case}: got {response.status_code}"
    if bad.message:
        assert bad.message in response.content.decode(), f"{case}: the page does not say {bad.message!r}"
    assert database_state(exclude=bad.may_change) == {
        label: rows for label, rows in rows_before.items() if label not in bad.may_change
    }, f"{case}: the database changed"
    assert stored_files(demo_files) == files_before, f"{case}: a file was stored"


# --- Malformed 903 CSVs: checked in full by the import, which then changes nothing ---------------------------

MALFORMED = {
    "a date that does not exist": (
        {"header": HEADER + "Z001,M,30/02/2012,WBRI,\n"},
        "Not a real date in the form DD/MM/YYYY",
    ),
    "an American date": (
        {"header": HEADER + "Z001,M,02/13/2012,WBRI,\n"},
        "Not a real date in the form DD/MM/YYYY",
    ),
    "a key column missing": (
        {"header": "CHILD,SEX,ETHNIC\nZ001,M,WBRI\n"},
        "The key column DOB is missing.",
    ),
}
# Not in the DfE's lists or not a 903 table: reported beside the loaded return, which still loads.
REPORTED = {
    "columns of no 903 table": ({"export": "NAME,FAVOURITE_FOOD\nZoe,chips\n"}, "Not a table of the 903 return"),
    "an ethnicity code that is not in the list": (
        {"header": HEADER + "Z001,M,01/02/2012,XXXX,\n"}, "XXXX is not a code in the 2024-25 list",
    ),
    "a placement type that is not in the list": (
        {"episodes": EPISODES + "Z001,01/04/2024,S,C1,N1,Q9,PR1,,,,WR1 1DB,WR5 1AA,\n"}, "Q9 is not a code in the 2024-25 list",
    ),
}


@pytest.mark.parametrize("case", list(REPORTED))
def test_a_code_not_in_the_list_is_reported_beside_the_loaded_return(clients, case, django_capture_on_commit_callbacks):
    tables, message = REPORTED[case]
    with django_capture_on_commit_callbacks(execute=True):
        response = clients[OFF].post(reverse("children:import_create"), {"year": "2025", "files": csv_files(**tables)})
    page = clients[OFF].get(response["Location"]).content.decode()
    assert message in page, f"{case}: the import page does not say {message!r}"
    assert CohortImport.objects.order_by("-pk").first().status == CohortImport.Status.SUCCEEDED


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_903_file_is_reported_and_changes_no_child(clients, case, django_capture_on_commit_callbacks):
    tables, message = MALFORMED[case]
    files = csv_files(**tables)
    record_of_the_import = {"children.CohortImport", "children.CohortImportFile", "children.DfeRuleCheck"}
    rows_before = database_state(exclude=record_of_the_import)

    with django_capture_on_commit_callbacks(execute=True):
        response = clients[OFF].post(reverse("children:import_create"), {"year": "2025", "files": files})
    assert response.status_code == 302
    page = clients[OFF].get(response["Location"]).content.decode()

    assert "nothing was changed" in page
    assert message in page, f"{case}: the import page does not say {message!r}"
    # The import is recorded (with its problems and a copy of the files); no child's data moved.
    assert database_state(exclude=record_of_the_import) == rows_before
    assert CohortImport.objects.order_by("-pk").first().status == CohortImport.Status.FAILED
