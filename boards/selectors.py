"""
Reading the board's business. Every function here runs a fixed number of queries whatever the data size, so
dashboards, board packs and pages can call them freely.

Who may see what:
- officers, the clerk (administrator) and the chief executive see every board;
- councillors see the boards they are current members of;
- young people's representatives see the Care Pledge and published "you said, we did" responses only.
"""
import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from core import collection_year, permissions, stamps, suppression
from core.months import months_after
from measures import figures as measure_figures
from measures.registry import HIGHER

from .models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Board,
    BoardRole,
    ChildrensView,
    DecisionFigure,
    ForwardPlanItem,
    Meeting,
    MeetingStatus,
    Membership,
    Minute,
    MinuteCorrection,
    MinuteKind,
    Paper,
    PledgeCommitment,
    PledgeUpdate,
    Rag,
    RegisteredInterest,
    ViewSource,
)



def _today(today=None):
    return today or timezone.localdate()


def sees_unpublished_papers(user):
    return permissions.sees_unpublished_papers(user)


# --- Boards and members --------------------------------------------------------------------------------


def role_order(prefix=""):
    """Members in the board's own order: chair, vice-chair, councillors, partners, officers, young people, others."""
    return Case(
        *(When(**{f"{prefix}role": role}, then=Value(position)) for position, role in enumerate(BoardRole.values)),
        default=Value(len(BoardRole.values)),
        output_field=IntegerField(),
    )


def boards_for(user, today=None):
    """The boards a person may read: all for officers, the clerk and the chief executive; their own for members."""
    if not user.is_authenticated:
        return Board.objects.none()
    if permissions.sees_all_boards(user):
        return Board.objects.all()
    if user.role in (Role.COUNCILLOR, Role.PARTNER):
        today = _today(today)
        return Board.objects.filter(
            id__in=Membership.objects.filter(Membership.current_q(today), user=user).values("board_id")
        )
    return Board.objects.none()


def board_members(board, today=None):
    """Current and past members, current first; ``is_current`` is annotated."""
    today = _today(today)
    return (
        board.memberships.select_related("user")
        .annotate(
            is_current=ExpressionWrapper(Membership.current_q(today), output_field=BooleanField())
        )
        .order_by("-is_current", role_order(), "user__last_name", "user__first_name")
    )


def current_memberships(board, today=None):
    return (
        board.memberships.filter(Membership.current_q(_today(today)))
        .select_related("user")
        .order_by(role_order(), "user__last_name", "user__first_name")
    )


# --- Meetings ------------------------------------------------------------------------------------------


def meetings_for(user, today=None):
    return Meeting.objects.filter(board__in=boards_for(user, today)).select_related("board")


def representative_meetings(user, today=None):
    """The meetings of the boards a young people's representative sits on now (public part: public.selectors)."""
    today = _today(today)
    return Meeting.objects.filter(
        board_id__in=Membership.objects.filter(Membership.current_q(today), user=user).values("board_id")
    ).select_related("board")


def views_sent_by(user):
    """The views a young people's representative sent, with the board's answer once it is shown to young people."""
    return (
        ChildrensView.objects.filter(recorded_by=user, source=ViewSource.REPRESENTATIVE)
        .select_related("commitment", "response")
        .order_by("-heard_on", "-id")
    )


def upcoming_meetings(user, now=None):
    now = now or timezone.now()
    return meetings_for(user).filter(starts_at__gte=now).order_by("starts_at")


def past_meetings(user, now=None):
    now = now or timezone.now()
    return meetings_for(user).filter(starts_at__lt=now).order_by("-starts_at")


@dataclass(frozen=True)
class QuorumResult:
    present_voting: int
    quorum: int
    recorded: bool  # whether any attendance has been recorded

    @property
    def is_quorate(self):
        return self.present_voting >= self.quorum

    def __str__(self):
        if not self.recorded:
            return "Attendance not recorded"
        verdict = "Quorate" if self.is_quorate else "Not quorate"
        return f"{verdict}: {self.present_voting} voting members present, quorum {self.quorum}"


