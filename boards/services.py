"""
Changing the board's business. Views and the demo loader call these; each validates what it saves.

The action log follows the meetings on its own: whenever a meeting is scheduled or moved, or an action is
created or updated, every scheduled meeting of that board gets (or refreshes) an "Action log: overdue
actions" agenda item listing the open actions due before that meeting. ``carry_forward_overdue_actions``
does this and can be run any number of times with the same result.
"""
import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator

from core import email, permissions, suppression, working_days
from measures import figures as measure_figures
from measures import registry as board_measures

from . import conversion, selectors
from .models import (
    ActionItem,
    ActionUpdate,
    STANDARD_KINDS,
    STANDARD_ORDER,
    AgendaItem,
    AgendaItemKind,
    AgendaTemplate,
    AgendaTemplateItem,
    Attendance,
    AttendanceStatus,
    Board,
    ChildrensView,
    DecisionFigure,
    Declaration,
    Meeting,
    MeetingStatus,
    Membership,
    Minute,
    MinuteCorrection,
    MinuteKind,
    Paper,
    PledgeUpdate,
    REVISIT_MONTHS,
    Response,
    ViewSource,
    council_year_start,
    may_record_attendance,
)

ACTION_LOG_TITLE = AgendaItemKind.ACTION_LOG.label


def _save(instance, /, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


# --- Members -------------------------------------------------------------------------------------------


@transaction.atomic
def create_board(*, agenda_template=None, **fields):
    """
    A new board with its terms of reference (``BoardForm``'s fields), and its first agenda template:
    ``STANDARD_TEMPLATE`` for the standard items in the usual order, another board's ``AgendaTemplate`` to copy
    it (under the same name), or None for none yet.
    """
    board = _save(Board(), **fields)
    if agenda_template == STANDARD_TEMPLATE:
        create_template(board=board, name=STANDARD_TEMPLATE_NAME)
    elif agenda_template is not None:
        create_template(board=board, name=agenda_template.name, from_template=agenda_template)
    return board


def update_board(board, /, **fields):
    """The board's name, terms of reference, quorum, whether substitutes count, and when papers are due."""
    return _save(board, **fields)


def add_member(*, board, user, role, start_date, voting=True, end_date=None):
    return _save(Membership(board=board), user=user, role=role, start_date=start_date, voting=voting, end_date=end_date)


def update_member(membership, /, **fields):
    return _save(membership, **fields)


def membership_removal_refused(membership):
    """Why ``membership`` cannot be removed, or "" if it can (``remove_member``)."""
    if membership.attendance.exists() or membership.declarations.exists():
        return (
            f"Attendance or declarations of {membership.user} are recorded under this membership, so it is part of "
            "the board's record. Give it an end date instead."
        )
    return ""


@transaction.atomic
def remove_member(membership):
    """
    Remove a membership added by mistake. Refused, as ``membership_removal_refused`` says, once the meetings' record
    names it: a member who leaves is given an end date. The audit log keeps who removed what.
    """
    refused = membership_removal_refused(membership)
    if refused:
        raise ValidationError(refused)
    membership.delete()


# --- Meetings and agenda -------------------------------------------------------------------------------


@transaction.atomic
def schedule_meeting(*, board, starts_at, venue, status=MeetingStatus.SCHEDULED):
    meeting = _save(Meeting(board=board), starts_at=starts_at, venue=venue, status=status)
    carry_forward_overdue_actions(meeting)
    revisit_decisions(meeting.board_id)
    return meeting


@transaction.atomic
def update_meeting(meeting, /, **fields):
    _save(meeting, **fields)
    carry_forward_overdue_actions(meeting)
    revisit_decisions(meeting.board_id)
    return meeting


def next_order(meeting):
    highest = meeting.agenda_items.aggregate(highest=Max("order"))["highest"]
    return (highest or 0) + 1


def _renumber(items):
    """Give ``items`` (a meeting's agenda in its new order) the orders 1, 2, 3..."""
    changed = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["order"])  # stamps (core.stamps.StampedQuerySet)


def _in_order(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))


def _place(item):
    """
    Put a new item in its usual place: after every item whose kind comes no later in the order of business
    (``STANDARD_ORDER``), before the first that comes later; then number the agenda 1, 2, 3...
    """
    rank = STANDARD_ORDER[item.kind]
    items = [other for other in _in_order(item.meeting) if other.pk != item.pk]
    position = next((i for i, other in enumerate(items) if STANDARD_ORDER[other.kind] > rank), len(items))
    items.insert(position, item)
    _renumber(items)
    return item


