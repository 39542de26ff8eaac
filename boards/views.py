"""
Pages for the board's business. Thin: check the role, find the objects the person may see (404 for anything
outside their boards or not belonging to the meeting in the URL), then call ``selectors`` or ``services``.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from core.collection_year import CollectionYear
from core.files import private_file_response
from core.permissions import (
    ALL_ROLES,
    BOARD_READERS,
    BOARD_STAFF,
    CLERKS,
    OFFICERS,
    YOUNG_PEOPLE,
    may_keep_pledge,
    may_send_view,
    may_run_board,
    may_update_action,
    role_required,
)

from . import selectors, services
from .forms import (
    ActionFilterForm,
    ActionForm,
    ActionUpdateForm,
    AgendaItemForm,
    AgendaTemplateChoiceForm,
    AgendaTemplateForm,
    ApologiesForm,
    DeclarationForm,
    AttendanceForm,
    BoardCreateForm,
    BoardForm,
    CoverSheetForm,
    ChildrensViewForm,
    CommitmentForm,
    ForwardPlanForm,
    MeetingForm,
    MembershipForm,
    MinuteCorrectionForm,
    MinuteForm,
    PaperForm,
    PledgeUpdateForm,
    RegisteredInterestForm,
    RepresentativeViewForm,
    ResponseForm,
    ResponseToRecommendationForm,
)
from .models import AgendaTemplate, Board, ChildrensView, Declaration, RegisteredInterest, ForwardPlanItem, Membership, Minute, Paper, PledgeCommitment, may_record_attendance

PAGE_SIZE = 20


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _form_page(request, form, *, title, back_url, back_label, caption=""):
    return render(
        request,
        "boards/form.html",
        {"form": form, "title": title, "caption": caption, "back_url": back_url, "back_label": back_label},
    )


def _confirm_page(request, *, title, warning, button, back_url, back_label, caption=""):
    """A page asking an officer to confirm a removal; the removal itself is the POST to the same URL."""
    return render(
        request,
        "boards/confirm_remove.html",
        {"title": title, "warning": warning, "button": button, "caption": caption, "back_url": back_url,
         "back_label": back_label},
    )


def _meeting(request, pk):
    return get_object_or_404(selectors.meetings_for(request.user), pk=pk)


def _agenda_item(meeting, item_pk):
    return get_object_or_404(meeting.agenda_items, pk=item_pk)


def _paper(meeting, paper_pk, *, published_only=False):
    """One of the meeting's papers (404 otherwise), with its agenda item."""
    papers = Paper.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item")
    return get_object_or_404(papers.filter(published=True) if published_only else papers, pk=paper_pk)


def _is_post(request):
    return request.method == "POST"