def counts_towards_quorum(prefix=""):
    """
    The one rule for the quorum, as a filter on attendance rows: a voting member present, or (where the board's
    terms of reference allow substitutes) a named substitute attending for a voting member who sent apologies.
    """
    voting = Q(**{f"{prefix}membership__voting": True})
    present = Q(**{f"{prefix}status": AttendanceStatus.PRESENT})
    substituted = (
        Q(**{f"{prefix}status": AttendanceStatus.APOLOGIES})
        & ~Q(**{f"{prefix}substitute": ""})
        & Q(**{f"{prefix}meeting__board__substitutes_count_towards_quorum": True})
    )
    return voting & (present | substituted)


def quorum_check(meeting):
    """Voting members present (and substitutes, where they count) against the board's quorum (one query)."""
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        recorded=Count("id"), present_voting=Count("id", filter=counts_towards_quorum())
    )
    return QuorumResult(
        present_voting=counts["present_voting"], quorum=meeting.board.quorum, recorded=bool(counts["recorded"])
    )


def _is_quorate():
    """On meetings annotated with ``present_voting``: enough voting members were present."""
    return Q(present_voting__gte=F("board__quorum"))


def with_quorum(meetings):
    """
    Meetings annotated with ``present_voting`` (those counting towards the quorum: ``counts_towards_quorum``),
    ``present`` (everyone recorded present, voting or not) and ``quorate``.
    """
    return meetings.annotate(
        present_voting=Count("attendance", filter=counts_towards_quorum("attendance__")),
        present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
    ).annotate(quorate=ExpressionWrapper(_is_quorate(), output_field=BooleanField()))


def _papers_prefetch(include_unpublished, to_attr=None):
    papers = Paper.objects.order_by("title")
    if not include_unpublished:
        papers = papers.filter(published=True)
    return Prefetch("papers", queryset=papers, to_attr=to_attr)


def agenda(meeting, *, include_unpublished=False):
    """
    Agenda items in order, with report authors, papers (published only unless asked), minutes, carried actions,
    and on the action log item, ``completed_actions`` (done since the last meeting).
    """
    from indicators.models import Evaluation, EvaluationStatus

    approved = Evaluation.objects.filter(status=EvaluationStatus.APPROVED, cycle_id=OuterRef("cycle_id"))
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("report_author", "cycle", "revisits__agenda_item__meeting")
        .annotate(cycle_has_approved=Exists(approved))
        .prefetch_related(
            _papers_prefetch(include_unpublished),
            Prefetch(
                "minutes",
                queryset=Minute.objects.order_by("number", "recorded_at", "id").prefetch_related(
                    Prefetch("corrections", queryset=MinuteCorrection.objects.select_related("corrected_by")),
                    "figures",
                ),
            ),
            Prefetch("revisits__figures", queryset=DecisionFigure.objects.order_by("id")),
            Prefetch(
                "carried_actions",
                queryset=ActionItem.objects.select_related("owner", "meeting").order_by("due_on", "id"),
            ),
        )
        .order_by("order", "id")
    )
    for item in items:
        if item.cycle is not None:
            item.cycle.has_approved_evaluations = item.cycle_has_approved  # for permissions.may_see_cycle
        if item.kind == AgendaItemKind.ACTION_LOG:
            item.completed_actions = list(completed_since_last_meeting(meeting))
    _attach_figures_revisited([item for item in items if item.revisits_id])
    return items


# --- Decisions revisited ---------------------------------------------------------------------------------


def revisit_meeting(meetings, decided_on, months):
    """
    Where the board looks again at a decision made on ``decided_on``, ``months`` months on: the first of
    ``meetings`` (the board's, in date order) not cancelled whose day is on or after the same day ``months``
    months later (``core.months``: six months after 31 August is the last day of February); None while the
    board has no such meeting.
    """
    due = months_after(decided_on, months)
    return next(
        (meeting for meeting in meetings if meeting.status != MeetingStatus.CANCELLED and meeting.date >= due), None
    )