def standard_title(kind):
    return AgendaItemKind(kind).label


@transaction.atomic
def add_agenda_item(*, meeting, title, order=None, kind=AgendaItemKind.ITEM, **fields):
    """Add an item in its usual place in the order of business (or at ``order``, if given)."""
    if kind in STANDARD_KINDS and meeting.agenda_items.filter(kind=kind).exists():
        raise ValidationError(f"The agenda already has \u201c{standard_title(kind)}\u201d.")
    item = AgendaItem(meeting=meeting, title=title, kind=kind, order=order or next_order(meeting))
    _save(item, **fields)
    if order is None:
        _place(item)
    return item


def update_agenda_item(item, /, **fields):
    return _save(item, **fields)


def removal_refused(item):
    """Why ``item`` cannot come off the agenda, or "" if it can (``remove_agenda_item``)."""
    if item.meeting.status != MeetingStatus.SCHEDULED:
        return "The agenda of a meeting that has been held or cancelled is part of its record and stays as it is."
    if item.kind == AgendaItemKind.ACTION_LOG or item.revisits_id:
        return "This item is added by itself and comes off the agenda by itself when there is nothing for it to show."
    if item.minutes.exists():
        return "Minutes are recorded on this item: remove them first."
    return ""


@transaction.atomic
def remove_agenda_item(item):
    """
    Take an item off a scheduled meeting's agenda (added by mistake, or business withdrawn) with its papers, then
    number the agenda 1, 2, 3... Refused as ``removal_refused`` says. A forward plan topic it came from is free to
    come back. The papers' files are deleted once that has committed; the audit log keeps who removed what.
    """
    refused = removal_refused(item)
    if refused:
        raise ValidationError(refused)
    meeting = item.meeting
    stored = [field_file for paper in item.papers.all() for field_file in (paper.file, paper.pdf_version)]
    item.delete()
    _renumber(_in_order(meeting))
    _delete_files_after_commit(stored)


def _delete_files_after_commit(files):
    """Delete stored files once the transaction that removed their rows has committed (never if it rolls back)."""
    for stored in files:
        if stored:
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


@transaction.atomic
def move_agenda_item(item, *, up):
    """Swap an item with the one above (``up``) or below it, then number the agenda 1, 2, 3..."""
    items = _in_order(item.meeting)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    _renumber(items)
    return item


# --- Agenda templates ----------------------------------------------------------------------------------

STANDARD_TEMPLATE_NAME = "Standard agenda"
STANDARD_TEMPLATE = "standard"  # ``create_board``'s choice of the standard items, rather than a template to copy


def standard_items():
    """The standard items in the usual order: (kind, title)."""
    kinds = sorted(STANDARD_KINDS, key=STANDARD_ORDER.__getitem__)
    return [(kind, standard_title(kind)) for kind in kinds]


@transaction.atomic
def create_template(*, board, name, from_meeting=None, from_template=None):
    """
    A template of the standard items, of a meeting's agenda as it stands, or a copy of another template (titles
    and summaries, in order).
    """
    template = _save(AgendaTemplate(board=board), name=name)
    if from_meeting is not None:
        rows = [(item.kind, item.title, item.summary) for item in _in_order(from_meeting)]
    elif from_template is not None:
        rows = list(from_template.items.order_by("position", "id").values_list("kind", "title", "summary"))
    else:
        rows = [(kind, title, "") for kind, title in standard_items()]
    AgendaTemplateItem.objects.bulk_create(
        AgendaTemplateItem(template=template, position=position, kind=kind, title=title, summary=summary)
        for position, (kind, title, summary) in enumerate(rows, start=1)
    )
    return template


@transaction.atomic
def apply_template(meeting, template):
    """
    Build the agenda from a template: its items, in its order, placed among any already there; a standard item
    the agenda already has is not added twice. The forward plan's topics for the meeting come in as reports.
    Returns how many items were added.
    """
    if template.board_id != meeting.board_id:
        raise ValidationError("Choose a template of this meeting's board.")
    present = set(meeting.agenda_items.values_list("kind", flat=True))
    added = 0
    for row in template.items.order_by("position", "id"):
        if row.kind in STANDARD_KINDS and row.kind in present:
            continue
        add_agenda_item(meeting=meeting, kind=row.kind, title=row.title, summary=row.summary)
        present.add(row.kind)
        added += 1
    added += len(add_forward_plan_topics(meeting))
    carry_forward_overdue_actions(meeting)
    return added