def _meeting_form(request, meeting, form, *, title, save, done, caption=None):
    """
    A form about a meeting: on a valid POST, ``save(cleaned_data)``, say ``done`` (or ``done(result)``) and go
    back to the meeting; otherwise show the form (with its errors) with a link back to the meeting.
    """
    if _is_post(request) and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:  # a rule the service checks (approved minutes, attendance dates...)
            form.add_error(None, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect("boards:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, form, title=title, caption=caption or str(meeting),
        back_url=reverse("boards:meeting_detail", args=[meeting.pk]), back_label="Back to the meeting",
    )


# --- Boards and members --------------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def meeting_list(request):
    upcoming = selectors.upcoming_meetings(request.user)[:10]
    past = _page(request, selectors.past_meetings(request.user))
    return render(
        request,
        "boards/meeting_list.html",
        {
            "boards": selectors.boards_for(request.user),
            "upcoming": upcoming,
            "page_obj": past,
            "can_edit": may_run_board(request.user),
            "is_clerk": request.user.role in CLERKS,
        },
    )


@role_required(*CLERKS)
def clerk_desk(request):
    return render(request, "boards/clerk_desk.html", selectors.clerk_desk())


@role_required(*BOARD_READERS)
def board_detail(request, pk):
    board = get_object_or_404(selectors.boards_for(request.user), pk=pk)
    return render(
        request,
        "boards/board_detail.html",
        {
            "board": board, "members": selectors.board_members(board), "can_edit": may_run_board(request.user),
            "is_clerk": request.user.role in CLERKS, "templates": board.agenda_templates.prefetch_related("items"),
        },
    )


@role_required(*BOARD_READERS)
def board_attendance(request, pk):
    board = get_object_or_404(selectors.boards_for(request.user), pk=pk)
    latest = CollectionYear.containing(timezone.localdate())
    try:
        year = CollectionYear(int(request.GET.get("year", latest.year)))
    except ValueError:
        year = latest
    if not 2000 <= year.year <= latest.year:
        year = latest
    rows = selectors.board_attendance(board, year.starts_on, year.ends_on)
    return render(
        request, "boards/board_attendance.html",
        {"board": board, "year": year, "rows": rows, "earlier": CollectionYear(year.year - 1),
         "later": CollectionYear(year.year + 1) if year.year < latest.year else None},
    )


@role_required(*CLERKS)
def board_create(request):
    form = BoardCreateForm(request.POST or None)
    if _is_post(request) and form.is_valid():
        board = services.create_board(**form.cleaned_data)
        messages.success(request, f"{board} is set up. Add its members.")
        return redirect("boards:board_detail", pk=board.pk)
    return _form_page(
        request, form, title="Set up a board", back_url=reverse("boards:meeting_list"), back_label="Back to meetings",
    )


@role_required(*CLERKS)
def board_edit(request, pk):
    board = get_object_or_404(Board, pk=pk)
    form = BoardForm(request.POST or None, instance=board)
    if _is_post(request) and form.is_valid():
        services.update_board(board, **form.cleaned_data)
        messages.success(request, f"{board} updated.")
        return redirect("boards:board_detail", pk=board.pk)
    return _form_page(
        request, form, title="Change the board's terms of reference", caption=str(board),
        back_url=reverse("boards:board_detail", args=[board.pk]), back_label="Back to the board",
    )


@role_required(*BOARD_STAFF)
def member_add(request, pk):
    board = get_object_or_404(Board, pk=pk)
    form = MembershipForm(request.POST or None, instance=Membership(board=board))
    if _is_post(request) and form.is_valid():
        membership = services.add_member(board=board, **form.cleaned_data)
        messages.success(request, f"{membership.user} added to {board}.")
        return redirect("boards:board_detail", pk=board.pk)
    return _form_page(
        request, form, title="Add a member", caption=str(board),
        back_url=reverse("boards:board_detail", args=[board.pk]), back_label="Back to the board",
    )


@role_required(*BOARD_STAFF)
def member_edit(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("board", "user"), pk=pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if _is_post(request) and form.is_valid():
        services.update_member(membership, **form.cleaned_data)
        messages.success(request, f"Membership of {membership.user} updated.")
        return redirect("boards:board_detail", pk=membership.board_id)
    return _form_page(
        request, form, title="Change a membership", caption=str(membership.board),
        back_url=reverse("boards:board_detail", args=[membership.board_id]), back_label="Back to the board",
    )


@role_required(*BOARD_STAFF)
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("board", "user"), pk=pk)
    back = reverse("boards:board_detail", args=[membership.board_id])
    refused = services.membership_removal_refused(membership)
    if refused:
        messages.info(request, refused)
        return redirect("boards:member_edit", pk=membership.pk)
    if _is_post(request):
        services.remove_member(membership)
        messages.success(request, f"{membership.user} removed from {membership.board}.")
        return redirect(back)
    return _confirm_page(
        request, title=f"Remove {membership.user} from the board?", caption=str(membership.board),
        warning="Only for a membership added by mistake: it will be as if it had never been. A member who leaves is "
        "given an end date instead.",
        button="Remove the membership", back_url=back, back_label="Back to the board",
    )


# --- Meetings ------------------------------------------------------------------------------------------


@role_required(*BOARD_STAFF)
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user)
    if _is_post(request) and form.is_valid():
        meeting = services.schedule_meeting(**form.cleaned_data)
        messages.success(request, f"Meeting scheduled: {meeting}.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, form, title="Schedule a meeting",
        back_url=reverse("boards:meeting_list"), back_label="Back to meetings",
    )


@role_required(*BOARD_READERS)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    context = selectors.meeting_detail(meeting, request.user)
    context["can_edit"] = may_run_board(request.user)
    context["may_record_attendance"] = may_record_attendance(meeting)
    context["is_clerk"] = request.user.role in CLERKS
    if context["is_clerk"]:
        context["template_form"] = AgendaTemplateChoiceForm(board=meeting.board)
    return render(request, "boards/meeting_detail.html", context)