@dataclass(frozen=True)
class FigureRevisited:
    """A measure a decision meant to move: its figure published on the day of the decision beside today's."""

    then: DecisionFigure
    now: object  # core.suppression.Shown
    now_year: int | None

    @property
    def measure(self):
        return self.then.measure_detail

    @property
    def now_year_label(self):
        return collection_year.label(self.now_year) if self.now_year else ""

    @property
    def change(self):
        """How far the published figure has moved, and whether for the better; "" when either is not published."""
        before, after = self.then.shown.number, self.now.number
        if before is None or after is None or self.measure is None:
            return ""
        if after == before:
            return "No change"
        moved = measure_figures.format_gap(self.measure, after - before)
        if self.measure.better is None:
            return moved
        return f"{moved} ({'better' if (after > before) == (self.measure.better == HIGHER) else 'worse'})"


def _attach_figures_revisited(items):
    """On each item revisiting a decision, ``figures_revisited``: [FigureRevisited] with today's published figures."""
    identifiers = {figure.measure for item in items for figure in item.revisits.figures.all()}
    year, today = measure_figures.published_figures(sorted(identifiers)) if identifiers else (None, {})
    for item in items:
        item.figures_revisited = [
            FigureRevisited(then=figure, now=today.get(figure.measure, suppression.MISSING), now_year=year)
            for figure in item.revisits.figures.all()
        ]


def _previous(meeting):
    return (
        Meeting.objects.filter(board_id=meeting.board_id, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
    )


def previous_meeting(meeting):
    """The board's last meeting before this one (not counting cancelled ones), or None."""
    return _previous(meeting).select_related("board").first()


def completed_since_last_meeting(meeting):
    """
    The board's actions marked done after its last meeting before this one and by this one's start: the action
    log reports each once, as completed. ``done_at`` is annotated.
    """
    previous = _previous(meeting).values("starts_at")[:1]
    actions = ActionItem.objects.filter(meeting__board_id=meeting.board_id, status=ActionStatus.DONE).annotate(
        done_at=Max("updates__updated_at", filter=Q(updates__status=ActionStatus.DONE))
    )
    return (
        actions.filter(done_at__lte=meeting.starts_at)
        .filter(Q(done_at__gt=Subquery(previous)) | ~Exists(previous))
        .select_related("owner", "meeting")
        .order_by("done_at", "id")
    )


def attendance_for(meeting):
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__user")
        .order_by(role_order("membership__"), "membership__user__last_name")
    )


def with_overdue(actions, today=None):
    """Annotate ``is_overdue``: still open and past its due date."""
    today = _today(today)
    return actions.annotate(
        is_overdue=ExpressionWrapper(
            Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today), output_field=BooleanField()
        )
    )


def actions_arising(meeting, today=None):
    return list(
        with_overdue(meeting.actions.select_related("owner", "agenda_item"), today).order_by("due_on", "id")
    )


def _forward_plan(meeting):
    topics = list(
        meeting.forward_plan_items.select_related("lead")
        .annotate(on_agenda=Exists(AgendaItem.objects.filter(forward_plan_item=OuterRef("pk"))))
        .order_by("theme", "topic")
    )
    return {"items": topics, "not_on_agenda": [topic for topic in topics if not topic.on_agenda]}


def meeting_detail(meeting, user, today=None):
    """
    Everything on the meeting page, in a fixed number of queries, each asked only if the template uses it:
    the page keeps its HTML under ``page_version`` (the boards' change stamp, the measures' (an item revisiting
    a decision shows today's published figures), the date, the meeting and the person's role, which decides
    everything they may see and do on it), so a usual request asks none of them.
    """
    today = _today(today)
    forward_plan = stamps.later(_forward_plan, meeting)
    return {
        "meeting": meeting,
        "page_version": stamps.page_version(today, meeting.pk, user.role, names=(stamps.DASHBOARDS, stamps.MEASURES)),
        "agenda_items": stamps.later(agenda, meeting, include_unpublished=sees_unpublished_papers(user)),
        "attendance": stamps.later(attendance_for, meeting),
        "quorum": stamps.later(quorum_check, meeting),
        "actions": stamps.later(actions_arising, meeting, today),
        "forward_plan_items": stamps.later(lambda: forward_plan["items"]),
        "topics_not_on_agenda": stamps.later(lambda: forward_plan["not_on_agenda"]),
        "previous_meeting": stamps.later(previous_meeting, meeting),
        "declarations": stamps.later(declarations_for, meeting),
    }