def add_forward_plan_topics(meeting):
    """Each forward plan topic planned for this meeting and not yet on its agenda becomes a report item."""
    added = []
    for topic in meeting.forward_plan_items.filter(agenda_item__isnull=True).select_related("lead"):
        summary = f"{topic.get_theme_display()}. Reporting: {topic.partner_asked}."
        if topic.notes:
            summary += f"\n\n{topic.notes}"
        added.append(
            add_agenda_item(
                meeting=meeting, title=topic.topic, report_author=topic.lead, summary=summary, forward_plan_item=topic
            )
        )
    return added


@transaction.atomic
def carry_forward_overdue_actions(meeting):
    """
    Bring the board's overdue actions onto a scheduled meeting's agenda, in the action log's usual place (after
    apologies, declarations and the previous minutes). Idempotent: the
    item is created once and its list is replaced by the current overdue actions on every run. Held and
    cancelled meetings keep the record they had. Returns the agenda item, or None when there is nothing to carry.
    """
    if meeting.status != MeetingStatus.SCHEDULED:
        return None
    overdue = list(selectors.overdue_actions_before(meeting).values_list("id", flat=True))
    item = AgendaItem.objects.filter(meeting=meeting, kind=AgendaItemKind.ACTION_LOG).first()
    if item is None:
        if not overdue and not selectors.completed_since_last_meeting(meeting).exists():
            return None
        item = _place(
            AgendaItem.objects.create(
                meeting=meeting,
                kind=AgendaItemKind.ACTION_LOG,
                order=next_order(meeting),
                title=ACTION_LOG_TITLE,
                summary="Open actions from earlier meetings that are due before this meeting, and those completed "
                "since the last meeting. Owners report progress.",
            )
        )
    item.carried_actions.set(overdue)
    return item


def _carry_forward_each(meetings):
    """``carry_forward_overdue_actions`` for each meeting; returns how many."""
    count = 0
    for meeting in meetings:
        carry_forward_overdue_actions(meeting)
        count += 1
    return count


def refresh_action_logs(board_id, after):
    """Carry forward into every scheduled meeting of the board after ``after`` (a datetime)."""
    _carry_forward_each(Meeting.objects.filter(board_id=board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=after))


def carry_forward_for_upcoming_meetings(now=None):
    """Refresh the action log item of every scheduled meeting still to come; returns how many meetings."""
    return _carry_forward_each(
        Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now or timezone.now())
    )


_link = email.link
_send_each = email.send_each


@transaction.atomic
def publish_agenda(meeting, *, published_by, now=None):
    """
    Publish the agenda with every paper uploaded for it, and tell the board's current members (after the
    commit, by a Celery task). Whether it was in time is ``meeting.agenda_published_in_time``.
    """
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("Only the agenda of a scheduled meeting can be published.")
    if not meeting.agenda_items.exists():
        raise ValidationError("The agenda has no items yet.")
    now = now or timezone.now()
    meeting.agenda_published_at = now
    meeting.agenda_published_by = published_by
    meeting.save(update_fields=["agenda_published_at", "agenda_published_by"])
    Paper.objects.filter(agenda_item__meeting=meeting, published=False).update(published=True, published_at=now)
    from .tasks import email_agenda_published

    transaction.on_commit(lambda: email_agenda_published.delay(meeting.pk))
    return meeting


def email_agenda_published(meeting):
    """Tell each current member the agenda and papers are out. The email holds the board, date and a link only."""
    addresses = [
        m.user.email for m in selectors.current_memberships(meeting.board, meeting.date)
        if m.user.email and m.user.is_active
    ]
    body = render_to_string(
        "boards/email/agenda_published.txt",
        {"meeting": meeting, "link": _link(reverse("boards:meeting_detail", args=[meeting.pk]))},
    )
    return _send_each(f"Agenda published: {meeting}", body, sorted(set(addresses)))