@role_required(*BOARD_STAFF)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)

    def save(data):
        services.update_meeting(meeting, **{key: value for key, value in data.items() if key != "board"})

    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    return _meeting_form(request, meeting, form, title="Change the meeting", save=save, done="Meeting updated.")


@require_POST
@role_required(*CLERKS)
def agenda_publish(request, pk):
    meeting = _meeting(request, pk)
    try:
        services.publish_agenda(meeting, published_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("boards:meeting_detail", pk=meeting.pk)
    if meeting.agenda_published_in_time:
        messages.success(request, "The agenda and papers are published, in time, and members have been told by email.")
    else:
        messages.warning(
            request,
            "The agenda and papers are published and members have been told, but fewer than five clear working days "
            f"before the meeting (the deadline was {meeting.agenda_deadline:%-d %B %Y}). The chair must agree any late "
            "item as urgent, with the reason recorded in the minutes.",
        )
    return redirect("boards:meeting_detail", pk=meeting.pk)


@role_required(*BOARD_STAFF)
def agenda_item_add(request, pk):
    meeting = _meeting(request, pk)
    return _meeting_form(
        request, meeting, AgendaItemForm(request.POST or None), title="Add an agenda item",
        save=lambda data: services.add_agenda_item(meeting=meeting, **data), done="Agenda item added.",
    )


@role_required(*BOARD_STAFF)
def agenda_item_edit(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _agenda_item(meeting, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    return _meeting_form(
        request, meeting, form, title="Change the agenda item", done="Agenda item updated.",
        save=lambda data: services.update_agenda_item(item, **data),
    )


@role_required(*BOARD_STAFF)
def agenda_item_remove(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _agenda_item(meeting, item_pk)
    refused = services.removal_refused(item)
    if refused:
        messages.info(request, refused)
        return redirect("boards:meeting_detail", pk=meeting.pk)
    if _is_post(request):
        services.remove_agenda_item(item)
        messages.success(request, f"\u201c{item.title}\u201d taken off the agenda.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    papers = item.papers.count()
    return _confirm_page(
        request, title=f"Take \u201c{item.title}\u201d off the agenda?", caption=str(meeting),
        warning="The item will be removed from the agenda" + (
            f", with its {papers} paper{'s' if papers != 1 else ''} and their files." if papers else "."
        ),
        button="Remove the item", back_url=reverse("boards:meeting_detail", args=[meeting.pk]),
        back_label="Back to the meeting",
    )


@require_POST
@role_required(*BOARD_STAFF)
def agenda_item_move(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _agenda_item(meeting, item_pk)
    up = request.POST.get("direction") == "up"
    services.move_agenda_item(item, up=up)
    messages.success(request, f"\u201c{item.title}\u201d moved {'up' if up else 'down'}.")
    return redirect(reverse("boards:meeting_detail", args=[meeting.pk]) + f"#item-{item.pk}")


@require_POST
@role_required(*CLERKS)
def agenda_from_template(request, pk):
    meeting = _meeting(request, pk)
    form = AgendaTemplateChoiceForm(request.POST, board=meeting.board)
    if not form.is_valid():
        messages.error(request, "Choose one of the board's agenda templates.")
    else:
        try:
            added = services.apply_template(meeting, form.cleaned_data["template"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{added} item{'s' if added != 1 else ''} added from \u201c{form.cleaned_data['template']}\u201d.")
    return redirect("boards:meeting_detail", pk=meeting.pk)


@role_required(*CLERKS)
def agenda_save_template(request, pk):
    meeting = _meeting(request, pk)
    return _meeting_form(
        request, meeting, AgendaTemplateForm(request.POST or None, board=meeting.board),
        title="Save this agenda as a template",
        save=lambda data: services.create_template(board=meeting.board, name=data["name"], from_meeting=meeting),
        done=lambda template: f"Template \u201c{template}\u201d saved for {meeting.board}.",
    )


@require_POST
@role_required(*CLERKS)
def template_standard(request, pk):
    board = get_object_or_404(Board, pk=pk)
    if board.agenda_templates.filter(name=services.STANDARD_TEMPLATE_NAME).exists():
        messages.info(request, f"{board} already has the \u201c{services.STANDARD_TEMPLATE_NAME}\u201d template.")
    else:
        services.create_template(board=board, name=services.STANDARD_TEMPLATE_NAME)
        messages.success(request, f"Template \u201c{services.STANDARD_TEMPLATE_NAME}\u201d added.")
    return redirect("boards:board_detail", pk=board.pk)


@role_required(*CLERKS)
def template_remove(request, pk):
    template = get_object_or_404(AgendaTemplate.objects.select_related("board"), pk=pk)
    back = reverse("boards:board_detail", args=[template.board_id])
    if _is_post(request):
        template.delete()
        messages.success(request, f"Template \u201c{template}\u201d removed. Agendas built from it are unchanged.")
        return redirect(back)
    return _confirm_page(
        request, title=f"Remove the template \u201c{template}\u201d?", caption=str(template.board),
        warning="Agendas already built from it keep their items.", button="Remove the template",
        back_url=back, back_label="Back to the board",
    )


@require_POST
@role_required(*BOARD_STAFF)
def forward_plan_to_agenda(request, pk):
    meeting = _meeting(request, pk)
    added = services.add_forward_plan_topics(meeting)
    messages.success(request, f"{len(added)} forward plan topic{'s' if len(added) != 1 else ''} added to the agenda.")
    return redirect("boards:meeting_detail", pk=meeting.pk)


@role_required(*BOARD_STAFF)
def paper_add(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _agenda_item(meeting, item_pk)
    return _meeting_form(
        request, meeting, PaperForm(request.POST or None, request.FILES or None, agenda_item=item),
        title="Upload a report with its cover sheet", caption=f"{meeting}: {item}", done="Paper uploaded.",
        save=lambda data: services.upload_paper(agenda_item=item, uploaded_by=request.user, **data),
    )


@role_required(*BOARD_STAFF)
def paper_edit(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    paper = _paper(meeting, paper_pk)
    return _meeting_form(
        request, meeting, CoverSheetForm(request.POST or None, instance=paper, agenda_item=paper.agenda_item),
        title="Change the report's cover sheet", caption=f"{meeting}: {paper.agenda_item}", done="Cover sheet saved.",
        save=lambda data: services.update_cover_sheet(paper, **data),
    )


@role_required(*BOARD_READERS)
def paper_download(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    paper = _paper(meeting, paper_pk, published_only=not selectors.sees_unpublished_papers(request.user))
    return private_file_response(paper.file)


@require_POST
@role_required(*BOARD_STAFF)
def paper_publish(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    paper = _paper(meeting, paper_pk)
    if request.POST.get("publish") == "1":
        services.publish_paper(paper)
        messages.success(request, f"{paper} is published to board members.")
    else:
        services.unpublish_paper(paper)
        messages.success(request, f"{paper} is withdrawn; only officers and the clerk can see it.")
    return redirect("boards:meeting_detail", pk=meeting.pk)


@role_required(*BOARD_STAFF)
def paper_remove(request, pk, paper_pk):
    meeting = _meeting(request, pk)
    paper = _paper(meeting, paper_pk)
    if _is_post(request):
        services.remove_paper(paper)
        messages.success(request, f"\u201c{paper.title}\u201d removed and its file deleted.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    return _confirm_page(
        request, title=f"Remove \u201c{paper.title}\u201d?", caption=f"{meeting}: {paper.agenda_item}",
        warning="The paper and its file will be deleted for everyone. Anyone who downloaded it keeps their copy.",
        button="Remove the paper", back_url=reverse("boards:meeting_detail", args=[meeting.pk]),
        back_label="Back to the meeting",
    )


@role_required(*BOARD_STAFF)
def attendance(request, pk):
    meeting = _meeting(request, pk)
    if not may_record_attendance(meeting):
        messages.info(request, "Attendance is recorded on the day of the meeting. Until then you can record apologies.")
        return redirect("boards:apologies", pk=meeting.pk)
    if _is_post(request) and "all_present" in request.POST:
        quorum = services.record_all_present(meeting)
        messages.success(request, f"Everyone recorded present, except apologies received. {quorum}.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    recorded = {a.membership_id: a for a in selectors.attendance_for(meeting)}
    memberships = selectors.current_memberships(meeting.board, meeting.date)
    form = AttendanceForm(request.POST or None, memberships=memberships, recorded=recorded)
    if _is_post(request) and form.is_valid():
        quorum = services.record_attendance(meeting, form.entries())
        messages.success(request, f"Attendance saved. {quorum}.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    return render(request, "boards/attendance.html", {"form": form, "meeting": meeting, "title": "Record attendance and apologies"})


@role_required(*BOARD_STAFF)
def apologies(request, pk):
    meeting = _meeting(request, pk)
    form = ApologiesForm(request.POST or None, memberships=selectors.current_memberships(meeting.board, meeting.date))

    def save(data):
        return services.record_apologies(meeting, data["membership"], substitute=data["substitute"])

    return _meeting_form(
        request, meeting, form, title="Record apologies", save=save,
        done=lambda quorum: "Apologies recorded.",
    )


@role_required(*BOARD_STAFF)
def minute_add(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _agenda_item(meeting, item_pk)
    return _meeting_form(
        request, meeting, MinuteForm(request.POST or None), title="Record a minute, decision or recommendation",
        caption=f"{meeting}: {item}", done="Minute recorded.",
        save=lambda data: services.record_minute(agenda_item=item, recorded_by=request.user, **data),
    )


def _minute(meeting, minute_pk):
    return get_object_or_404(
        Minute.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item"), pk=minute_pk
    )


def _approved_elsewhere(request, meeting, minute):
    """Approved minutes are fixed: send the clerk to record a correction instead."""
    messages.info(request, services.APPROVED_MESSAGE)
    if request.user.role not in CLERKS:
        return redirect("boards:meeting_detail", pk=meeting.pk)
    return redirect("boards:minute_correct", pk=meeting.pk, minute_pk=minute.pk)


@role_required(*BOARD_STAFF)
def minute_edit(request, pk, minute_pk):
    meeting = _meeting(request, pk)
    minute = _minute(meeting, minute_pk)
    if meeting.minutes_approved:
        return _approved_elsewhere(request, meeting, minute)
    kind = minute.get_kind_display()
    return _meeting_form(
        request, meeting, MinuteForm(request.POST or None, instance=minute), title=f"Change a draft {kind.lower()}",
        caption=f"{meeting}: {minute.agenda_item}", done=f"{kind} changed.",
        save=lambda data: services.update_minute(minute, **data),
    )


@role_required(*BOARD_STAFF)
def minute_remove(request, pk, minute_pk):
    meeting = _meeting(request, pk)
    minute = _minute(meeting, minute_pk)
    if meeting.minutes_approved:
        return _approved_elsewhere(request, meeting, minute)
    kind = minute.get_kind_display().lower()
    if _is_post(request):
        services.remove_minute(minute)
        messages.success(request, f"The {kind} was removed.")
        return redirect("boards:meeting_detail", pk=meeting.pk)
    return _confirm_page(
        request, title=f"Remove this {kind}?", caption=f"{meeting}: {minute.agenda_item}",
        warning=f"\u201c{minute.text[:200]}\u201d will no longer be part of the record of this meeting.",
        button=f"Remove the {kind}", back_url=reverse("boards:meeting_detail", args=[meeting.pk]),
        back_label="Back to the meeting",
    )


@role_required(*CLERKS)
def minute_correct(request, pk, minute_pk):
    meeting = _meeting(request, pk)
    minute = _minute(meeting, minute_pk)
    form = MinuteCorrectionForm(request.POST or None, initial={"text": minute.text})
    return _meeting_form(
        request, meeting, form, title=f"Correct approved minute {minute.number}",
        caption=f"{meeting}: {minute.agenda_item}", done=f"Correction to minute {minute.number} recorded.",
        save=lambda data: services.correct_approved_minute(minute, corrected_by=request.user, **data),
    )


@require_POST
@role_required(*CLERKS)
def minutes_approve(request, pk):
    meeting = _meeting(request, pk)
    try:
        previous = services.approve_minutes(meeting, approved_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The minutes of {previous} are approved as a correct record and now fixed.")
    return redirect("boards:meeting_detail", pk=meeting.pk)


@role_required(*BOARD_STAFF)
def declaration_add(request, pk):
    meeting = _meeting(request, pk)
    form = DeclarationForm(request.POST or None, meeting=meeting, instance=Declaration(meeting=meeting))
    return _meeting_form(
        request, meeting, form, title="Record a declaration of interest", done="Declaration of interest recorded.",
        save=lambda data: services.record_declaration(meeting=meeting, recorded_by=request.user, **data),
    )


@role_required(*BOARD_STAFF)
def declaration_remove(request, pk, declaration_pk):
    meeting = _meeting(request, pk)
    declaration = get_object_or_404(meeting.declarations.select_related("membership__user"), pk=declaration_pk)
    back = reverse("boards:meeting_detail", args=[meeting.pk])
    if _is_post(request):
        try:
            services.remove_declaration(declaration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The declaration was removed.")
        return redirect(back)
    return _confirm_page(
        request, title="Remove this declaration?", caption=str(meeting),
        warning=f"{declaration.membership.user}'s declaration will no longer be part of the record of this meeting.",
        button="Remove the declaration", back_url=back, back_label="Back to the meeting",
    )


@role_required(*BOARD_READERS)
def public_agenda(request, pk):
    """The public part of the meeting: the agenda, published papers and minutes, without exempt business."""
    meeting = _meeting(request, pk)
    return render(
        request, "boards/public_agenda.html",
        {"meeting": meeting, "agenda_items": selectors.agenda(meeting, include_unpublished=False)},
    )


@role_required(*BOARD_READERS)
def register_of_interests(request):
    include_ended = request.GET.get("show") == "all"
    return render(
        request, "boards/register.html",
        {
            "page_obj": _page(request, selectors.register_of_interests(include_ended=include_ended)),
            "include_ended": include_ended, "is_clerk": request.user.role in CLERKS,
        },
    )


@role_required(*CLERKS)
def register_add(request):
    return _register_form(request, RegisteredInterest(), "Add to the register of interests")


@role_required(*CLERKS)
def register_edit(request, pk):
    return _register_form(request, get_object_or_404(RegisteredInterest, pk=pk), "Change or end a registered interest")


def _register_form(request, entry, title):
    form = RegisteredInterestForm(request.POST or None, instance=entry)
    if _is_post(request) and form.is_valid():
        services.save_registered_interest(entry, **form.cleaned_data)
        messages.success(request, "The register of interests is updated.")
        return redirect("boards:register")
    return _form_page(
        request, form, title=title, back_url=reverse("boards:register"), back_label="Back to the register"
    )


@role_required(*BOARD_READERS)
def recommendation_list(request):
    outstanding = request.GET.get("show") != "all"
    found = selectors.recommendations(request.user, outstanding_only=outstanding)
    return render(
        request, "boards/recommendation_list.html",
        {"page_obj": _page(request, found), "outstanding": outstanding, "is_clerk": request.user.role in CLERKS},
    )


@role_required(*CLERKS)
def recommendation_response(request, pk):
    minute = get_object_or_404(selectors.recommendations(request.user), pk=pk)
    form = ResponseToRecommendationForm(request.POST or None, instance=minute)
    if _is_post(request) and form.is_valid():
        services.record_response(
            minute, response=form.cleaned_data["response"], received_on=form.cleaned_data["response_received_on"]
        )
        messages.success(request, f"Response to recommendation {minute.number} recorded.")
        return redirect("boards:recommendation_list")
    return _form_page(
        request, form, title=f"Response from {minute.recommended_to}",
        caption=f"Recommendation {minute.number}: {minute.text[:120]}",
        back_url=reverse("boards:recommendation_list"), back_label="Back to recommendations",
    )


@role_required(*BOARD_STAFF)
def action_add(request, pk):
    meeting = _meeting(request, pk)
    return _meeting_form(
        request, meeting, ActionForm(request.POST or None, meeting=meeting), title="Add an action",
        save=lambda data: services.create_action(meeting=meeting, **data), done="Action added to the action log.",
    )


@require_POST
@role_required(*BOARD_STAFF)
def carry_forward(request, pk):
    meeting = _meeting(request, pk)
    item = services.carry_forward_overdue_actions(meeting)
    if item is None:
        messages.info(request, "There are no overdue actions to carry into this meeting (or it is not scheduled).")
    else:
        messages.success(request, f"The agenda lists {item.carried_actions.count()} overdue actions.")
    return redirect("boards:meeting_detail", pk=meeting.pk)


# --- Action log ----------------------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def action_list(request):
    form = ActionFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    actions = selectors.action_log(
        request.user,
        status=filters.get("status") or None,
        owner=filters.get("owner"),
        overdue_only=filters.get("overdue", False),
    )
    return render(request, "boards/action_list.html", {"filter_form": form, "page_obj": _page(request, actions)})


@role_required(*BOARD_READERS)
def action_detail(request, pk):
    action = get_object_or_404(selectors.action_log(request.user), pk=pk)
    may_update = may_update_action(request.user, action)
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status}, action=action, may_reassign=may_run_board(request.user)
    )
    if _is_post(request):
        if not may_update:
            raise PermissionDenied("Only the action's owner, officers and the clerk can update it.")
        if form.is_valid():
            try:
                services.change_action(action, updated_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Update added to the action.")
                return redirect("boards:action_detail", pk=action.pk)
    return render(
        request,
        "boards/action_detail.html",
        {"action": action, "updates": action.updates.select_related("updated_by"), "form": form if may_update else None},
    )


# --- Forward work programme ----------------------------------------------------------------------------


@role_required(*BOARD_READERS)
def forward_plan(request):
    return render(
        request,
        "boards/forward_plan.html",
        {"page_obj": _page(request, selectors.forward_plan(request.user)), "can_edit": may_run_board(request.user)},
    )


@role_required(*BOARD_STAFF)
def forward_plan_add(request):
    return _forward_plan_form(request, ForwardPlanItem(), "Add a topic to the forward plan")


@role_required(*BOARD_STAFF)
def forward_plan_edit(request, pk):
    return _forward_plan_form(request, get_object_or_404(ForwardPlanItem, pk=pk), "Change a forward plan topic")


@role_required(*BOARD_STAFF)
def forward_plan_remove(request, pk):
    item = get_object_or_404(
        ForwardPlanItem.objects.filter(board__in=selectors.boards_for(request.user)).select_related(
            "agenda_item__meeting"
        ),
        pk=pk,
    )
    back = reverse("boards:forward_plan")
    refused = services.forward_plan_removal_refused(item)
    if refused:
        messages.info(request, refused)
        return redirect(back)
    if _is_post(request):
        services.remove_forward_plan_item(item)
        messages.success(request, f"\u201c{item.topic}\u201d taken off the forward plan.")
        return redirect(back)
    agenda_item = getattr(item, "agenda_item", None)
    warning = "The topic will be taken off the forward work programme for everyone."
    if agenda_item is not None:
        warning += (
            f" The agenda of the meeting on {agenda_item.meeting.date:%-d %B %Y} keeps its item "
            f"\u201c{agenda_item.title}\u201d, as part of that meeting's record."
        )
    return _confirm_page(
        request, title=f"Take \u201c{item.topic}\u201d off the forward plan?", caption=str(item.board),
        warning=warning, button="Remove the topic", back_url=back, back_label="Back to the forward plan",
    )


def _forward_plan_form(request, item, title):
    form = ForwardPlanForm(request.POST or None, instance=item, user=request.user)
    if _is_post(request) and form.is_valid():
        try:
            services.save_forward_plan_item(item, **form.cleaned_data)
        except ValidationError as error:  # moved away from the agenda of a meeting still to come
            form.add_error(None, error)
        else:
            messages.success(request, "Forward plan saved.")
            return redirect("boards:forward_plan")
    return _form_page(
        request, form, title=title, back_url=reverse("boards:forward_plan"), back_label="Back to the forward plan"
    )


# --- Care Pledge ---------------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def pledge(request):
    progress = selectors.pledge_progress()
    counts = selectors.rag_counts(progress)
    return render(
        request,
        "boards/pledge.html",
        {
            "progress": progress,
            "rag_counts": counts,
            "can_edit": may_keep_pledge(request.user),
            "retired": selectors.retired_commitments() if may_keep_pledge(request.user) else [],
        },
    )


@role_required(*ALL_ROLES)
def commitment_detail(request, pk):
    commitment = get_object_or_404(selectors.pledge_with_history(include_retired=may_keep_pledge(request.user)), pk=pk)
    return render(
        request,
        "boards/commitment_detail.html",
        {
            "commitment": commitment,
            "views": selectors.feedback_for(request.user).filter(commitment=commitment),
            "can_edit": may_keep_pledge(request.user),
        },
    )


@role_required(*OFFICERS)
def commitment_add(request):
    return _commitment_form(request, PledgeCommitment(), "Add a pledge commitment")


@role_required(*OFFICERS)
def commitment_edit(request, pk):
    return _commitment_form(request, get_object_or_404(PledgeCommitment, pk=pk), "Change a pledge commitment")


def _commitment_form(request, commitment, title):
    form = CommitmentForm(request.POST or None, instance=commitment)
    if _is_post(request) and form.is_valid():
        services.save_commitment(commitment, **form.cleaned_data)
        messages.success(request, "Pledge commitment saved.")
        return redirect("boards:commitment_detail", pk=commitment.pk)
    return _form_page(request, form, title=title, back_url=reverse("boards:pledge"), back_label="Back to the Care Pledge")


@role_required(*OFFICERS)
def pledge_update_add(request, pk):
    commitment = get_object_or_404(PledgeCommitment, pk=pk)
    form = PledgeUpdateForm(request.POST or None)
    if _is_post(request) and form.is_valid():
        services.add_pledge_update(commitment=commitment, updated_by=request.user, **form.cleaned_data)
        messages.success(request, "Progress update added.")
        return redirect("boards:commitment_detail", pk=commitment.pk)
    return _form_page(
        request, form, title="Add a progress update", caption=str(commitment),
        back_url=reverse("boards:commitment_detail", args=[commitment.pk]), back_label="Back to the commitment",
    )


# --- You said, we did ----------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def feedback(request):
    views = selectors.feedback_for(request.user)
    return render(
        request,
        "boards/feedback.html",
        {
            "page_obj": _page(request, views),
            "can_edit": may_keep_pledge(request.user),
            "for_young_people": request.user.role == Role.YOUNG_PERSON,
            "may_send_view": may_send_view(request.user),
            "views_sent": selectors.views_sent_by(request.user) if may_send_view(request.user) else [],
        },
    )


@role_required(*YOUNG_PEOPLE)
def view_send(request):
    """A young people's representative sends the board a view of their own."""
    form = RepresentativeViewForm(request.POST or None)
    if _is_post(request) and form.is_valid():
        try:
            services.send_view(sent_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you. Your view has gone to the board. Its answer will appear here.")
            return redirect("boards:feedback")
    return _form_page(
        request, form, title="Tell the board what you think",
        back_url=reverse("boards:feedback"), back_label="Back to you said, we did",
    )


# --- Young people's representatives: the public part of their boards' meetings -------------------------


def _representative_meeting(request, pk):
    return get_object_or_404(selectors.representative_meetings(request.user), pk=pk)


@role_required(*YOUNG_PEOPLE)
def representative_meetings(request):
    meetings = selectors.representative_meetings(request.user)
    now = timezone.now()
    return render(
        request, "boards/representative_meetings.html",
        {
            "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at"),
            "past": meetings.filter(starts_at__lt=now).order_by("-starts_at"),
        },
    )


@role_required(*YOUNG_PEOPLE)
def representative_meeting(request, pk):
    from public import selectors as public_selectors

    meeting = _representative_meeting(request, pk)
    return render(
        request, "boards/representative_meeting.html",
        {"meeting": meeting, **public_selectors.for_representative(meeting)},
    )


@role_required(*YOUNG_PEOPLE)
def representative_paper(request, pk, paper_pk):
    from public import selectors as public_selectors

    meeting = _representative_meeting(request, pk)
    paper = get_object_or_404(public_selectors.representative_papers(), agenda_item__meeting=meeting, pk=paper_pk)
    return private_file_response(paper.file)


@role_required(*OFFICERS)
def view_add(request):
    form = ChildrensViewForm(request.POST or None)
    if _is_post(request) and form.is_valid():
        try:
            view = services.record_childrens_view(recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "View recorded. Add the board's response when it has one.")
            return redirect("boards:respond", pk=view.pk)
    return _form_page(
        request, form, title="Record what young people said",
        back_url=reverse("boards:feedback"), back_label="Back to you said, we did",
    )


@role_required(*OFFICERS)
def respond(request, pk):
    view = get_object_or_404(ChildrensView.objects.select_related("response"), pk=pk)
    existing = view.response if hasattr(view, "response") else None
    form = ResponseForm(request.POST or None, instance=existing)
    if _is_post(request) and form.is_valid():
        services.respond_to_view(view, responded_by=request.user, **form.cleaned_data)
        messages.success(request, "Response saved.")
        return redirect("boards:feedback")
    return _form_page(
        request, form, title="We did: the board's response", caption=f"You said: {view.view}",
        back_url=reverse("boards:feedback"), back_label="Back to you said, we did",
    )
