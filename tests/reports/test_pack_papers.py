"""
The board pack holds each report's cover sheet followed by the paper itself, merged page for page, with the
pack's page numbers running on through the papers and a bookmark for each; exempt items stay out of it.
Read back from the PDF's own text and outline.
"""
import io
import re
import zipfile

import pypdf
import pytest
from django.core.files.base import ContentFile
from weasyprint import HTML

from boards import services as board_services
from boards.models import ExemptParagraph
from reports import services
from reports.models import ReportStatus, ReportType

pytestmark = pytest.mark.django_db


def paper_pdf(name, pages):
    """A paper of ``pages`` pages, each saying which page of which paper it is."""
    body = "".join(
        f'<p style="break-before: page">{name}, its page {number} of {pages}</p>' for number in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def agenda(meeting, make_user):
    from accounts.models import Role

    officer = make_user(Role.OFFICER)
    papers = {}
    for order, (title, pages) in enumerate((("Placement stability", 2), ("Care leavers in work", 3)), start=1):
        item = board_services.add_agenda_item(meeting=meeting, title=title, report_author=officer, order=order)
        papers[title] = board_services.upload_paper(
            agenda_item=item, title=f"{title} report", uploaded_by=officer, published=True,
            file=ContentFile(paper_pdf(f"{title} report", pages), name="report.pdf"),
            author="A. Writer", author_service="Children's Services", purpose=f"About {title.lower()}.",
        )
    word = board_services.add_agenda_item(meeting=meeting, title="Virtual school", report_author=officer, order=3)
    board_services.upload_paper(
        agenda_item=word, title="Virtual school report", uploaded_by=officer, published=True,
        file=ContentFile(word_document(), name="virtual-school.docx"), purpose="Word paper.",
    )
    exempt = board_services.add_agenda_item(meeting=meeting, title="A provider's contract", order=4,
                                            exempt_paragraph=ExemptParagraph.FINANCIAL)
    board_services.upload_paper(
        agenda_item=exempt, title="Provider contract report", uploaded_by=officer, published=True,
        file=ContentFile(paper_pdf("Provider contract report", 1), name="contract.pdf"), purpose="Exempt paper.",
    )
    return papers


def _titles(reader, outline):
    return [found for entry in outline for found in (
        _titles(reader, entry) if isinstance(entry, list) else [(entry.title, reader.get_destination_page_number(entry))]
    )]


def test_each_cover_sheet_is_followed_by_its_paper_with_the_page_numbers_running_on(
    agenda, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(ReportType.BOARD_PACK, meeting=meeting)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    reader = pypdf.PdfReader(io.BytesIO(report.pdf.open("rb").read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    total = len(pages)
    assert report.page_count == total

    for title, count in (("Placement stability", 2), ("Care leavers in work", 3)):
        cover = next(index for index, text in enumerate(pages) if text.startswith(f"Report cover sheet: {title} report"))
        for number in range(1, count + 1):
            assert f"{title} report, its page {number} of {count}" in pages[cover + number]
        assert f"{title} report, its page" not in pages[cover + count + 1]
        bookmarks = dict(_titles(reader, reader.outline))
        assert bookmarks[f"Report cover sheet: {title} report"] == cover
        assert bookmarks[f"{title} report"] == cover + 1
    # The pack's own numbers run on through the merged pages, on every page.
    assert [re.search(r"Page (\d+) of (\d+)", text).groups() for text in pages] == [
        (str(number), str(total)) for number in range(1, total + 1)
    ]
    everything = " ".join(pages)
    assert "This paper is not a PDF" in everything and "Virtual school report" in everything
    assert "Provider contract report" not in everything and "Exempt paper." not in everything
