"""Every report URL for every role: who may open it, what they see, and what officers can do."""
import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from reports.models import AnnualReportContent, Report, ReportSchedule, ReportStatus, ReportType

pytestmark = pytest.mark.django_db

READERS = (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER, Role.ADMINISTRATOR, Role.CLERK, Role.PARTNER)
OFFICER_ROLES = (Role.OFFICER, Role.ADMINISTRATOR)
NOT_OFFICERS = (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.YOUNG_PERSON)


@pytest.fixture
def reader(client_for, board):
    """A signed-in client of the role; a councillor or partner sits on the board (they read their own boards' packs)."""
    from boards.models import BoardRole, Membership

    def sign_in(role):
        client = client_for(role)
        if role in (Role.COUNCILLOR, Role.PARTNER):
            Membership.objects.create(
                board=board, user=client.user, role=BoardRole.COUNCILLOR if role == Role.COUNCILLOR else BoardRole.PARTNER,
                start_date=datetime.date(2020, 1, 1),
            )
        return client

    return sign_in


@pytest.fixture
def ready(meeting):
    report = Report.objects.create(
        kind=ReportType.BOARD_PACK, meeting=meeting, status=ReportStatus.READY, progress=100, page_count=3,
        size_bytes=20,
    )
    report.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7 a board pack"), save=True)
    return report


@pytest.fixture
def failed():
    return Report.objects.create(
        kind=ReportType.ANNUAL_REPORT, year=2025, status=ReportStatus.FAILED, attempts=4,
        error="OSError: [Errno 20] Not a directory: '/srv/private/reports'",
    )