def next_meeting(user, today=None):
    """
    The next scheduled meeting the person may see, from today on (on the day, that day's meeting, with its
    papers to hand), or None; agenda items (``agenda_items_in_order``) and published papers
    (``published_papers`` on each item) prefetched.
    """
    return (
        meetings_for(user)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__date__gte=_today(today))
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("report_author")
                .prefetch_related(_papers_prefetch(False, to_attr="published_papers"))
                .order_by("order", "id"),
                to_attr="agenda_items_in_order",
            )
        )
        .order_by("starts_at")
        .first()
    )


def overdue_actions_before(meeting):
    """Open actions of the meeting's board, from earlier meetings, due before this meeting's date."""
    return ActionItem.objects.filter(
        meeting__board_id=meeting.board_id,
        meeting__starts_at__lt=meeting.starts_at,
        status__in=OPEN_ACTION_STATUSES,
        due_on__lt=meeting.date,
    )


# --- Action log ----------------------------------------------------------------------------------------


def actions_for_owner(user, today=None):
    """The person's open actions, soonest due first, annotated ``is_overdue``."""
    return with_overdue(
        ActionItem.objects.filter(owner=user, status__in=OPEN_ACTION_STATUSES).select_related("meeting__board"),
        today,
    ).order_by("due_on", "id")


def action_log(user, *, status=None, owner=None, overdue_only=False, today=None):
    """Actions on the boards the person may see, filtered; overdue first then by due date."""
    today = _today(today)
    actions = with_overdue(
        ActionItem.objects.filter(meeting__board__in=boards_for(user, today)).select_related(
            "owner", "meeting__board", "agenda_item"
        ),
        today,
    )
    if status == "outstanding":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    elif status:
        actions = actions.filter(status=status)
    if owner:
        actions = actions.filter(owner=owner)
    if overdue_only:
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
    return actions.order_by("-is_overdue", "due_on", "id")


def action_owners(user):
    from accounts.models import User

    return User.objects.filter(board_actions__meeting__board__in=boards_for(user)).distinct().order_by(
        "last_name", "first_name"
    )


# --- Forward work programme ----------------------------------------------------------------------------


def forward_plan(user, now=None):
    """Topics planned for meetings still to come (or not yet placed), in meeting order."""
    now = now or timezone.now()
    return (
        ForwardPlanItem.objects.filter(board__in=boards_for(user))
        .filter(Q(planned_meeting__isnull=True) | Q(planned_meeting__starts_at__gte=now))
        .select_related("board", "planned_meeting", "lead")
        .order_by(F("planned_meeting__starts_at").asc(nulls_last=True), "theme", "topic")
    )


# --- Care Pledge ---------------------------------------------------------------------------------------


def _latest_update(field, as_at=None):
    updates = PledgeUpdate.objects.filter(commitment=OuterRef("pk"))
    if as_at is not None:
        updates = updates.filter(created_at__lte=as_at)
    return Subquery(updates.order_by("-updated_on", "-created_at", "-id").values(field)[:1])


def commitments_with_latest(active_only=True, as_at=None):
    """Commitments with their latest rating; ``as_at``: the latest recorded by then (a board pack's date)."""
    commitments = PledgeCommitment.objects.select_related("owner").annotate(
        latest_rag=_latest_update("rag", as_at),
        latest_update_on=_latest_update("updated_on", as_at),
        latest_note=_latest_update("note", as_at),
    )
    if active_only:
        commitments = commitments.filter(active=True)
    return commitments.order_by("number")


