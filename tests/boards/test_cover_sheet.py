"""
A report's cover sheet: entered on the paper form, shown under the paper on the meeting page and the public
site, and printed in the board pack before the paper, for every report that is not exempt.
"""
import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boards import services
from boards.models import ExemptParagraph, Paper
from reports import services as report_services
from reports.models import ReportStatus, ReportType

from .conftest import PDF

COVER_SHEET = {
    "title": "Sufficiency of homes for care leavers",
    "author": "Priya Adeyemi",
    "author_service": "Children's Services: Leaving Care",
    "purpose": "To tell the board how many care leavers live in suitable homes.",
    "recommendations": "Note the rise in suitable homes.\n\nAsk Housing to report in March.",
    "financial_implications": "Met from the leaving care budget.",
    "legal_implications": "",
    "equalities_implications": "Care experience is treated as a protected characteristic.",
    "voice_implications": "The Children in Care Council chose the homes to visit.",
    "risk_implications": "Fewer homes if the landlord scheme ends.",
    "appendices": "Map of homes\nYoung people's survey",
}


def _upload(client, meeting, item, **changes):
    return client.post(
        reverse("boards:paper_add", args=[meeting.pk, item.pk]),
        {**COVER_SHEET, **changes, "file": SimpleUploadedFile("report.pdf", PDF), "published": "on"},
    )


def test_the_paper_form_takes_the_cover_sheet_and_the_meeting_page_shows_it(world, client):
    client.force_login(world.officer)
    form = client.get(reverse("boards:paper_add", args=[world.held.pk, world.item.pk])).content.decode()
    assert f'value="{world.officer.get_full_name()}"' in form  # the item's report author, to start with
    assert _upload(client, world.held, world.item).status_code == 302
    paper = Paper.objects.get(title=COVER_SHEET["title"])
    assert paper.recommendation_list == ["Note the rise in suitable homes.", "Ask Housing to report in March."]

    page = client.get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    sheet = page.split(f'id="cover-sheet-{paper.pk}"')[1].split("</section>")[0]
    assert "Priya Adeyemi, Children&#x27;s Services: Leaving Care" in sheet
    assert '<ol class="govuk-list govuk-list--number"><li>Note the rise in suitable homes.</li><li>Ask Housing' in sheet
    assert "Legal implications</dt><dd class=\"govuk-summary-list__value app-preserve-lines\">Not stated by the author" in sheet
    assert "Appendix A: Map of homes" in sheet and "Appendix B: Young people&#x27;s survey" in sheet
    assert "Public or exempt</dt><dd class=\"govuk-summary-list__value\">Public" in sheet
    public = client.get(reverse("public:meeting", args=[world.held.pk])).content.decode()
    assert f'id="cover-sheet-{paper.pk}"' in public and "The Children in Care Council chose the homes" in public


def test_a_report_needs_its_author_their_service_and_its_purpose(world, client):
    client.force_login(world.officer)
    response = _upload(client, world.held, world.item, author="", author_service="", purpose="")
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    for field, message in (("author", "Enter the report author&#x27;s name"),
                           ("author_service", "Enter the author&#x27;s service or agency"),
                           ("purpose", "Enter the purpose of the report")):
        assert f'href="#id_{field}">{message}</a>' in summary, field
    assert not Paper.objects.filter(title=COVER_SHEET["title"]).exists()


def test_the_clerk_changes_a_cover_sheet(world, client):
    client.force_login(world.clerk)
    url = reverse("boards:paper_edit", args=[world.held.pk, world.published.pk])
    assert client.post(url, {**COVER_SHEET, "title": "Published report", "purpose": "A new purpose."}).status_code == 302
    world.published.refresh_from_db()
    assert world.published.purpose == "A new purpose." and world.published.author == "Priya Adeyemi"


@pytest.mark.django_db
def test_the_board_pack_prints_each_public_reports_cover_sheet_and_no_exempt_one(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.officer)
    meeting = world.upcoming
    item = services.add_agenda_item(meeting=meeting, title="Care leavers' homes", report_author=world.officer)
    exempt = services.add_agenda_item(meeting=meeting, title="A provider's costs", exempt_paragraph=ExemptParagraph.FINANCIAL)
    assert _upload(client, meeting, item).status_code == 302
    assert _upload(client, meeting, exempt, title="Provider costs", purpose="Exempt purpose.").status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    reader = pypdf.PdfReader(io.BytesIO(report.public_pdf.open("rb").read()))  # the members' pack: test_pack_papers
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    cover = next(page for page in pages if page.startswith("Report cover sheet: Sufficiency of homes"))
    for expected in ("Priya Adeyemi, Children's Services: Leaving Care", "Public or exempt Public",
                     "Recommendations Note the rise in suitable homes. Ask Housing to report in March. Implications",
                     "Financial implications Met from the leaving care budget.",
                     "Legal implications Not stated by the author", "Appendix B: Young people's survey",
                     "1. 2."):  # the list's numbers, which the PDF's text gives after its words
        assert expected in cover, expected
    assert not any("Exempt purpose." in page or "Provider costs" in page for page in pages)
    assert "Report cover sheet: Sufficiency of homes for care leavers" in _titles(reader.outline)


def _titles(outline):
    """Every bookmark's title, at every level."""
    return [title for entry in outline for title in (_titles(entry) if isinstance(entry, list) else [entry.title])]
