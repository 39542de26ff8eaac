"""
A board pack built the way production builds it: in CI a real Celery worker (PostgreSQL, Redis) picks up the
task, stores the PDF in the shared private folder and emails members with the file-based mail backend.
"""
import os
import time
from pathlib import Path

import pytest
from django.core import mail

from reports import services
from reports.models import ReportStatus, ReportType

from .conftest import pdf_text


def _wait_for(report, condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if condition(report):
            return report
        time.sleep(0.5)
    raise AssertionError(f"Gave up waiting: status {report.status}, step {report.step!r}, error {report.error!r}")


@pytest.mark.worker
def test_a_requested_board_pack_is_built_by_the_worker_and_members_are_emailed(celery_worker, members, meeting):
    report = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report  # autocommit: queued at once
    report = _wait_for(report, lambda r: r.is_finished)
    assert report.status == ReportStatus.READY, report.error
    assert (report.progress, report.attempts) == (100, 1)
    pages, _reader = pdf_text(report.pdf)
    assert "Board pack: Wyvern Corporate Parenting Board" in " ".join(pages)
    assert len(pages) == report.page_count

    report = _wait_for(report, lambda r: r.members_emailed_at is not None)
    link = f"/reports/{report.pk}/v1/download/"
    if celery_worker == "worker" and "filebased" in os.environ.get("DJANGO_EMAIL_BACKEND", ""):
        # The file backend writes each batch to a file, messages separated by a line of 79 dashes.
        files = [path.read_text() for path in Path(os.environ["DJANGO_EMAIL_FILE_PATH"]).iterdir()]
        sent = [message for text in files for message in text.split("-" * 79)]
        ours = [message for message in sent if link in message]
        assert len(ours) == 2
        assert any("To: chair@council.example" in message for message in ours)
        assert not any("young@council.example" in message for message in ours)
    elif celery_worker == "eager":
        assert sorted(message.to[0] for message in mail.outbox) == ["chair@council.example", "chief@council.example"]
        assert all(link in message.body for message in mail.outbox)
