"""
The agenda: standard items in the usual order of business, templates per board, moving items up and down,
forward plan topics becoming items, and actions completed since the last meeting reported once.
"""
import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.models import Role
from boards import selectors, services
from boards.models import ActionStatus, AgendaItemKind, Board, ForwardPlanItem, MeetingStatus, Theme

from .conftest import at

USUAL_ORDER = [
    "Apologies and substitutions",
    "Declarations of interest",
    "Minutes of the previous meeting",
    "Matters arising and the action log",
    "Forward work programme",
    "Any other business",
]


def titles(meeting):
    return list(meeting.agenda_items.order_by("order", "id").values_list("title", flat=True))


def orders(meeting):
    return list(meeting.agenda_items.order_by("order", "id").values_list("order", flat=True))


@pytest.fixture
def meeting(board, today):
    return services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=30)), venue="Hall")


def test_the_standard_template_has_the_standard_items_in_the_usual_order(board):
    template = services.create_template(board=board, name="Standard agenda")
    assert list(template.items.values_list("title", flat=True)) == USUAL_ORDER


def test_reports_go_between_the_opening_and_closing_items_whatever_order_they_are_added_in(board, meeting):
    services.add_agenda_item(meeting=meeting, title="Any other business", kind=AgendaItemKind.AOB)
    services.add_agenda_item(meeting=meeting, title="Care leavers' housing")
    services.add_agenda_item(meeting=meeting, title="Apologies and substitutions", kind=AgendaItemKind.APOLOGIES)
    services.add_agenda_item(meeting=meeting, title="Health assessments")
    services.apply_template(meeting, services.create_template(board=board, name="Standard agenda"))
    assert titles(meeting) == [*USUAL_ORDER[:4], "Care leavers' housing", "Health assessments", *USUAL_ORDER[4:]]
    assert orders(meeting) == list(range(1, 9))  # numbered as they are listed, no hidden numbers


def test_a_standard_item_comes_once(board, meeting):
    template = services.create_template(board=board, name="Standard agenda")
    services.apply_template(meeting, template)
    assert services.apply_template(meeting, template) == 0
    with pytest.raises(ValidationError, match="already has"):
        services.add_agenda_item(meeting=meeting, title="AOB", kind=AgendaItemKind.AOB)
    assert titles(meeting) == USUAL_ORDER


def test_the_overdue_action_log_takes_its_usual_place_not_first(board, meeting, make_user, today):
    services.apply_template(meeting, services.create_template(board=board, name="Short", from_meeting=None))
    meeting.agenda_items.filter(kind=AgendaItemKind.ACTION_LOG).delete()
    earlier = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=60)), venue="Hall", status=MeetingStatus.HELD
    )
    services.create_action(meeting=earlier, description="Overdue", owner=make_user(), due_on=today - datetime.timedelta(days=5))
    assert titles(meeting) == USUAL_ORDER  # back, fourth, after the minutes of the previous meeting
    assert [a.description for a in meeting.agenda_items.get(kind=AgendaItemKind.ACTION_LOG).carried_actions.all()] == ["Overdue"]


def test_items_move_up_and_down_and_stay_numbered_in_order(board, meeting):
    first = services.add_agenda_item(meeting=meeting, title="First")
    second = services.add_agenda_item(meeting=meeting, title="Second")
    third = services.add_agenda_item(meeting=meeting, title="Third")
    services.move_agenda_item(third, up=True)
    assert titles(meeting) == ["First", "Third", "Second"]
    services.move_agenda_item(first, up=False)
    assert titles(meeting) == ["Third", "First", "Second"]
    services.move_agenda_item(second, up=False)  # already last: nothing moves
    assert titles(meeting) == ["Third", "First", "Second"] and orders(meeting) == [1, 2, 3]


def test_a_template_can_be_saved_from_a_meetings_agenda_and_used_for_the_next(board, meeting, today):
    services.apply_template(meeting, services.create_template(board=board, name="Standard agenda"))
    services.add_agenda_item(meeting=meeting, title="Children in Care Council update", summary="From the young people.")
    template = services.create_template(board=board, name="With the CiCC", from_meeting=meeting)
    later = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=90)), venue="Hall")
    services.apply_template(later, template)
    assert titles(later) == titles(meeting)
    assert later.agenda_items.get(title__startswith="Children").summary == "From the young people."


