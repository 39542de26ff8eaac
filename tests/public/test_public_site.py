"""
The public site, read as a member of the public (no sign-in): a crawl from its index following every link
finds every page answering, and nothing exempt, draft, unpublished or child-level on any of them.
"""
import datetime
import html
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards import services
from boards.models import Board, BoardRole, ExemptParagraph, ForwardPlanItem, MeetingStatus, MinuteKind, Theme
from children.models import Child

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHILD_ID = "C7730195"
YOUNG_PERSON_NAME = "Jordan Fairweather"
# Nothing of these may appear anywhere on the public site.
WITHHELD = {
    "exempt item title": "Placement breakdown review",
    "exempt item summary": f"Concerns about child {CHILD_ID}",
    "exempt paper title": "Commissioning costs of one provider",
    "exempt decision": "RESOLVED to end the contract with the provider",
    "exempt forward plan topic": "Provider contract renewal",
    "draft minutes": "The board discussed missing episodes at length",
    "child identifier": CHILD_ID,
    "unpublished paper title": "Draft sufficiency statement",
    "paper of an agenda not yet published": "Early look at next quarter",
    "young people's representative's name": YOUNG_PERSON_NAME,
}
# And these must, or the crawl proves nothing.
SHOWN = {
    "public paper title": "Performance report",
    "approved minutes": "The board noted the rise in children entering care",
    "decision": "RESOLVED to ask for a report on sufficiency",
    "agenda of a published meeting": "Care leavers' accommodation",
    "forward plan topic": "Housing for care leavers",
    "chair's name": "Amara Okafor",
}


def at(day, hour=14):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def public_site(db, make_user):
    today = timezone.localdate()
    clerk = make_user(Role.CLERK)
    officer = make_user(Role.OFFICER)
    board = Board.objects.create(name="Test Corporate Parenting Board", terms_of_reference="To scrutinise.", quorum=2)
    Child.objects.create(child_id=CHILD_ID, sex="F", date_of_birth=datetime.date(2012, 3, 4), ethnicity="WBRI")
    since = today - datetime.timedelta(days=400)
    services.add_member(board=board, user=make_user(Role.COUNCILLOR, first_name="Amara", last_name="Okafor"),
                        role=BoardRole.CHAIR, start_date=since)
    services.add_member(board=board, user=make_user(Role.YOUNG_PERSON, first_name="Jordan", last_name="Fairweather"),
                        role=BoardRole.YOUNG_PERSON, voting=False, start_date=since)

    first = services.schedule_meeting(board=board, starts_at=at(today - datetime.timedelta(days=120)),
                                      venue="County Hall", status=MeetingStatus.HELD)
    report = services.add_agenda_item(meeting=first, title="Children entering care", report_author=officer)
    services.upload_paper(agenda_item=report, title=SHOWN["public paper title"], uploaded_by=officer, published=True,
                          file=ContentFile(PDF, name="performance.pdf"))
    services.upload_paper(agenda_item=report, title=WITHHELD["unpublished paper title"], uploaded_by=officer,
                          file=ContentFile(PDF, name="draft.pdf"))
    services.record_minute(agenda_item=report, kind=MinuteKind.MINUTE, text=SHOWN["approved minutes"], recorded_by=clerk)
    services.record_minute(agenda_item=report, kind=MinuteKind.DECISION, text=SHOWN["decision"], recorded_by=clerk)
    planned_topic = ForwardPlanItem.objects.create(
        board=board, theme=Theme.OTHER, topic=WITHHELD["exempt forward plan topic"], partner_asked="Commissioning")
    exempt = services.add_agenda_item(
        meeting=first, title=WITHHELD["exempt item title"], summary=WITHHELD["exempt item summary"],
        exempt_paragraph=ExemptParagraph.FINANCIAL, forward_plan_item=planned_topic,
    )
    services.upload_paper(agenda_item=exempt, title=WITHHELD["exempt paper title"], uploaded_by=officer,
                          published=True, file=ContentFile(PDF, name="exempt.pdf"))
    services.record_minute(agenda_item=exempt, kind=MinuteKind.DECISION, text=WITHHELD["exempt decision"],
                           recorded_by=clerk)

    second = services.schedule_meeting(board=board, starts_at=at(today - datetime.timedelta(days=60)),
                                       venue="County Hall", status=MeetingStatus.HELD)
    services.approve_minutes(second, approved_by=clerk, today=second.date)
    missing = services.add_agenda_item(meeting=second, title="Missing from care", report_author=officer)
    services.record_minute(agenda_item=missing, kind=MinuteKind.MINUTE, text=WITHHELD["draft minutes"], recorded_by=clerk)

    published = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=10)),
                                          venue="County Hall")
    services.add_agenda_item(meeting=published, title=SHOWN["agenda of a published meeting"], report_author=officer)
    services.publish_agenda(published, published_by=clerk)
    later = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=70)), venue="County Hall")
    early = services.add_agenda_item(meeting=later, title="Quarterly performance", report_author=officer)
    services.upload_paper(agenda_item=early, title=WITHHELD["paper of an agenda not yet published"],
                          uploaded_by=officer, published=True, file=ContentFile(PDF, name="early.pdf"))
    planned_topic.planned_meeting = later
    planned_topic.save()
    ForwardPlanItem.objects.create(board=board, theme=Theme.HOUSING, topic=SHOWN["forward plan topic"],
                                   partner_asked="Housing options", planned_meeting=later)
    return board