def pledge_progress(as_at=None):
    """
    Each active commitment with its latest RAG rating, date and note (None when never rated); one query.
    ``as_at``: the latest rating recorded by then.
    """
    return [
        {
            "commitment": commitment,
            "latest_rag": commitment.latest_rag,
            "latest_update_on": commitment.latest_update_on,
            "latest_note": commitment.latest_note,
        }
        for commitment in commitments_with_latest(as_at=as_at)
    ]


def commitments_owned_by(user):
    """The active Care Pledge promises a person owns, with their latest rating (``commitments_with_latest``)."""
    return commitments_with_latest().filter(owner=user)


def retired_commitments():
    """Promises no longer in the published Care Pledge (officers keep their history)."""
    return PledgeCommitment.objects.filter(active=False).order_by("number")


def pledge_with_history(include_retired=False):
    """Commitments with the latest rating annotated and every update prefetched (newest first)."""
    return commitments_with_latest(active_only=not include_retired).prefetch_related(
        Prefetch("updates", queryset=PledgeUpdate.objects.select_related("updated_by"))
    )


def rag_counts(progress):
    """How many commitments are red, amber, green and not yet rated ("unrated"), from ``pledge_progress()``."""
    counts = {rag.value: 0 for rag in Rag}
    counts["unrated"] = 0
    for row in progress:
        counts[row["latest_rag"] or "unrated"] += 1
    return counts


def pledge_rag_counts():
    return rag_counts(pledge_progress())


# --- You said, we did ----------------------------------------------------------------------------------


def feedback_for(user):
    """Children's views with the board's response. Young people and members see published responses only."""
    views = ChildrensView.objects.select_related("commitment", "response", "response__responded_by").order_by(
        "-heard_on", "-id"
    )
    if not permissions.may_keep_pledge(user):
        views = views.filter(response__published=True)
    return views


def childrens_voice(starts_on, ends_on):
    """
    Children's say between two dates (inclusive), in one query: views heard, how many the board has answered
    ("we did", whenever it answered), and how many of those answers are published to young people. Counts of
    views, not of children: no child can be told from them.
    """
    return ChildrensView.objects.filter(heard_on__gte=starts_on, heard_on__lte=ends_on).aggregate(
        heard=Count("id"),
        answered=Count("id", filter=Q(response__isnull=False)),
        published=Count("id", filter=Q(response__published=True)),
    )


# --- For dashboards and reports ------------------------------------------------------------------------


def governance_summary(today=None):
    """Figures on how the board is run, for the chief executive's dashboard and the annual report."""
    today = _today(today)
    year_ago = today - datetime.timedelta(days=365)
    held = with_quorum(
        Meeting.objects.filter(status=MeetingStatus.HELD, starts_at__date__gt=year_ago, starts_at__date__lte=today)
    )
    figures = held.aggregate(meetings=Count("id"), quorate=Count("id", filter=_is_quorate()))
    return {
        "meetings_held_last_12_months": figures["meetings"],
        "quorate_meetings_last_12_months": figures["quorate"],
        "next_meeting": Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__date__gte=today)
        .select_related("board")
        .order_by("starts_at")
        .first(),
        "overdue_actions": ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today).count(),
        "pledge_rag_counts": pledge_rag_counts(),
    }


