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
from django.urls import reverse
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


def word_paper(name, pages):
    """A real Word document (python-docx) of ``pages`` pages, each saying which page of which paper it is."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for number in range(1, pages + 1):
        paragraph = document.add_paragraph(f"{name}, its page {number} of {pages}")
        if number < pages:
            paragraph.add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odf_paper(name):
    """A real OpenDocument text (odfpy) of one page."""
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text=f"{name}, its page 1 of 1"))
    buffer = io.BytesIO()
    document.save(buffer)
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
    # A Word paper and an OpenDocument one, turned into PDF by LibreOffice on the worker as the pack is built.
    officer = agenda["Placement stability"].uploaded_by
    for order, (title, content, name) in enumerate((
        ("Virtual school", word_paper("Virtual school report", 2), "virtual-school.docx"),
        ("Health", odf_paper("Health report"), "health.odt"),
    ), start=5):
        item = board_services.add_agenda_item(meeting=meeting, title=title, report_author=officer, order=order)
        board_services.upload_paper(agenda_item=item, title=f"{title} report", uploaded_by=officer, published=True,
                                    file=ContentFile(content, name=name), purpose="Written in a word processor.")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    reader = pypdf.PdfReader(io.BytesIO(report.pdf.open("rb").read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    total = len(pages)
    assert report.page_count == total

    for title, count in (("Placement stability", 2), ("Care leavers in work", 3), ("Virtual school", 2), ("Health", 1)):
        cover = next(index for index, text in enumerate(pages) if text.startswith(f"Report cover sheet: {title} report"))
        for number in range(1, count + 1):
            assert f"{title} report, its page {number} of {count}" in pages[cover + number]
        assert not any(f"{title} report, its page" in page for page in pages[cover + count + 1:])
        bookmarks = dict(_titles(reader, reader.outline))
        assert bookmarks[f"Report cover sheet: {title} report"] == cover
        assert bookmarks[f"{title} report"] == cover + 1
    # The pack's own numbers run on through the merged pages, on every page.
    assert [re.search(r"Page (\d+) of (\d+)", text).groups() for text in pages] == [
        (str(number), str(total)) for number in range(1, total + 1)
    ]
    assert not any("could not be turned into PDF" in page or "not printed in the pack" in page for page in pages)
    # The members' pack holds the exempt paper after its cover sheet; the public pack, built with it, does not.
    assert "Provider contract report, its page 1 of 1" in " ".join(pages)
    public = " ".join(" ".join(page.extract_text().split())
                      for page in pypdf.PdfReader(io.BytesIO(report.public_pdf.open("rb").read())).pages)
    assert "Virtual school report, its page 2 of 2" in public and "Provider contract" not in public


def test_the_public_pack_leaves_out_the_exempt_item_the_members_pack_marks_and_holds(
    agenda, meeting, django_capture_on_commit_callbacks, client
):
    import datetime

    from boards.models import MeetingStatus, MinuteKind, Paper

    # The previous meeting's draft minutes are in both packs, less the exempt item's in the public one.
    earlier = board_services.schedule_meeting(
        board=meeting.board, starts_at=meeting.starts_at - datetime.timedelta(days=60), venue="County Hall",
        status=MeetingStatus.HELD)
    clerk = Paper.objects.first().uploaded_by
    for title, paragraph, text in (("Foster carers' allowances", ExemptParagraph.INDIVIDUAL, "Agreed one carer's allowance."),
                                   ("Sufficiency", None, "Noted the sufficiency statement.")):
        item = board_services.add_agenda_item(meeting=earlier, title=title, exempt_paragraph=paragraph)
        board_services.record_minute(agenda_item=item, kind=MinuteKind.MINUTE, text=text, recorded_by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    report.refresh_from_db()

    def text(field_file):
        reader = pypdf.PdfReader(io.BytesIO(field_file.open("rb").read()))
        return [" ".join(page.extract_text().split()) for page in reader.pages]

    members, public = text(report.pdf), text(report.public_pdf)
    assert report.page_count == len(members) and report.public_page_count == len(public)
    cover = next(index for index, page in enumerate(members) if page.startswith("Report cover sheet: Provider contract"))
    assert "Exempt: not for publication, under paragraph 3" in members[cover]
    assert "Provider contract report, its page 1 of 1" in members[cover + 1]
    assert "Not for publication: contains exempt information" in members[0]
    assert not any(words in page for page in public for words in ("Provider contract", "A provider", "Exempt paper."))
    assert "Public: open to anyone" in public[0] and "Exempt item" in " ".join(public)
    assert "Noted the sufficiency statement." in " ".join(public) and "Noted the sufficiency statement." in " ".join(members)
    assert "Agreed one carer's allowance." in " ".join(members)
    assert not any(words in page for page in public for words in ("carer's allowance", "Foster carers' allowances"))
    # The public site offers the public pack, and only that, once the agenda is public.
    assert client.get(reverse("public:pack", args=[meeting.pk])).status_code == 404  # agenda not yet published
    board_services.publish_agenda(meeting, published_by=Paper.objects.first().uploaded_by)
    response = client.get(reverse("public:pack", args=[meeting.pk]))
    assert b"".join(response.streaming_content) == report.public_pdf.open("rb").read()


def test_a_published_pack_stays_the_same_file_when_the_pledge_and_actions_change(
    meeting, make_user, django_capture_on_commit_callbacks, client
):
    import datetime

    from accounts.models import Role
    from boards import services as board_services
    from boards.models import ActionStatus, PledgeCommitment
    from reports.selectors import visible_reports

    officer = make_user(Role.OFFICER)
    commitment = board_services.save_commitment(
        PledgeCommitment(), number=1, commitment="We will help you find a home you can keep.", owner=officer)
    board_services.add_pledge_update(commitment=commitment, rag="red", note="Not yet.", updated_by=officer)
    earlier = board_services.schedule_meeting(
        board=meeting.board, starts_at=meeting.starts_at - datetime.timedelta(days=60), venue="County Hall")
    action = board_services.create_action(
        meeting=earlier, description="Find five more supported lodgings", owner=officer,
        due_on=meeting.date + datetime.timedelta(days=30))
    board_services.add_agenda_item(meeting=meeting, title="Housing", report_author=officer)
    board_services.publish_agenda(meeting, published_by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        published = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    published.refresh_from_db()
    files = {"members": published.pdf.open("rb").read(), "public": published.public_pdf.open("rb").read()}
    assert "Red: not on track" in _all_text(files["public"]) and "Find five more supported lodgings" in _all_text(files["public"])

    board_services.add_pledge_update(commitment=commitment, rag="green", note="Kept.", updated_by=officer)
    board_services.add_action_update(action, updated_by=officer, note="Done.", status=ActionStatus.DONE)
    published.refresh_from_db()
    assert published.pdf.open("rb").read() == files["members"]
    assert published.public_pdf.open("rb").read() == files["public"]
    assert b"".join(client.get(reverse("public:pack", args=[meeting.pk])).streaming_content) == files["public"]

    # A later build is a new version; the published one is kept, marked superseded.
    with django_capture_on_commit_callbacks(execute=True):
        later = services.request_report(ReportType.BOARD_PACK, meeting=meeting).report
    later.refresh_from_db()
    assert later.version == published.version + 1
    later_text = _all_text(later.public_pdf.open("rb").read())
    assert "Green: on track or kept" in later_text and "Find five more supported lodgings" not in later_text
    assert f"This is version {later.version}: it replaces the earlier versions of this pack" in later_text
    assert visible_reports(officer).get(pk=published.pk).superseded
    assert published.pdf.open("rb").read() == files["members"]


def _all_text(pdf):
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_pack_built_after_its_meeting_holds_what_stood_when_the_meeting_began(meeting, make_user):
    """
    The pack for a meeting that has begun, built later, is dated to the meeting's start: ratings, actions and
    papers recorded since are not in it, and an action changed since shows its status and due date of then.
    """
    import datetime

    from django.utils import timezone
    from django.utils.html import strip_tags

    from accounts.models import Role
    from boards.models import ActionItem, ActionStatus, Meeting, Paper, PledgeCommitment, PledgeUpdate

    officer = make_user(Role.OFFICER)
    began = timezone.now() - datetime.timedelta(days=3)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=began)
    meeting.refresh_from_db()
    before = began - datetime.timedelta(days=5)
    commitment = board_services.save_commitment(
        PledgeCommitment(), number=1, commitment="We will help you find a home you can keep.", owner=officer)
    board_services.add_pledge_update(commitment=commitment, rag="red", note="Not yet.", updated_by=officer)
    PledgeUpdate.objects.update(created_at=before, updated_on=before.date())
    board_services.add_pledge_update(commitment=commitment, rag="green", note="Kept.", updated_by=officer)
    earlier = board_services.schedule_meeting(
        board=meeting.board, starts_at=began - datetime.timedelta(days=60), venue="County Hall")
    due = meeting.date + datetime.timedelta(days=30)
    action = board_services.create_action(
        meeting=earlier, description="Find five more supported lodgings", owner=officer, due_on=due, created_at=before)
    board_services.change_action(action, updated_by=officer, note="Moved.", due_on=due + datetime.timedelta(days=7))
    board_services.add_action_update(action, updated_by=officer, note="Done.", status=ActionStatus.DONE)
    board_services.create_action(meeting=meeting, description="Agreed at the meeting", owner=officer, due_on=due)
    assert ActionItem.objects.get(pk=action.pk).status == ActionStatus.DONE
    item = board_services.add_agenda_item(meeting=meeting, title="Housing", report_author=officer)
    for title in ("Housing report", "Housing report: late addendum"):
        board_services.upload_paper(agenda_item=item, title=title, uploaded_by=officer, published=True,
                                    file=ContentFile(word_document(), name="housing.docx"))
    Paper.objects.filter(title="Housing report").update(published_at=before)

    report = services.request_report(ReportType.BOARD_PACK, meeting=meeting, queue=False).report
    text = " ".join(strip_tags(services.render_html(report)).split())
    assert f"as they stood at {timezone.localtime(began):%H:%M on %-d %B %Y}, when the meeting began" in text
    assert "Red: not on track" in text and "Green: on track" not in text
    # The action stood open, due on its first date, and nothing agreed at the meeting had been recorded yet.
    assert f"Find five more supported lodgings {officer} {due:%-d %b %Y} Open" in text
    assert "Agreed at the meeting" not in text
    assert "Housing report" in text and "late addendum" not in text
