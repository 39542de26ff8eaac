"""
What the public may read about the board, without signing in: the rules of publication in one place.

- A meeting's agenda is public once the clerk has published it, or once the meeting has been held.
- An exempt item (Schedule 12A) shows as "Exempt item" with its paragraph only: never its title, summary,
  papers, minutes, decisions or forward plan topic.
- A paper is public when it is published, its item is not exempt and its meeting's agenda is public.
- The board pack's public version (without exempt items) is public with the agenda: its latest ready version.
- Minutes are public once the board has approved them as a correct record; draft minutes never are.
- Members are named, except young people's representatives: naming them would say that they are or were in
  care, so the public sees their seat only.

Every function returns plain records built from these rules, so a template cannot show what a rule withholds.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from boards import selectors as board_selectors
from reports.models import Report, ReportStatus, ReportType
from boards.models import (
    AgendaItem,
    Board,
    BoardRole,
    ForwardPlanItem,
    Meeting,
    MeetingStatus,
    Minute,
    MinuteKind,
    Paper,
)

# The record holds when a meeting starts, not when it ends; the calendar shows it this long.
MEETING_LENGTH = datetime.timedelta(hours=2)


def board_list():
    return Board.objects.order_by("name")


def agenda_is_public(meeting):
    return meeting.agenda_published_at is not None or meeting.status == MeetingStatus.HELD


def public_meeting_q(prefix=""):
    """``agenda_is_public`` as a filter (prefix for lookups through a relation)."""
    return Q(**{f"{prefix}agenda_published_at__isnull": False}) | Q(**{f"{prefix}status": MeetingStatus.HELD})


def meetings(board):
    """Every meeting of the board (cancelled ones too, so the public knows), soonest last."""
    return board.meetings.order_by("starts_at")


def meeting_calendar(board, now=None):
    """``{"upcoming": [...], "past": [...]}``: meetings still to start (soonest first) and held ones (latest first)."""
    now = now or timezone.now()
    return {
        "upcoming": list(meetings(board).filter(starts_at__gte=now)),
        "past": list(meetings(board).filter(starts_at__lt=now).order_by("-starts_at")),
    }


@dataclass
class PublicItem:
    number: int
    title: str
    summary: str = ""
    exempt_paragraph: int | None = None
    papers: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    figures_revisited: list = field(default_factory=list)  # a decision revisited (boards.selectors.FigureRevisited)

    @property
    def is_exempt(self):
        return self.exempt_paragraph is not None


def public_agenda(meeting):
    """
    The meeting's agenda as the public sees it (empty until it is public), numbered in order of business, each
    item with its public papers and, once approved, its minutes. An exempt item keeps its number only.
    """
    if not agenda_is_public(meeting):
        return []
    minutes_public = meeting.minutes_approved
    items = []
    for number, item in enumerate(board_selectors.agenda(meeting, include_unpublished=False), start=1):
        if item.is_exempt:
            items.append(PublicItem(number=number, title="Exempt item", exempt_paragraph=item.exempt_paragraph))
            continue
        items.append(PublicItem(
            number=number, title=item.title, summary=item.summary, papers=list(item.papers.all()),
            minutes=list(item.minutes.all()) if minutes_public else [],
            figures_revisited=getattr(item, "figures_revisited", []),
        ))
    return items


def public_papers():
    """Every paper the public may download, with its meeting, newest first."""
    return (
        Paper.objects.filter(published=True, agenda_item__exempt_paragraph__isnull=True)
        .filter(public_meeting_q("agenda_item__meeting__"))
        .select_related("agenda_item__meeting__board")
        .order_by("-published_at", "-id")
    )


def representative_papers():
    """
    Papers a young people's representative on the board may download: the public ones and, as soon as they are
    published, those marked for young people's representatives; never an exempt item's.
    """
    return (
        Paper.objects.filter(published=True, agenda_item__exempt_paragraph__isnull=True)
        .filter(public_meeting_q("agenda_item__meeting__") | Q(for_young_people=True))
        .select_related("agenda_item__meeting__board")
        .order_by("agenda_item__order", "id")
    )


def for_representative(meeting):
    """A meeting as a young people's representative on its board sees it: the public part, and their papers."""
    return {
        "agenda_is_public": agenda_is_public(meeting),
        "items": public_agenda(meeting),
        "papers_for_them": list(representative_papers().filter(agenda_item__meeting=meeting, for_young_people=True)),
    }


def paper_get(*, meeting, paper_pk):
    """One public paper of the meeting, or None."""
    return public_papers().filter(agenda_item__meeting=meeting, pk=paper_pk).first()


def public_pack(meeting):
    """The current public board pack of the meeting (its latest ready version), once its agenda is public."""
    if not agenda_is_public(meeting):
        return None
    return (
        Report.objects.filter(kind=ReportType.BOARD_PACK, meeting=meeting, status=ReportStatus.READY)
        .exclude(public_pdf="").order_by("-version").first()
    )


def approved_minutes(board=None):
    """Meetings whose minutes the board has approved, latest first."""
    found = Meeting.objects.filter(minutes_approved_on__isnull=False).select_related("board")
    if board is not None:
        found = found.filter(board=board)
    return found.order_by("-starts_at")


def decisions(board):
    """
    The board's decisions and recommendations from approved minutes, outside exempt items, latest meeting
    first, with each recommendation's response when it has come.
    """
    return (
        Minute.objects.filter(
            kind__in=(MinuteKind.DECISION, MinuteKind.RECOMMENDATION),
            agenda_item__meeting__board=board,
            agenda_item__meeting__minutes_approved_on__isnull=False,
            agenda_item__exempt_paragraph__isnull=True,
        )
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "number", "id")
    )


def forward_plan(board, now=None):
    """Topics planned for the board's meetings still to come (or not yet placed); none reported in private."""
    now = now or timezone.now()
    exempt_items = AgendaItem.objects.filter(exempt_paragraph__isnull=False, forward_plan_item__isnull=False)
    return (
        ForwardPlanItem.objects.filter(board=board)
        .filter(Q(planned_meeting__isnull=True) | Q(planned_meeting__starts_at__gte=now))
        .exclude(pk__in=exempt_items.values("forward_plan_item"))
        .select_related("planned_meeting")
        .order_by("planned_meeting__starts_at", "theme", "topic")
    )


@dataclass(frozen=True)
class PublicMember:
    name: str
    role: str


def membership(board, today=None):
    """The board's current members in its own order; young people's representatives by their seat only."""
    return [
        PublicMember(
            name="Young people's representative (not named, to protect their privacy)"
            if seat.role == BoardRole.YOUNG_PERSON else seat.user.get_full_name() or seat.get_role_display(),
            role=seat.get_role_display(),
        )
        for seat in board_selectors.current_memberships(board, today)
    ]