def meeting_pack(meeting, today=None, *, include_exempt=False, as_at=None):
    """
    What a board pack needs: the meeting, agenda items in order with authors and published papers
    (``pack_papers``), attendance with the quorum result, the board's open actions (``is_overdue`` as at the
    meeting date unless ``today`` is given), the actions arising, and the Care Pledge progress.

    ``as_at`` is the pack's date (default now): papers published, actions and their updates, and Care Pledge
    ratings as they stood then, nothing recorded later (``actions_as_they_stood``), so a pack built after the
    meeting holds what its members had before them; the previous meeting's minutes as they stood then
    (``minutes_as_they_stood``: the draft the board is asked to approve); the board's clerk on the day.

    The public pack is a published document: exempt items (Schedule 12A) appear only as their number and
    paragraph, and actions arising from exempt items are left out. The members' pack (``include_exempt``)
    holds them, marked not for publication.
    """
    day = today or meeting.date
    as_at = as_at or timezone.now()
    actions = ActionItem.objects.filter(meeting__board_id=meeting.board_id)
    if not include_exempt:
        actions = actions.filter(Q(agenda_item__isnull=True) | Q(agenda_item__exempt_paragraph__isnull=True))
    board_actions = actions_as_they_stood(actions, as_at)
    for action in board_actions:
        action.is_overdue = action.is_open and action.due_on < day
    items = agenda(meeting, include_unpublished=False)
    for item in items:
        item.pack_papers = [
            paper for paper in item.papers.all() if paper.published_at is None or paper.published_at <= as_at
        ]
        if item.kind == AgendaItemKind.ACTION_LOG:
            item.completed_actions = [action for action in item.completed_actions if action.done_at <= as_at]
    return {
        "meeting": meeting,
        "board": meeting.board,
        "include_exempt": include_exempt,
        "as_at": as_at,
        "agenda_items": items,
        "attendance": attendance_for(meeting),
        "quorum": quorum_check(meeting),
        "open_actions": sorted(
            (action for action in board_actions if action.is_open),
            key=lambda action: (not action.is_overdue, action.due_on, action.pk),
        ),
        "actions_arising": sorted(
            (action for action in board_actions if action.meeting_id == meeting.pk),
            key=lambda action: (action.due_on, action.pk),
        ),
        "pledge_progress": pledge_progress(as_at),
        "previous_minutes": minutes_as_they_stood(previous, as_at, include_exempt=include_exempt, approving=meeting)
        if (previous := previous_meeting(meeting)) is not None else None,
        "clerk": board_clerk(meeting.board, day),
    }


def board_clerk(board, today=None):
    """The board's clerk (their membership, with the person) today or on ``today``, or None."""
    return (
        Membership.objects.filter(Membership.current_q(_today(today)), board=board, role=BoardRole.CLERK)
        .select_related("user")
        .order_by("start_date", "id")
        .first()
    )


def minutes_as_they_stood(meeting, as_at, *, include_exempt=False, approving=None):
    """
    The minutes of ``meeting`` as they stood at ``as_at``, for the next meeting's pack: its agenda items in order,
    each with the minutes recorded by then (``minutes_then``) in the words they had then (a correction made
    since is undone), and whether they had been approved by then (``approved``, false if ``approving``, the
    meeting the pack is for, is the one to approve them). Exempt items' minutes are left out unless
    ``include_exempt``: the item is named by its paragraph only. Four queries.
    """
    corrections = Prefetch("corrections", queryset=MinuteCorrection.objects.order_by("corrected_at", "id"))
    minutes = Minute.objects.filter(recorded_at__lte=as_at).order_by("number", "recorded_at", "id")
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("minutes", queryset=minutes.prefetch_related(corrections)))
        .order_by("order", "id")
    )
    for item in items:
        item.minutes_then = []
        if item.is_exempt and not include_exempt:
            continue
        for minute in item.minutes.all():
            since = [correction for correction in minute.corrections.all() if correction.corrected_at > as_at]
            if since:
                minute.text = since[0].previous_text
            item.minutes_then.append(minute)
    approved_on = meeting.minutes_approved_on
    return {
        "meeting": meeting,
        "items": items,
        "include_exempt": include_exempt,
        "approved": approved_on is not None and approved_on <= timezone.localtime(as_at).date()
        and (approving is None or meeting.minutes_approved_at_id != approving.pk),
        "approved_on": approved_on,
    }