def remind_report_authors(today=None):
    """
    Email each report author whose paper is still owed for a scheduled meeting, on the working day two days
    before it is due and on the day it is due. Returns how many emails were sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for (meeting, author), items in selectors.papers_owed(today).items():
        due = meeting.papers_due
        if not author.email or due not in (today, working_days.working_days_after(today, 2)):
            continue
        body = render_to_string(
            "boards/email/paper_due.txt",
            {"meeting": meeting, "items": items, "link": _link(reverse("boards:meeting_detail", args=[meeting.pk]))},
        )
        sent += _send_each(f"Paper due {due:%-d %B}: {meeting}", body, [author.email])
    return sent


# --- Papers --------------------------------------------------------------------------------------------


def upload_paper(*, agenda_item, title, file, uploaded_by, published=False, **cover_sheet):
    """
    Store a report with its cover sheet (``Paper``'s cover sheet fields), published now if asked. A Word or
    OpenDocument paper is turned into PDF for the board pack on the worker, once the upload is committed.
    """
    paper = Paper(agenda_item=agenda_item, title=title, file=file, uploaded_by=uploaded_by)
    paper = _save(paper, **cover_sheet)
    if published:
        publish_paper(paper)
    if paper.awaits_conversion:
        from .tasks import convert_paper as convert_task

        transaction.on_commit(lambda: convert_task.delay(paper.pk))
    return paper


def convert_papers(papers):
    """
    Turn Word and OpenDocument papers into PDF (``conversion.to_pdf``, one LibreOffice run for them all) and keep
    each beside its paper, or keep the reason it could not be, which the pack prints in its place. Converted
    once: a paper already done (or failed) is left as it is.
    """
    papers = [paper for paper in papers if paper.awaits_conversion]
    for paper, result in zip(papers, conversion.to_pdf([paper.file for paper in papers]), strict=True):
        if isinstance(result, conversion.ConversionFailed):
            paper.conversion_error = str(result)
            Paper.objects.filter(pk=paper.pk).update(conversion_error=paper.conversion_error)
            continue
        name = paper.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".pdf"
        paper.pdf_version.save(name, ContentFile(result), save=False)
        Paper.objects.filter(pk=paper.pk).update(pdf_version=paper.pdf_version.name, conversion_error="")
    return papers


def update_cover_sheet(paper, /, **fields):
    """Change a report's title or cover sheet (``CoverSheetForm``'s fields)."""
    return _save(paper, **fields)


@transaction.atomic
def publish_paper(paper):
    """
    Make a paper visible to board members (officers always see it). A paper published after its meeting's
    agenda is out is news to the members, so they are told by email (after the commit, by a Celery task); one
    published with the agenda is announced by the agenda's email.
    """
    newly = not paper.published
    paper.published = True
    paper.published_at = timezone.now()
    paper.save(update_fields=["published", "published_at"])
    if newly and paper.agenda_item.meeting.agenda_published_at is not None:
        from .tasks import email_paper_published

        transaction.on_commit(lambda: email_paper_published.delay(paper.pk))
    return paper


def email_paper_published(paper):
    """Tell each current member a paper is out. The email holds the paper's title, the meeting and a link only."""
    meeting = paper.agenda_item.meeting
    addresses = [
        m.user.email for m in selectors.current_memberships(meeting.board, meeting.date)
        if m.user.email and m.user.is_active
    ]
    body = render_to_string(
        "boards/email/paper_published.txt",
        {"paper": paper, "meeting": meeting, "link": _link(reverse("boards:meeting_detail", args=[meeting.pk]))},
    )
    return _send_each(f"Paper published: {paper.title} ({meeting})", body, sorted(set(addresses)))


def unpublish_paper(paper):
    """Withdraw a paper from members; it stays available to officers and the clerk."""
    paper.published = False
    paper.published_at = None
    paper.save(update_fields=["published", "published_at"])
    return paper


@transaction.atomic
def remove_paper(paper):
    """
    Delete a paper (a wrong file, or one that should never have been shared) and, once that has committed,
    its stored file (and its PDF version). The audit log keeps who removed which paper and when.
    """
    stored = [field_file for field_file in (paper.file, paper.pdf_version) if field_file]
    paper.delete()
    _delete_files_after_commit(stored)


# --- Attendance and minutes ----------------------------------------------------------------------------


