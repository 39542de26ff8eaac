"""
The report page follows a build by itself: a headless browser watches the status change while the build runs,
then the download link appear, with nobody reloading the page.
"""
import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from boards.models import Meeting
from reports.models import Report, ReportStatus, ReportType

from .conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser


def test_the_status_updates_without_reloading_and_the_download_appears(page, make_user, board):
    officer = make_user(Role.OFFICER)
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=5), datetime.time(14)))
    meeting = Meeting.objects.create(board=board, starts_at=starts, venue="County Hall, Committee Room 2")
    report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting, step="Waiting for the report builder")
    sign_in(page, officer)
    page.goto(report.get_absolute_url())
    expect(page.locator("#report-status-step")).to_have_text("Waiting for the report builder")
    check_accessibility(page, "report status page")
    page.evaluate("window.notReloaded = true")

    # The builder moves on: the page shows the new step and progress by itself, without reloading.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, progress=40, step="Laying out the PDF")
    expect(page.locator("#report-status-step")).to_have_text("Laying out the PDF")
    expect(page.locator("#report-progress")).to_have_attribute("value", "40")
    assert page.evaluate("window.notReloaded") is True

    # Ready: the page fetches the finished state once and offers the PDF.
    report.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7 pack"), save=False)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.READY, progress=100, step="Ready", pdf=report.pdf.name)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(page.locator("#report-progress")).to_have_count(0)

    # The list with the officers' build forms is accessible too.
    page.get_by_role("link", name="Reports", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board packs and annual reports")
    check_accessibility(page, "report list")


def test_an_officer_builds_the_annual_report_by_pressing_the_button(page, make_user):
    officer = make_user(Role.OFFICER)
    sign_in(page, officer)
    page.goto("/reports/")
    page.get_by_label("Year ending 31 March").fill("2025")
    page.get_by_role("button", name="Build annual report").click()
    report = Report.objects.get(kind=ReportType.ANNUAL_REPORT, year=2025)
    expect(page).to_have_url(f"{page.url.split('/reports/')[0]}{report.get_absolute_url()}")
    expect(page.get_by_text(f"{report.title} (version 1) has been requested.")).to_be_visible()
    assert report.requested_by == officer

    # A mistake is shown on the page it was made on, with the form kept.
    page.goto("/reports/")
    page.get_by_label("Year ending 31 March").fill("1850")
    page.get_by_role("button", name="Build annual report").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a year from 2000")
    assert Report.objects.count() == 1