def actions_as_they_stood(actions, as_at):
    """
    ``actions`` (a queryset of ``ActionItem``) as they stood at ``as_at``: those created by then, each with the
    status, owner and due date it had then, worked back from the updates made since (each keeps the owner and
    due date it replaced; before its first update an action was open). Two queries.
    """
    history = Prefetch(
        "updates", queryset=ActionUpdate.objects.select_related("previous_owner").order_by("updated_at", "id")
    )
    found = []
    for action in actions.filter(created_at__lte=as_at).select_related("owner", "meeting", "agenda_item") \
            .prefetch_related(history):
        updates = list(action.updates.all())
        since = [update for update in updates if update.updated_at > as_at]
        if since:
            before = [update for update in updates if update.updated_at <= as_at]
            action.status = before[-1].status if before else ActionStatus.OPEN
            for update in reversed(since):  # the earliest change's earlier values are the ones that stood
                if update.previous_owner_id is not None:
                    action.owner = update.previous_owner
                if update.previous_due_on is not None:
                    action.due_on = update.previous_due_on
        found.append(action)
    return found


def board_attendance(board, year_start, year_end):
    """``attendance_summary`` for one board's members."""
    return [row for row in attendance_summary(year_start, year_end, board=board)]


def attendance_summary(year_start, year_end, board=None):
    """
    Per membership overlapping the year: meetings held while they were a member (expected), attended and sent
    apologies for. One query.
    """
    expected = (
        Meeting.objects.filter(
            board=OuterRef("board"),
            status=MeetingStatus.HELD,
            starts_at__date__gte=year_start,
            starts_at__date__lte=year_end,
        )
        .filter(
            starts_at__date__gte=OuterRef("start_date"),
            starts_at__date__lte=Coalesce(OuterRef("end_date"), Value(year_end)),
        )
        .values("board")
        .annotate(n=Count("id"))
        .values("n")
    )
    in_year = Q(
        attendance__meeting__status=MeetingStatus.HELD,
        attendance__meeting__starts_at__date__gte=year_start,
        attendance__meeting__starts_at__date__lte=year_end,
    )
    memberships = Membership.objects.filter(board=board) if board is not None else Membership.objects.all()
    memberships = (
        memberships.filter(start_date__lte=year_end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year_start))
        .select_related("user", "board")
        .annotate(
            expected=Coalesce(Subquery(expected, output_field=IntegerField()), Value(0)),
            attended=Count("attendance", filter=in_year & Q(attendance__status=AttendanceStatus.PRESENT)),
            apologies=Count("attendance", filter=in_year & Q(attendance__status=AttendanceStatus.APOLOGIES)),
            substituted=Count(
                "attendance",
                filter=in_year & Q(attendance__status=AttendanceStatus.APOLOGIES) & ~Q(attendance__substitute=""),
            ),
        )
        .order_by("board__name", role_order(), "user__last_name")
    )
    return [
        {
            "membership": m,
            "board": m.board,
            "member": m.user,
            "role": m.get_role_display(),
            "expected": m.expected,
            "attended": m.attended,
            "apologies": m.apologies,
            "substituted": m.substituted,
        }
        for m in memberships
    ]


# --- The clerk's desk ----------------------------------------------------------------------------------


def owed_items(today=None):
    """Report items on scheduled meetings still to come whose author has not yet sent a paper, in meeting order."""
    return (
        AgendaItem.objects.filter(
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__date__gte=_today(today),
            report_author__isnull=False,
            papers__isnull=True,
        )
        .select_related("meeting__board", "report_author")
        .order_by("meeting__starts_at", "report_author__last_name", "report_author__first_name", "order", "id")
    )


def papers_owed_by(user, today=None):
    """The papers a report author still owes for meetings to come (``owed_items`` of theirs)."""
    return owed_items(today).filter(report_author=user)


def papers_owed(today=None):
    """``owed_items`` grouped by (meeting, author) in meeting order: ``{(meeting, author): [items]}``. One query."""
    owed = {}
    for item in owed_items(today):
        owed.setdefault((item.meeting, item.report_author), []).append(item)
    return owed


DESK_MEETINGS = 6
ACTIONS_DUE_WITHIN_DAYS = 14