def test_a_template_of_another_board_is_refused(board, meeting):
    other = Board.objects.create(name="Another", terms_of_reference="x", quorum=1)
    with pytest.raises(ValidationError):
        services.apply_template(meeting, services.create_template(board=other, name="Theirs"))


def test_forward_plan_topics_become_report_items_once(board, meeting, make_user):
    lead = make_user(Role.OFFICER)
    topic = services.save_forward_plan_item(
        ForwardPlanItem(board=board), theme=Theme.HOUSING, topic="Staying close", planned_meeting=meeting,
        partner_asked="Housing options", lead=lead,
    )
    services.apply_template(meeting, services.create_template(board=board, name="Standard agenda"))
    item = meeting.agenda_items.get(title="Staying close")
    assert (item.kind, item.report_author, item.forward_plan_item) == (AgendaItemKind.ITEM, lead, topic)
    assert titles(meeting).index("Staying close") == 4  # after the action log, before the forward programme
    assert services.add_forward_plan_topics(meeting) == []


def test_done_actions_are_reported_as_completed_once_at_the_next_meeting(board, make_user, today):
    owner = make_user()
    first = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=120)), venue="Hall", status=MeetingStatus.HELD
    )
    second = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=60)), venue="Hall", status=MeetingStatus.HELD
    )
    third = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=10)), venue="Hall")
    action = services.create_action(meeting=first, description="Write to the ICB", owner=owner, due_on=today)
    services.change_action(
        action, updated_by=owner, note="Sent.", status=ActionStatus.DONE, updated_at=at(today - datetime.timedelta(days=90))
    )
    other = services.create_action(meeting=second, description="Visit the children's home", owner=owner, due_on=today)
    services.change_action(other, updated_by=owner, note="Visited.", status=ActionStatus.DONE, updated_at=at(today - datetime.timedelta(days=3)))
    assert [a.description for a in selectors.completed_since_last_meeting(second)] == ["Write to the ICB"]
    assert [a.description for a in selectors.completed_since_last_meeting(third)] == ["Visit the children's home"]
    log = next(item for item in selectors.agenda(third) if item.kind == AgendaItemKind.ACTION_LOG)
    assert [a.description for a in log.completed_actions] == ["Visit the children's home"]


def test_owner_and_due_date_change_with_the_history_kept(board, make_user, today):
    first_owner, second_owner, clerk = make_user(), make_user(), make_user(Role.ADMINISTRATOR)
    meeting = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=10)), venue="Hall", status=MeetingStatus.HELD
    )
    action = services.create_action(meeting=meeting, description="Audit", owner=first_owner, due_on=today)
    new_due = today + datetime.timedelta(days=28)
    update = services.change_action(action, updated_by=clerk, owner=second_owner, due_on=new_due, note="Agreed by the chair.")
    action.refresh_from_db()
    assert (action.owner, action.due_on, action.status) == (second_owner, new_due, ActionStatus.OPEN)
    assert (update.previous_owner, update.new_owner, update.previous_due_on, update.new_due_on) == (
        first_owner, second_owner, today, new_due
    )
    assert "Owner changed from" in update.note and "Agreed by the chair." in update.note
    with pytest.raises(ValidationError):
        services.change_action(action, updated_by=clerk, owner=second_owner, due_on=new_due)  # nothing changed


def test_the_clerk_moves_an_item_and_builds_from_a_template_through_the_pages(client, board, meeting, make_user):
    clerk = make_user(Role.ADMINISTRATOR)
    client.force_login(clerk)
    client.post(reverse("boards:template_standard", args=[board.pk]))
    template = board.agenda_templates.get()
    client.post(reverse("boards:agenda_from_template", args=[meeting.pk]), {"template": template.pk})
    assert titles(meeting) == USUAL_ORDER
    aob = meeting.agenda_items.get(kind=AgendaItemKind.AOB)
    response = client.post(reverse("boards:agenda_item_move", args=[meeting.pk, aob.pk]), {"direction": "up"})
    assert response.url.endswith(f"#item-{aob.pk}")
    assert titles(meeting)[-2:] == ["Any other business", "Forward work programme"]