def test_anonymous_people_are_sent_to_sign_in_everywhere(client, ready, failed):
    schedule = ReportSchedule.objects.create(kind=ReportType.BOARD_PACK, days_before_meeting=7)
    urls = [
        ("get", reverse("reports:report_list")),
        ("post", reverse("reports:report_request")),
        ("get", reverse("reports:report_detail", args=[ready.pk])),
        ("get", reverse("reports:report_status", args=[ready.pk])),
        ("post", reverse("reports:report_retry", args=[failed.pk])),
        ("get", reverse("reports:report_download", args=[ready.pk, 1])),
        ("get", reverse("reports:annual_content", args=[2025])),
        ("get", reverse("reports:schedule_list")),
        ("post", reverse("reports:schedule_toggle", args=[schedule.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role", READERS)
def test_board_readers_see_ready_reports_and_download_them(reader, role, ready, failed):
    client = reader(role)
    listing = client.get(reverse("reports:report_list")).content.decode()
    assert ready.title in listing
    assert ("OSError" in listing) == (role in OFFICER_ROLES)  # failures are shown to officers only
    assert ("Build a board pack" in listing) == (role in OFFICER_ROLES)
    detail = client.get(ready.get_absolute_url())
    assert detail.status_code == 200 and "Download the PDF" in detail.content.decode()
    download = client.get(ready.get_download_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert ready.filename in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.7 a board pack"
    assert download["Cache-Control"] == "private, no-store"


def test_young_peoples_representatives_cannot_open_or_download_reports(client_for, ready):
    client = client_for(Role.YOUNG_PERSON)
    for url in (
        reverse("reports:report_list"),
        ready.get_absolute_url(),
        reverse("reports:report_status", args=[ready.pk]),
        ready.get_download_url(),
    ):
        assert client.get(url).status_code == 403, url


def test_a_councillor_not_on_the_board_reads_the_annual_report_but_not_its_board_packs(client_for, ready):
    annual = Report.objects.create(kind=ReportType.ANNUAL_REPORT, year=2025, status=ReportStatus.READY)
    annual.pdf.save("annual.pdf", ContentFile(b"%PDF-1.7 annual"), save=True)
    client = client_for(Role.COUNCILLOR)
    listing = client.get(reverse("reports:report_list")).content.decode()
    assert annual.title in listing and ready.title not in listing
    assert client.get(annual.get_download_url()).status_code == 200
    assert client.get(ready.get_absolute_url()).status_code == 404
    assert client.get(ready.get_download_url()).status_code == 404


def test_each_download_is_logged(reader, ready):
    from auditlog.models import LogEntry

    client = reader(Role.COUNCILLOR)
    client.get(ready.get_download_url())
    entry = LogEntry.objects.exclude(additional_data__has_key="event").get(action=LogEntry.Action.ACCESS)
    assert (entry.object_pk, entry.actor) == (str(ready.pk), client.user)


@pytest.mark.parametrize("role", (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR))
def test_members_cannot_see_builds_in_progress_or_failures(client_for, role, failed):
    client = client_for(role)
    assert client.get(failed.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:report_status", args=[failed.pk])).status_code == 404


def test_an_older_version_stays_downloadable_and_a_wrong_version_is_not_found(reader, ready, meeting):
    newer = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=2, status=ReportStatus.READY)
    newer.pdf.save("pack-2.pdf", ContentFile(b"%PDF-1.7 version two"), save=True)
    client = reader(Role.COUNCILLOR)
    assert b"".join(client.get(ready.get_download_url()).streaming_content) == b"%PDF-1.7 a board pack"
    assert b"".join(client.get(newer.get_download_url()).streaming_content) == b"%PDF-1.7 version two"
    assert client.get(reverse("reports:report_download", args=[ready.pk, 2])).status_code == 404
    page = client.get(newer.get_absolute_url()).content.decode()
    assert "All versions" in page and ready.get_absolute_url() in page


def test_the_status_endpoint_reports_progress_and_shows_errors_to_officers_only(client_for, meeting, failed):
    building = Report.objects.create(
        kind=ReportType.BOARD_PACK, meeting=meeting, status=ReportStatus.BUILDING, progress=40,
        step="Laying out the PDF",
    )
    officer = client_for(Role.OFFICER)
    status = json.loads(officer.get(reverse("reports:report_status", args=[building.pk])).content)
    assert status | {"id": 0} == status | {
        "id": 0, "status": "building", "progress": 40, "step": "Laying out the PDF", "finished": False,
        "download_url": None,
    }
    assert json.loads(officer.get(reverse("reports:report_status", args=[failed.pk])).content)["error"].startswith("OSError")
    page = officer.get(building.get_absolute_url()).content.decode()
    assert 'data-status-url="/reports/%d/status/"' % building.pk in page
    assert "reports/report-status.js" in page and "Check the status again" in page
    assert "<script>" not in page  # no inline script: the strict content security policy forbids it


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officers_build_on_demand_and_follow_the_build(client_for, role, meeting, django_capture_on_commit_callbacks):
    client = client_for(role)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_request"), {"annual-year": "2025"})
    report = Report.objects.get(kind=ReportType.ANNUAL_REPORT)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert (report.requested_by, report.status, report.version) == (client.user, ReportStatus.READY, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_request"), {"pack-meeting": meeting.pk})
    assert Report.objects.get(kind=ReportType.BOARD_PACK).meeting == meeting


@pytest.mark.parametrize("role", NOT_OFFICERS)
def test_only_officers_retry_edit_text_or_manage_schedules(client_for, role, failed):
    client = client_for(role)
    schedule = ReportSchedule.objects.create(kind=ReportType.BOARD_PACK, days_before_meeting=7)
    assert client.post(reverse("reports:report_retry", args=[failed.pk])).status_code == 403
    assert client.get(reverse("reports:annual_content", args=[2025])).status_code == 403
    assert client.post(reverse("reports:annual_content", args=[2025]), {"strengths": "x"}).status_code == 403
    assert client.get(reverse("reports:schedule_list")).status_code == 403
    assert client.post(reverse("reports:schedule_toggle", args=[schedule.pk])).status_code == 403
    failed.refresh_from_db()
    schedule.refresh_from_db()
    assert failed.status == ReportStatus.FAILED and schedule.active and not AnnualReportContent.objects.exists()


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officers_retry_a_failed_build(client_for, role, failed, django_capture_on_commit_callbacks):
    client = client_for(role)
    page = client.get(failed.get_absolute_url()).content.decode()
    assert "The build failed" in page and "Not a directory" in page and "Try building it again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == ReportStatus.READY and failed.error == ""


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officers_write_the_annual_report_text(client_for, role):
    client = client_for(role)
    url = reverse("reports:annual_content", args=[2025])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"strengths": "Stable placements.", "areas_for_improvement": "Dental checks.", "recommendations": "Fund it."}
    )
    assert response.status_code == 302
    content = AnnualReportContent.objects.get(year=2025)
    assert (content.strengths, content.updated_by) == ("Stable placements.", client.user)
    assert "Stable placements." in client.get(url).content.decode()


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officers_add_pause_and_resume_schedules(client_for, role):
    client = client_for(role)
    url = reverse("reports:schedule_list")
    response = client.post(url, {"kind": "annual_report", "annual_month": "7"})
    assert response.status_code == 400 and "Enter a day from 1 to 28" in response.content.decode()
    assert client.post(url, {"kind": "board_pack", "days_before_meeting": "7"}).status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.days_before_meeting, schedule.created_by, schedule.active) == (7, client.user, True)
    client.post(reverse("reports:schedule_toggle", args=[schedule.pk]))
    schedule.refresh_from_db()
    assert not schedule.active
    assert "Paused" in client.get(url).content.decode()


def test_the_report_list_runs_a_constant_number_of_queries(client_for, meeting, django_assert_max_num_queries):
    client = client_for(Role.OFFICER)
    for version in range(1, 6):
        Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=version, status=ReportStatus.READY)
    for year in range(2001, 2026):
        Report.objects.create(kind=ReportType.ANNUAL_REPORT, year=year, status=ReportStatus.READY)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report_list"))
    assert response.status_code == 200
    assert len(response.context["documents"]) == 20 and "page=2" in response.content.decode()


def _versions(meeting, *statuses):
    found = []
    for version, status in enumerate(statuses, start=1):
        report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=version, status=status,
                                       page_count=4)
        if status == ReportStatus.READY:
            report.pdf.save(f"pack-{version}.pdf", ContentFile(b"%PDF-1.7 pack"), save=True)
        found.append(report)
    return found


def _row_of(page, report):
    """The list's table row whose heading links to the report."""
    row = next(row for row in page.split("<tr") if f'href="{report.get_absolute_url()}"' in row.split("<details")[0])
    return row


@pytest.mark.parametrize("role", (Role.OFFICER, Role.COUNCILLOR))
def test_the_list_shows_each_documents_current_version_with_earlier_ones_superseded_behind_it(reader, meeting, role):
    first, second, third = _versions(meeting, ReportStatus.READY, ReportStatus.READY, ReportStatus.BUILDING)
    page = reader(role).get(reverse("reports:report_list")).content.decode()
    row = _row_of(page, second)
    current, behind = row.split("</details>")[1], row.split("</details>")[0]
    assert "Ready" in current and second.get_download_url() in current and "Superseded" not in current
    first_link = behind.split(f'href="{first.get_absolute_url()}"')[1].split("</li>")[0]
    assert "Superseded" in first_link and "Ready" not in first_link
    assert (third.get_absolute_url() in behind) == (role == Role.OFFICER)  # members see ready versions only
    assert page.count("<th scope=\"row\"") == 1  # one document, one row


def test_a_superseded_version_says_so_on_its_own_page(reader, meeting):
    first, second = _versions(meeting, ReportStatus.READY, ReportStatus.READY)
    client = reader(Role.COUNCILLOR)
    assert "This version is superseded" in client.get(first.get_absolute_url()).content.decode()
    assert "superseded" not in client.get(second.get_absolute_url()).content.decode().split("All versions")[0]


def test_the_meeting_page_links_the_current_pack(reader, meeting):
    first, second, _failed = _versions(meeting, ReportStatus.READY, ReportStatus.READY, ReportStatus.FAILED)
    page = reader(Role.COUNCILLOR).get(reverse("boards:meeting_detail", args=[meeting.pk])).content.decode()
    pack = page.split('id="board-pack"')[1].split("<h2")[0]
    assert second.get_download_url() in pack and first.get_download_url() not in pack
    assert "1 other version" in pack  # the failed build is for officers only


def test_a_build_asked_for_while_the_builder_cannot_be_reached_shows_as_failed(
    client_for, meeting, broker_down, django_capture_on_commit_callbacks
):
    client = client_for(Role.OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_request"), {"annual-year": "2025"})
    report = Report.objects.get(kind=ReportType.ANNUAL_REPORT)
    assert response.status_code == 302 and report.status == ReportStatus.FAILED
    assert "The report builder could not be reached" in client.get(report.get_absolute_url()).content.decode()


def test_the_build_forms_on_the_list_page_send_to_the_build_view(client_for):
    """The buttons a person presses must post where the build happens (they once posted back to the list)."""
    page = client_for(Role.OFFICER).get(reverse("reports:report_list")).content.decode()
    action = f'action="{reverse("reports:report_request")}"'
    for form_id in ("build-board-pack", "build-annual-report"):
        start = page.index(f'id="{form_id}"') if f'id="{form_id}"' in page else -1
        assert start >= 0, form_id
        tag = page[page.rindex("<form", 0, start): page.index(">", start)]
        assert action in tag, tag


def _form_fields(page, form_id):
    """The named fields of one form on a page, as the browser would send them (inputs and selected options)."""
    import re

    start = page.index(f'id="{form_id}"')
    form = page[page.rindex("<form", 0, start): page.index("</form>", start)]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]+)"[^>]*selected', options) or re.search(r'<option value="([^"]+)"', options)
        fields[name] = chosen.group(1)
    return fields


def test_a_second_press_before_the_builder_starts_queues_no_second_build(client_for, django_capture_on_commit_callbacks):
    """Two officers (or one, from two pages) press Build while the first build waits for the builder: one build."""
    presses = []
    for _officer in range(2):
        officer = client_for(Role.OFFICER)
        fields = _form_fields(officer.get(reverse("reports:report_list")).content.decode(), "build-annual-report")
        fields["annual-year"] = "2025"  # typed into the year box
        presses.append((officer, fields))
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the builder has not picked it up yet
        first = presses[0][0].post(reverse("reports:report_request"), presses[0][1], follow=True)
        second = presses[1][0].post(reverse("reports:report_request"), presses[1][1], follow=True)
    [report] = Report.objects.all()
    assert (report.status, report.version) == (ReportStatus.QUEUED, 1)
    assert len(queued) == 1  # one build sent to the builder
    assert "has been requested" in first.content.decode()
    assert "is already being built: nothing new was requested" in second.content.decode()

    # Once it is built, pressing again (from a fresh page) builds the next version, as before.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.READY)
    officer = presses[0][0]
    fields = _form_fields(officer.get(reverse("reports:report_list")).content.decode(), "build-annual-report")
    with django_capture_on_commit_callbacks(execute=False):
        officer.post(reverse("reports:report_request"), {**fields, "annual-year": "2025"})
    assert sorted(Report.objects.values_list("version", flat=True)) == [1, 2]


def test_the_database_refuses_a_second_build_of_a_document_under_way(meeting):
    from django.db import IntegrityError, transaction

    Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=1, status=ReportStatus.BUILDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=2, status=ReportStatus.QUEUED)
    Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, version=2, status=ReportStatus.FAILED)