@transaction.atomic
def record_attendance(meeting, entries, today=None):
    """
    ``entries``: iterable of (membership, status, substitute). Replaces what was recorded for those members.
    Refuses members of another board, and anything but apologies before the meeting's day
    (``models.may_record_attendance``).
    """
    early = not may_record_attendance(meeting, today)
    for membership, status, substitute in entries:
        if membership.board_id != meeting.board_id:
            raise ValidationError(f"{membership.user} is not a member of {meeting.board}.")
        if early and status != AttendanceStatus.APOLOGIES:
            raise ValidationError(
                "Attendance can only be recorded on the day of the meeting or after it; before then, record apologies."
            )
        Attendance.objects.update_or_create(
            meeting=meeting, membership=membership, defaults={"status": status, "substitute": substitute or ""}
        )
    return selectors.quorum_check(meeting)


def record_all_present(meeting, today=None):
    """"All present": every current member is present, except those whose apologies are already recorded."""
    sent_apologies = set(
        meeting.attendance.filter(status=AttendanceStatus.APOLOGIES).values_list("membership_id", flat=True)
    )
    members = selectors.current_memberships(meeting.board, meeting.date).exclude(id__in=sent_apologies)
    return record_attendance(meeting, [(m, AttendanceStatus.PRESENT, "") for m in members], today)