def test_the_clerk_takes_an_item_off_the_agenda_with_its_papers(
    client, board, meeting, make_user, django_capture_on_commit_callbacks
):
    clerk = make_user(Role.CLERK)
    wrong = services.add_agenda_item(meeting=meeting, title="Added by mistake")
    kept = services.add_agenda_item(meeting=meeting, title="Placement stability")
    paper = services.upload_paper(
        agenda_item=wrong, title="Wrong paper", uploaded_by=clerk, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="w.pdf")
    )
    client.force_login(clerk)
    url = reverse("boards:agenda_item_remove", args=[meeting.pk, wrong.pk])
    assert "Take \u201cAdded by mistake\u201d off the agenda?" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert list(meeting.agenda_items.values_list("title", "order")) == [("Placement stability", 1)]
    assert not paper.file.storage.exists(paper.file.name)
    # Once minutes are recorded on an item, or the meeting has been held, the agenda is part of the record.
    services.record_minute(agenda_item=kept, kind="minute", text="Noted.", recorded_by=clerk)
    with pytest.raises(ValidationError, match="remove them first"):
        services.remove_agenda_item(kept)
    services.update_meeting(meeting, status=MeetingStatus.CANCELLED)
    assert "held or cancelled" in services.removal_refused(kept)


def test_the_clerk_sets_up_a_board_with_its_first_agenda_template_through_the_page(client, board, meeting, make_user):
    services.add_agenda_item(meeting=meeting, kind=AgendaItemKind.APOLOGIES, title="Apologies")
    services.add_agenda_item(meeting=meeting, title="Placement stability", summary="Quarterly figures.")
    services.add_agenda_item(meeting=meeting, kind=AgendaItemKind.AOB, title="Any other business")
    quarterly = services.create_template(board=board, name="Quarterly", from_meeting=meeting)
    client.force_login(make_user(Role.CLERK))
    assert "Set up a board" in client.get(reverse("boards:meeting_list")).content.decode()
    form = html.unescape(client.get(reverse("boards:board_create")).content.decode())
    assert f"A copy of {board}'s \u201cQuarterly\u201d" in form and "The standard items in the usual order" in form
    terms = {
        "terms_of_reference": "Scrutinises the council's care leavers' offer.", "quorum": "3",
        "substitutes_count_towards_quorum": "on", "papers_due_working_days": "2",
    }

    copied = client.post(
        reverse("boards:board_create"), {"name": "Care Leavers' Panel", "agenda_template": quarterly.pk, **terms}
    )
    panel = Board.objects.get(name="Care Leavers' Panel")
    assert copied.url == reverse("boards:board_detail", args=[panel.pk])
    assert (panel.quorum, panel.substitutes_count_towards_quorum, panel.papers_due_working_days) == (3, True, 2)
    template = panel.agenda_templates.get()
    assert template.name == "Quarterly"
    assert list(template.items.values_list("kind", "title", "summary")) == [
        (AgendaItemKind.APOLOGIES, "Apologies", ""), (AgendaItemKind.ITEM, "Placement stability", "Quarterly figures."),
        (AgendaItemKind.AOB, "Any other business", ""),
    ]
    assert quarterly.items.count() == 3  # the original is untouched

    client.post(reverse("boards:board_create"), {"name": "Fostering Panel", "agenda_template": "standard", **terms})
    standard = Board.objects.get(name="Fostering Panel").agenda_templates.get()
    assert (standard.name, list(standard.items.values_list("title", flat=True))) == ("Standard agenda", USUAL_ORDER)

    client.post(reverse("boards:board_create"), {"name": "Virtual School Board", "agenda_template": "none", **terms})
    assert not Board.objects.get(name="Virtual School Board").agenda_templates.exists()

    refused = client.post(reverse("boards:board_create"), {"name": board.name, "agenda_template": "standard", **terms})
    assert refused.status_code == 200 and "already exists" in refused.content.decode()
    assert Board.objects.count() == 4


def test_a_councillor_cannot_set_up_a_board(client, make_user):
    client.force_login(make_user(Role.COUNCILLOR))
    assert "Set up a board" not in client.get(reverse("boards:meeting_list")).content.decode()
    response = client.post(
        reverse("boards:board_create"),
        {"name": "Mine", "terms_of_reference": "x", "quorum": "1", "papers_due_working_days": "1", "agenda_template": "none"},
    )
    assert response.status_code == 403 and not Board.objects.filter(name="Mine").exists()


