"""
Reports in states the demo council does not have (a build in progress, a ready report retried): nobody gets
what they should not, and nothing changes. The other bad input to reports is in test_bad_input.py.
"""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards.models import Board, Meeting
from reports.models import Report, ReportStatus, ReportType

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    board = Board.objects.create(name="Corporate Parenting Board", quorum=3)
    return Meeting.objects.create(
        board=board, starts_at=timezone.now() + datetime.timedelta(days=14), venue="County Hall"
    )


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHIEF_EXECUTIVE, Role.YOUNG_PERSON])
def test_only_officers_may_ask_for_a_build(client_for, meeting, role):
    response = client_for(role).post(reverse("reports:report_request"), {"pack-meeting": meeting.pk})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_councillor_cannot_open_or_download_a_report_that_is_not_ready(client_for, meeting):
    report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, status=ReportStatus.BUILDING)
    client = client_for(Role.COUNCILLOR)
    assert client.get(reverse("reports:report_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[report.pk, report.version])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[report.pk, report.version + 1])).status_code == 404


def test_retrying_a_report_that_did_not_fail_changes_nothing(client_for, meeting):
    report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, status=ReportStatus.READY)
    client = client_for(Role.OFFICER)
    response = client.post(reverse("reports:report_retry", args=[report.pk]), follow=True)
    assert "Only a failed report can be tried again." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert Report.objects.count() == 1
