"""
Word and OpenDocument papers are turned into PDF by LibreOffice for the board pack (the pack itself is read
back in tests/reports/test_pack_papers.py): refused at upload with the reason where LibreOffice is missing, and
stopped, with the reason kept, when it runs over its time.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection

from boards import conversion, services
from boards.models import Paper

from .conftest import at


@pytest.fixture
def item(board, today, make_user):
    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=20)), venue="Hall")
    return services.add_agenda_item(meeting=meeting, title="Virtual school")


def _docx():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("The virtual school's report.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_paper_is_refused_at_upload_where_libreoffice_is_missing(item, officer, settings):
    settings.LIBREOFFICE = "/nowhere/soffice"
    with pytest.raises(ValidationError) as error:
        services.upload_paper(agenda_item=item, title="Virtual school report", uploaded_by=officer,
                              file=ContentFile(_docx(), name="virtual-school.docx"))
    assert "LibreOffice is not installed on this server" in str(error.value)
    assert "Save the paper as a PDF and upload that" in str(error.value)
    assert not Paper.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_a_conversion_that_runs_over_its_time_is_stopped_and_says_why(settings):
    settings.PAPER_CONVERSION_TIMEOUT = 0.05
    (result,) = conversion.to_pdf([ContentFile(_docx(), name="virtual-school.docx")])
    assert isinstance(result, conversion.ConversionFailed)
    assert "LibreOffice took longer than 0.05 seconds" in str(result) and "was stopped" in str(result)


@pytest.mark.worker
def test_an_uploaded_opendocument_paper_is_turned_into_pdf_on_the_worker(celery_worker, board, today, officer):
    import io
    import time

    import pypdf
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    meeting = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=20)), venue="Hall")
    item = services.add_agenda_item(meeting=meeting, title="Health")
    document = OpenDocumentText()
    document.text.addElement(P(text="Health assessments for children placed out of the county."))
    buffer = io.BytesIO()
    document.save(buffer)
    paper = services.upload_paper(agenda_item=item, title="Health report", uploaded_by=officer,
                                  file=ContentFile(buffer.getvalue(), name="health.odt"))  # autocommit: queued at once
    deadline = time.monotonic() + 120
    while not (paper.pdf_version or paper.conversion_error) and time.monotonic() < deadline:
        time.sleep(0.5)
        paper.refresh_from_db()
    assert paper.pdf_version and not paper.conversion_error, paper.conversion_error
    with paper.pdf_version.open("rb") as handle:
        (page,) = pypdf.PdfReader(io.BytesIO(handle.read())).pages
    assert "Health assessments for children placed out of the county." in " ".join(page.extract_text().split())