def record_apologies(meeting, membership, *, substitute="", today=None):
    """Apologies received from a member (before or at the meeting), with the substitute they named, if any."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    return record_attendance(meeting, [(membership, AttendanceStatus.APOLOGIES, substitute)], today)


APPROVED_MESSAGE = (
    "The board has approved these minutes as a correct record, so they cannot be changed or removed; "
    "record a correction instead."
)


def _approved(meeting):
    """Read from the database, not a copy in memory that may predate the approval."""
    return Meeting.objects.filter(pk=meeting.pk, minutes_approved_on__isnull=False).exists()


def _refuse_if_approved(meeting):
    if _approved(meeting):
        raise ValidationError(APPROVED_MESSAGE)


def _next_minute_number(meeting):
    start = council_year_start(meeting.date)
    end = datetime.date(start.year + 1, 5, 1)
    highest = Minute.objects.filter(
        agenda_item__meeting__board_id=meeting.board_id,
        agenda_item__meeting__starts_at__date__gte=start,
        agenda_item__meeting__starts_at__date__lt=end,
    ).aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def record_minute(
    *, agenda_item, kind, text, recorded_by, recommended_to="", response_due=None, recorded_at=None, measures=(),
):
    """
    Draft a minute (numbered through the board's council year) while the meeting's minutes are not approved. A
    decision may name the ``measures`` (identifiers) it means to move: see ``choose_decision_measures``.
    """
    meeting = agenda_item.meeting
    _refuse_if_approved(meeting)
    # Lock the board's row so two clerks drafting at once cannot take the same number.
    Board.objects.select_for_update().filter(pk=meeting.board_id).first()
    minute = Minute(agenda_item=agenda_item, number=_next_minute_number(meeting))
    if recorded_at:
        minute.recorded_at = recorded_at
    _save(
        minute, kind=kind, text=text, recorded_by=recorded_by, recommended_to=recommended_to, response_due=response_due
    )
    if measures:
        choose_decision_measures(minute, measures)
    return minute


@transaction.atomic
def update_minute(minute, /, *, measures=None, **fields):
    """
    Change a draft minute (the audit log keeps the earlier text), and, given ``measures``, the measures a decision
    means to move. Approved minutes take a correction instead.
    """
    _refuse_if_approved(minute.agenda_item.meeting)
    _save(minute, **fields)
    if measures is None:  # kept as they are, unless it is no longer a decision
        measures = minute.figures.values_list("measure", flat=True) if minute.kind == MinuteKind.DECISION else []
    choose_decision_measures(minute, measures)
    return minute


def remove_minute(minute):
    _refuse_if_approved(minute.agenda_item.meeting)
    minute.delete()


@transaction.atomic
def correct_approved_minute(minute, *, text, reason, corrected_by):
    """Correct an approved minute: the earlier wording, the reason and who made it are kept as a correction."""
    if not _approved(minute.agenda_item.meeting):
        raise ValidationError("These minutes are still a draft: change the minute itself.")
    if text.strip() == minute.text.strip():
        raise ValidationError("The corrected wording is the same as the approved wording.")
    correction = _save(
        MinuteCorrection(minute=minute), previous_text=minute.text, corrected_text=text, reason=reason,
        corrected_by=corrected_by,
    )
    minute.text = text
    minute.save(update_fields=["text"])
    return correction


def record_response(minute, *, response, received_on):
    """The response to a recommendation, from the body it was made to."""
    if minute.kind != MinuteKind.RECOMMENDATION:
        raise ValidationError("Only a recommendation has a response.")
    return _save(minute, response=response, response_received_on=received_on)


@transaction.atomic
def approve_minutes(meeting, *, approved_by, today=None):
    """
    At ``meeting`` (held, or on its day), the board approves the minutes of its previous meeting as a correct
    record; they are fixed from then on. The resolution is minuted under "Minutes of the previous meeting"
    (added if the agenda lacks it). Returns the previous meeting.
    """
    if not may_record_attendance(meeting, today):
        raise ValidationError("Minutes are approved at the meeting, on its day or after it.")
    previous = selectors.previous_meeting(meeting)
    if previous is None:
        raise ValidationError("This is the board's first meeting: there are no earlier minutes to approve.")
    if _approved(previous):
        raise ValidationError(f"The minutes of {previous} were approved already.")
    if not Minute.objects.filter(agenda_item__meeting=previous).exists():
        raise ValidationError(f"No minutes have been drafted for {previous} yet.")
    item = meeting.agenda_items.filter(kind=AgendaItemKind.PREVIOUS_MINUTES).first() or add_agenda_item(
        meeting=meeting, title=AgendaItemKind.PREVIOUS_MINUTES.label, kind=AgendaItemKind.PREVIOUS_MINUTES
    )
    record_minute(
        agenda_item=item, kind=MinuteKind.DECISION, recorded_by=approved_by,
        text=f"RESOLVED that the minutes of the meeting held on {previous.date:%-d %B %Y} be approved as a correct record.",
    )
    previous.minutes_approved_at = meeting
    previous.minutes_approved_on = meeting.date
    previous.save(update_fields=["minutes_approved_at", "minutes_approved_on"])
    return previous


# --- Decisions revisited --------------------------------------------------------------------------------

MONTHS_IN_WORDS = {6: "six", 12: "twelve"}


@transaction.atomic
def choose_decision_measures(decision, identifiers, *, today=None):
    """
    The measures (identifiers) a decision means to move. Each newly named measure's figure is recorded as
    published now (``measures.figures.published_figures``: the latest return, withheld as the board and the
    public see it) and then kept fixed; a measure no longer named is dropped. Then the board's meetings six
    and twelve months on get the decision as an agenda item (``revisit_decisions``).
    """
    identifiers = list(dict.fromkeys(identifiers))
    unknown = [identifier for identifier in identifiers if identifier not in board_measures.BY_IDENTIFIER]
    if unknown:
        raise ValidationError(f"Unknown measure: {', '.join(unknown)}.")
    if identifiers and decision.kind != MinuteKind.DECISION:
        raise ValidationError("Only a decision names the measures it means to move.")
    decision.figures.exclude(measure__in=identifiers).delete()
    kept = set(decision.figures.values_list("measure", flat=True))
    new = [identifier for identifier in identifiers if identifier not in kept]
    if new:
        year, published = measure_figures.published_figures(new)
        DecisionFigure.objects.bulk_create(
            DecisionFigure(
                decision=decision, measure=identifier, year=year,
                figure=str(published.get(identifier, suppression.MISSING)),
                recorded_on=today or timezone.localdate(),
            )
            for identifier in new
        )
    revisit_decisions(decision.agenda_item.meeting.board_id)
    return list(decision.figures.all())


def _revisit_fields(decision, months):
    meeting = decision.agenda_item.meeting
    in_words = MONTHS_IN_WORDS.get(months, str(months))
    prefix = f"Decision {decision.number} revisited: "
    return {
        "title": prefix + Truncator(" ".join(decision.text.split())).chars(200 - len(prefix)),
        "summary": f"{in_words.capitalize()} months after the meeting on {meeting.date:%-d %B %Y}, the board looks "
        f"again at the measures decision {decision.number} meant to move: each measure's figure as published "
        "when the decision was made, beside today's.",
        "exempt_paragraph": decision.agenda_item.exempt_paragraph,
    }


def _keeps_business(item):
    return item.papers.exists() or item.minutes.exists()


@transaction.atomic
def revisit_decisions(board_id):
    """
    Bring each of the board's decisions that name measures back to the board six and twelve months on
    (``REVISIT_MONTHS``), as a report item "Decision N revisited: ..." at the meeting ``selectors.revisit_meeting``
    finds. Run whenever a meeting is scheduled or changed and whenever a decision's measures are chosen;
    idempotent. Held meetings keep the record they had: nothing is added to one, and an item on one stays. An
    item on a meeting that is no longer the one (moved, cancelled, or an earlier meeting has been scheduled)
    moves to the right one, or, when there is none yet, is taken off the agenda unless it has papers or
    minutes. Returns the items added or moved.
    """
    meetings = list(Meeting.objects.filter(board_id=board_id).order_by("starts_at", "id"))
    decisions = (
        Minute.objects.filter(kind=MinuteKind.DECISION, agenda_item__meeting__board_id=board_id)
        .filter(figures__isnull=False).distinct().select_related("agenda_item__meeting")
    )
    on_agenda = {
        (item.revisits_id, item.revisit_months): item
        for item in AgendaItem.objects.filter(meeting__board_id=board_id, revisits__isnull=False).select_related("meeting")
    }
    wanted, changed = set(), []
    for decision in decisions:
        for months in REVISIT_MONTHS:
            wanted.add((decision.pk, months))
            item = on_agenda.get((decision.pk, months))
            target = selectors.revisit_meeting(meetings, decision.agenda_item.meeting.date, months)
            if item is not None and (item.meeting.status == MeetingStatus.HELD or item.meeting_id == getattr(target, "pk", None)):
                continue
            if target is None or target.status != MeetingStatus.SCHEDULED:
                if item is not None and not _keeps_business(item):
                    item.delete()
                continue
            if item is None:
                changed.append(
                    add_agenda_item(meeting=target, revisits=decision, revisit_months=months, **_revisit_fields(decision, months))
                )
            else:
                left = item.meeting
                item.meeting, item.order = target, next_order(target)
                item.save(update_fields=["meeting", "order"])
                changed.append(_place(item))
                _renumber(_in_order(left))
    for key, item in on_agenda.items():
        if key not in wanted and item.meeting.status != MeetingStatus.HELD and not _keeps_business(item):
            item.delete()
    return changed


# --- Declarations of interest and the register -------------------------------------------------------


def record_declaration(*, meeting, membership, kind, interest, action, recorded_by, agenda_item=None):
    return _save(
        Declaration(meeting=meeting), membership=membership, agenda_item=agenda_item, kind=kind, interest=interest,
        action=action, recorded_by=recorded_by,
    )


def remove_declaration(declaration):
    _refuse_if_approved(declaration.meeting)
    declaration.delete()


def save_registered_interest(entry, /, **fields):
    return _save(entry, **fields)


# --- Actions -------------------------------------------------------------------------------------------


@transaction.atomic
def create_action(*, meeting, description, owner, due_on, agenda_item=None, status=None, created_at=None):
    action = ActionItem(meeting=meeting, agenda_item=agenda_item, description=description, owner=owner, due_on=due_on)
    if status:
        action.status = status
    if created_at:
        action.created_at = created_at
    _save(action)
    refresh_action_logs(meeting.board_id, meeting.starts_at)
    return action


def add_action_update(action, *, updated_by, note, status, updated_at=None):
    """Record progress on an action and move it to ``status``; the update is kept as its history."""
    return change_action(action, updated_by=updated_by, note=note, status=status, updated_at=updated_at)


@transaction.atomic
def change_action(action, *, updated_by, note="", owner=None, due_on=None, status=None, updated_at=None):
    """
    Record an update to an action: progress (``status``), a new owner, a new due date, or several at once. The
    earlier owner and due date are kept on the update, so the action's history shows every change.
    """
    update = ActionUpdate(action=action, status=status or action.status, updated_by=updated_by)
    changes = []
    if owner is not None and owner.pk != action.owner_id:
        update.previous_owner, update.new_owner = action.owner, owner
        changes.append(f"Owner changed from {action.owner} to {owner}.")
        action.owner = owner
    if due_on is not None and due_on != action.due_on:
        update.previous_due_on, update.new_due_on = action.due_on, due_on
        changes.append(f"Due date changed from {action.due_on:%-d %B %Y} to {due_on:%-d %B %Y}.")
        action.due_on = due_on
    update.note = "\n".join(filter(None, [note.strip(), *changes]))
    if not update.note:
        raise ValidationError("Say what has changed: a progress note, a new status, owner or due date.")
    if updated_at:
        update.updated_at = updated_at
    _save(update)
    action.status = update.status
    _save(action)
    refresh_action_logs(action.meeting.board_id, action.meeting.starts_at)
    return update


# --- Forward plan --------------------------------------------------------------------------------------


@transaction.atomic
def save_forward_plan_item(item, /, **fields):
    """
    Add or change a topic. Moving a topic to another meeting is refused while it is on the agenda of a meeting still
    to be held (that item comes off the agenda first, as for ``remove_forward_plan_item``); a topic already reported
    at a held meeting, or on a cancelled meeting's agenda, is let go of that item, which stays in that meeting's
    record, so it becomes an item of the meeting it is moved to.
    """
    agenda_item = (
        AgendaItem.objects.filter(forward_plan_item=item).select_related("meeting").first() if item.pk else None
    )
    if agenda_item is not None and "planned_meeting" in fields and fields["planned_meeting"] != agenda_item.meeting:
        if agenda_item.meeting.status == MeetingStatus.SCHEDULED:
            raise ValidationError({"planned_meeting": (
                f"\u201c{item.topic}\u201d is on the agenda of the meeting on {agenda_item.meeting.date:%-d %B %Y}. "
                "Take it off that agenda first, then move the topic."
            )})
        agenda_item.forward_plan_item = None
        agenda_item.save(update_fields=["forward_plan_item"])
    return _save(item, **fields)


def forward_plan_removal_refused(item):
    """
    Why ``item`` cannot come off the forward plan, or "" if it can (``remove_forward_plan_item``). A topic on the
    agenda of a meeting still to be held is that meeting's business: the item (with its papers) comes off the
    agenda first, so removing a topic never takes papers with it and never leaves a report the plan has dropped.
    """
    agenda_item = getattr(item, "agenda_item", None)
    if agenda_item is not None and agenda_item.meeting.status == MeetingStatus.SCHEDULED:
        return (
            f"\u201c{item.topic}\u201d is on the agenda of the meeting on "
            f"{agenda_item.meeting.date:%-d %B %Y}. Take it off that agenda first, then remove the topic."
        )
    return ""


@transaction.atomic
def remove_forward_plan_item(item):
    """
    Take a topic off the forward work programme (dropped, or added by mistake). Refused as
    ``forward_plan_removal_refused`` says; a held or cancelled meeting's agenda keeps the item the topic became,
    as part of that meeting's record. The audit log keeps who removed what.
    """
    refused = forward_plan_removal_refused(item)
    if refused:
        raise ValidationError(refused)
    item.delete()


# --- Care Pledge and you said, we did ------------------------------------------------------------------


def save_commitment(commitment, /, **fields):
    return _save(commitment, **fields)


def add_pledge_update(*, commitment, rag, note, updated_by, updated_on=None):
    update = PledgeUpdate(commitment=commitment, rag=rag, note=note, updated_by=updated_by)
    if updated_on:
        update.updated_on = updated_on
    return _save(update)


def record_childrens_view(*, view, heard_on, source, recorded_by, commitment=None, service_area=""):
    return _save(
        ChildrensView(),
        view=view,
        heard_on=heard_on,
        source=source,
        recorded_by=recorded_by,
        commitment=commitment,
        service_area=service_area,
    )


def send_view(*, view, sent_by, commitment=None, service_area=""):
    """A young people's representative's own view, heard today; officers answer it in "you said, we did"."""
    permissions.check(permissions.may_send_view, sent_by, message="Only young people's representatives send views here.")
    return record_childrens_view(
        view=view, heard_on=timezone.localdate(), source=ViewSource.REPRESENTATIVE, recorded_by=sent_by,
        commitment=commitment, service_area=service_area,
    )


def respond_to_view(childrens_view, *, we_did, decision, reason, responded_by, published=False, responded_on=None):
    """Record (or revise) the board's answer to a view; ``reason`` is required so young people hear why."""
    try:
        response = childrens_view.response
    except Response.DoesNotExist:
        response = Response(childrens_view=childrens_view)
    fields = dict(we_did=we_did, decision=decision, reason=reason, responded_by=responded_by, published=published)
    if responded_on:
        fields["responded_on"] = responded_on
    return _save(response, **fields)