def test_the_clerk_removes_a_forward_plan_topic_once_it_is_off_any_agenda_still_to_come(
    client, board, meeting, make_user, today
):
    from auditlog.models import LogEntry

    clerk = make_user(Role.CLERK)
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall", status=MeetingStatus.HELD
    )

    def topic(name, planned):
        return services.save_forward_plan_item(
            ForwardPlanItem(board=board), theme=Theme.HOUSING, topic=name, planned_meeting=planned, partner_asked="Housing"
        )

    dropped, on_agenda, reported = topic("Dropped", None), topic("Staying close", meeting), topic("Reported", held)
    services.add_forward_plan_topics(meeting)
    services.add_forward_plan_topics(held)
    client.force_login(clerk)
    assert reverse("boards:forward_plan_remove", args=[dropped.pk]) in client.get(reverse("boards:forward_plan")).content.decode()

    # Not on any agenda: a confirmation page, then the POST removes it, in the audit trail.
    url = reverse("boards:forward_plan_remove", args=[dropped.pk])
    assert "Take \u201cDropped\u201d off the forward plan?" in client.get(url).content.decode()
    assert client.post(url).url == reverse("boards:forward_plan")
    assert not ForwardPlanItem.objects.filter(pk=dropped.pk).exists()
    entry = LogEntry.objects.get(object_pk=str(dropped.pk), action=LogEntry.Action.DELETE, object_repr="Dropped")
    assert entry.actor == clerk

    # On the agenda of a meeting still to come: refused until its item comes off that agenda.
    url = reverse("boards:forward_plan_remove", args=[on_agenda.pk])
    refused = client.post(url, follow=True).content.decode()
    assert "Take it off that agenda first" in refused and ForwardPlanItem.objects.filter(pk=on_agenda.pk).exists()
    services.remove_agenda_item(meeting.agenda_items.get(title="Staying close"))
    client.post(url, {"confirm": "1"})
    assert not ForwardPlanItem.objects.filter(pk=on_agenda.pk).exists()

    # Reported at a meeting already held: the topic goes, the held meeting's agenda keeps its item.
    url = reverse("boards:forward_plan_remove", args=[reported.pk])
    assert "keeps its item \u201cReported\u201d" in client.get(url).content.decode()
    client.post(url)
    assert held.agenda_items.get(title="Reported").forward_plan_item is None
    assert not ForwardPlanItem.objects.filter(pk=reported.pk).exists()


def test_a_councillor_cannot_remove_a_forward_plan_topic(client, board, make_user):
    topic = services.save_forward_plan_item(
        ForwardPlanItem(board=board), theme=Theme.HOUSING, topic="Staying close", partner_asked="Housing"
    )
    client.force_login(make_user(Role.COUNCILLOR))
    assert client.post(reverse("boards:forward_plan_remove", args=[topic.pk])).status_code == 403
    assert ForwardPlanItem.objects.filter(pk=topic.pk).exists()


def test_a_topic_moves_to_another_meeting_only_once_off_any_agenda_still_to_come(client, board, meeting, make_user, today):
    held = services.schedule_meeting(
        board=board, starts_at=at(today - datetime.timedelta(days=30)), venue="Hall", status=MeetingStatus.HELD
    )
    later = services.schedule_meeting(board=board, starts_at=at(today + datetime.timedelta(days=90)), venue="Hall")
    topic = services.save_forward_plan_item(
        ForwardPlanItem(board=board), theme=Theme.HOUSING, topic="Staying close", planned_meeting=meeting,
        partner_asked="Housing",
    )
    services.add_forward_plan_topics(meeting)
    client.force_login(make_user(Role.CLERK))
    fields = {"board": board.pk, "theme": Theme.HOUSING, "topic": "Staying close", "partner_asked": "Housing"}
    refused = client.post(reverse("boards:forward_plan_edit", args=[topic.pk]), {**fields, "planned_meeting": later.pk})
    assert refused.status_code == 200 and "Take it off that agenda first" in refused.content.decode()
    topic.refresh_from_db()
    assert topic.planned_meeting == meeting

    # Reported at a held meeting, then planned again: the held agenda keeps its item, the new meeting gets its own.
    reported = services.save_forward_plan_item(
        ForwardPlanItem(board=board), theme=Theme.HEALTH, topic="Health checks", planned_meeting=held,
        partner_asked="Health",
    )
    services.add_forward_plan_topics(held)
    moved = client.post(
        reverse("boards:forward_plan_edit", args=[reported.pk]),
        {**fields, "theme": Theme.HEALTH, "topic": "Health checks", "partner_asked": "Health", "planned_meeting": later.pk},
    )
    assert moved.status_code == 302
    assert [added.title for added in services.add_forward_plan_topics(later)] == ["Health checks"]
    assert held.agenda_items.get(title="Health checks").forward_plan_item is None