def clerk_desk(today=None):
    """
    What the clerk works on, in a fixed number of queries: the next meetings with their deadlines and how far
    each is from ready, the papers owed by each author, meetings whose minutes are still to write, actions
    due soon or overdue, and apologies received for meetings to come.
    """
    today = _today(today)
    upcoming = list(
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__date__gte=today)
        .select_related("board", "agenda_published_by")
        .annotate(
            item_count=Count("agenda_items", distinct=True),
            owed_count=Count(
                "agenda_items",
                filter=Q(agenda_items__report_author__isnull=False, agenda_items__papers__isnull=True),
                distinct=True,
            ),
        )
        .order_by("starts_at")[:DESK_MEETINGS]
    )
    for meeting in upcoming:
        meeting.deadline_passed = meeting.agenda_published_at is None and meeting.agenda_deadline < today
    minutes_to_write = list(
        Meeting.objects.exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__date__lte=today)
        .annotate(minute_count=Count("agenda_items__minutes"))
        .filter(minute_count=0)
        .select_related("board")
        .order_by("-starts_at")[:DESK_MEETINGS]
    )
    actions_due = list(
        with_overdue(
            ActionItem.objects.filter(
                status__in=OPEN_ACTION_STATUSES, due_on__lte=today + datetime.timedelta(days=ACTIONS_DUE_WITHIN_DAYS)
            ).select_related("owner", "meeting__board"),
            today,
        ).order_by("due_on", "id")
    )
    apologies = list(
        Attendance.objects.filter(
            status=AttendanceStatus.APOLOGIES,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__date__gte=today,
        )
        .select_related("meeting__board", "membership__user")
        .order_by("meeting__starts_at", "membership__user__last_name")
    )
    responses_due = list(
        Minute.objects.filter(
            kind=MinuteKind.RECOMMENDATION,
            response_received_on__isnull=True,
            response_due__lte=today + datetime.timedelta(days=ACTIONS_DUE_WITHIN_DAYS),
        )
        .select_related("agenda_item__meeting__board")
        .order_by("response_due", "id")
    )
    minutes_to_approve = list(
        Meeting.objects.exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__date__lte=today, minutes_approved_on__isnull=True)
        .annotate(minute_count=Count("agenda_items__minutes"))
        .filter(minute_count__gt=0)
        .select_related("board")
        .order_by("-starts_at")[:DESK_MEETINGS]
    )
    return {
        "today": today,
        "upcoming": upcoming,
        "responses_due": responses_due,
        "minutes_to_approve": minutes_to_approve,
        "papers_owed": papers_owed(today),
        "minutes_to_write": minutes_to_write,
        "actions_due": actions_due,
        "apologies": apologies,
    }


# --- Recommendations followed up ----------------------------------------------------------------------


def recommendations(user, *, outstanding_only=False, today=None):
    """
    Recommendations the board made, on the boards the person may see, newest first, annotated ``is_overdue``
    (no response by the date it was due).
    """
    today = _today(today)
    found = (
        Minute.objects.filter(kind=MinuteKind.RECOMMENDATION, agenda_item__meeting__board__in=boards_for(user, today))
        .select_related("agenda_item__meeting__board")
        .annotate(
            is_overdue=ExpressionWrapper(
                Q(response_received_on__isnull=True, response_due__lt=today), output_field=BooleanField()
            )
        )
    )
    if outstanding_only:
        found = found.filter(response_received_on__isnull=True)
    return found.order_by("-agenda_item__meeting__starts_at", "number", "id")


# --- Declarations and the register of interests -------------------------------------------------------


def declarations_for(meeting):
    return list(
        meeting.declarations.select_related("membership__user", "agenda_item").order_by(
            "agenda_item__order", "membership__user__last_name", "id"
        )
    )


def register_of_interests(*, include_ended=False, today=None):
    """The register of members' interests: current entries (or every entry), by member then category."""
    entries = RegisteredInterest.objects.select_related("member")
    if not include_ended:
        entries = entries.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=_today(today)))
    return entries.order_by("member__last_name", "member__first_name", "category", "registered_on", "id")