LINK = re.compile(r'href="([^"#]*)(?:#[^"]*)?"|^URL:(\S+)', re.MULTILINE)
PAGE_TYPES = ("text/html", "application/atom+xml", "text/calendar", "application/pdf")


def crawl(client, start):
    """Every page reached from ``start`` through links within the public site: {path: response}; and the links leaving it."""
    seen, leaving, queue = {}, set(), [start]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.get("Content-Type", "").startswith("application/pdf"):
            continue
        for match in LINK.finditer(response.content.decode()):
            target = urlsplit((match.group(1) or match.group(2) or "").replace("&amp;", "&"))
            if not target.path:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            (queue.append(link) if link.startswith("/public/") else leaving.add(target.path))
    return seen, leaving


def test_crawling_the_public_site_finds_every_page_and_nothing_withheld(public_site):
    pages, leaving = crawl(Client(), reverse("public:index"))

    wrong = {path: r.status_code for path, r in pages.items() if r.status_code != 200}
    assert not wrong, f"Public pages that did not answer 200: {wrong}"
    kinds = {path: r["Content-Type"] for path, r in pages.items()}
    assert all(kind.startswith(PAGE_TYPES) for kind in kinds.values()), kinds
    assert {kind.split(";")[0] for kind in kinds.values()} == set(PAGE_TYPES), "the crawl missed a kind of page"
    text = html.unescape("\n".join(
        b"".join(r.streaming_content).decode("latin-1") if r.streaming else r.content.decode() for r in pages.values()
    ))
    found = [what for what, words in WITHHELD.items() if words in text]
    assert not found, f"The public site shows what it must not: {found}"
    missing = [what for what, words in SHOWN.items() if words not in text]
    assert not missing, f"The public site should show: {missing}"
    # The only ways out are signing in and the page furniture.
    static = reverse("login"), "/static/"
    assert all(path.startswith(static) for path in leaving), leaving


def test_each_public_url_answers_anonymous_visitors(public_site):
    client = Client()
    meeting = public_site.meetings.order_by("starts_at").first()
    for name, args in [("public:index", []), ("public:board", [public_site.pk]), ("public:members", [public_site.pk]),
                       ("public:forward_plan", [public_site.pk]), ("public:decisions", [public_site.pk]),
                       ("public:meeting", [meeting.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_withheld_papers_are_not_found_even_by_their_address(public_site):
    from boards.models import Paper

    client = Client()
    for title in (WITHHELD["exempt paper title"], WITHHELD["unpublished paper title"],
                  WITHHELD["paper of an agenda not yet published"]):
        paper = Paper.objects.get(title=title)
        response = client.get(reverse("public:paper", args=[paper.agenda_item.meeting_id, paper.pk]))
        assert response.status_code == 404, title


def test_the_calendar_holds_every_meeting_with_its_public_page(public_site):
    response = Client().get(reverse("public:calendar", args=[public_site.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    meetings = list(public_site.meetings.order_by("starts_at"))
    assert [event.decoded("dtstart") for event in sorted(events, key=lambda e: e.decoded("dtstart"))] == [
        meeting.starts_at for meeting in meetings
    ]
    assert {str(event["url"]) for event in events} == {
        "http://testserver" + reverse("public:meeting", args=[meeting.pk]) for meeting in meetings
    }
    assert len({str(event["uid"]) for event in events}) == len(meetings)


def test_the_feed_lists_public_papers_and_approved_minutes_only(public_site):
    response = Client().get(reverse("public:feed", args=[public_site.pk]))
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = re.findall(r"<entry><title>([^<]*)</title>", response.content.decode())
    first = public_site.meetings.order_by("starts_at").first()
    assert sorted(titles) == sorted([
        f"Minutes of the meeting of {first.date:%-d %B %Y}",
        f"{SHOWN['public paper title']} (Children entering care, meeting of {first.date:%-d %B %Y})",
    ])


def test_the_sign_in_page_links_the_public_site(db):
    assert reverse("public:index").encode() in Client().get(reverse("login")).content
