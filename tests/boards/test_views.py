import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards import services
from boards.models import ActionItem, Meeting, Paper

from .conftest import PDF


def signed_in(client, user):
    client.force_login(user)
    return client


# --- Papers ---------------------------------------------------------------------------------------------


def test_unpublished_papers_are_for_officers_until_published(world, client, member, make_user):
    councillor = make_user(Role.COUNCILLOR)
    member(councillor)
    draft_url = reverse("boards:paper_download", args=[world.held.pk, world.draft.pk])
    meeting_url = reverse("boards:meeting_detail", args=[world.held.pk])

    signed_in(client, councillor)
    assert client.get(draft_url).status_code == 404
    page = client.get(meeting_url).content.decode()
    assert "Published report" in page and "Draft report" not in page

    signed_in(client, world.clerk)
    response = client.get(draft_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "Draft report" in client.get(meeting_url).content.decode()
    response = client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "1"})
    assert response.status_code == 302

    signed_in(client, councillor)
    assert client.get(draft_url).status_code == 200
    assert "Draft report" in client.get(meeting_url).content.decode()

    signed_in(client, world.clerk)
    client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "0"})
    signed_in(client, councillor)
    assert client.get(draft_url).status_code == 404


def test_publishing_needs_a_post(world, client):
    signed_in(client, world.clerk)
    response = client.get(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]))
    assert response.status_code == 405
    world.draft.refresh_from_db()
    assert not world.draft.published


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("report.pdf", b"not really a pdf"), "is not a real PDF"),
        (SimpleUploadedFile("report.exe", b"MZ\x90\x00"), "must be one of"),
        (SimpleUploadedFile("report.pdf", PDF + b"x" * 2000), "the largest allowed is"),
    ],
)
def test_paper_uploads_are_checked_with_a_clear_error(world, client, settings, upload, message):
    settings.MAX_UPLOAD_BYTES = 1000
    signed_in(client, world.officer)
    response = client.post(
        reverse("boards:paper_add", args=[world.held.pk, world.item.pk]), {"title": "Appendix", "file": upload}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Paper.objects.filter(title="Appendix").exists()


def test_a_valid_paper_is_stored_privately_and_unpublished_by_default(world, client):
    signed_in(client, world.officer)
    response = client.post(
        reverse("boards:paper_add", args=[world.held.pk, world.item.pk]),
        {"title": "Appendix", "author": "Test Officer", "author_service": "Children's Services", "purpose": "To inform.",
         "file": SimpleUploadedFile("appendix.pdf", PDF)},
    )
    assert response.status_code == 302
    paper = Paper.objects.get(title="Appendix")
    assert not paper.published and paper.uploaded_by == world.officer
    assert paper.agenda_item == world.item


# --- Forged ids ----------------------------------------------------------------------------------------


def test_another_meetings_item_or_paper_is_refused(world, client):
    signed_in(client, world.clerk)
    other = services.add_agenda_item(meeting=world.upcoming, title="Other meeting's item")
    assert client.get(reverse("boards:agenda_item_edit", args=[world.held.pk, other.pk])).status_code == 404
    assert client.post(
        reverse("boards:paper_add", args=[world.held.pk, other.pk]),
        {"title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
    ).status_code == 404
    assert client.post(
        reverse("boards:minute_add", args=[world.held.pk, other.pk]), {"kind": "minute", "text": "x"}
    ).status_code == 404
    assert client.get(reverse("boards:paper_download", args=[world.upcoming.pk, world.published.pk])).status_code == 404
    # Choosing another meeting's agenda item for an action is a form error, not a saved action.
    response = client.post(
        reverse("boards:action_add", args=[world.held.pk]),
        {"agenda_item": other.pk, "description": "x", "owner": world.officer.pk, "due_on": "2030-01-01"},
    )
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not ActionItem.objects.filter(description="x").exists()


def test_only_the_owner_or_officers_may_update_an_action(world, client, make_user, member):
    owner = make_user(Role.COUNCILLOR)
    other = make_user(Role.COUNCILLOR)
    member(owner)
    member(other)
    action = services.create_action(meeting=world.held, description="Write to the ICB", owner=owner, due_on=world.held.date)
    url = reverse("boards:action_detail", args=[action.pk])

    signed_in(client, other)
    assert "Add an update" not in client.get(url).content.decode()
    assert client.post(url, {"status": "done", "note": "Forged"}).status_code == 403
    action.refresh_from_db()
    assert action.status == "open" and not action.updates.exists()

    signed_in(client, owner)
    assert client.post(url, {"status": "done", "note": "Letter sent."}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert action.updates.get().updated_by == owner


# --- Meetings, attendance, minutes, actions ------------------------------------------------------------


def test_the_clerk_schedules_a_meeting_and_overdue_actions_join_its_agenda(world, client, today):
    signed_in(client, world.clerk)
    when = today + datetime.timedelta(days=80)
    response = client.post(
        reverse("boards:meeting_create"),
        {"board": world.board.pk, "starts_at": f"{when:%Y-%m-%d}T14:00", "venue": "Room 2", "status": "scheduled"},
    )
    meeting = Meeting.objects.get(venue="Room 2")
    assert response["Location"] == reverse("boards:meeting_detail", args=[meeting.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Matters arising and the action log" in page and "Report on placement stability" in page


def test_attendance_form_records_apologies_and_shows_the_quorum(world, client, member, make_user):
    second = member(make_user(Role.COUNCILLOR))
    chair = world.board.memberships.get(user=world.chair)
    officer = world.board.memberships.get(user=world.officer)
    signed_in(client, world.clerk)
    url = reverse("boards:attendance", args=[world.held.pk])
    response = client.post(
        url,
        {
            f"status_{chair.pk}": "present",
            f"status_{second.pk}": "apologies",
            f"substitute_{second.pk}": "Cllr Deputy",
            f"status_{officer.pk}": "present",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    # The chair and the second councillor's substitute count (the board allows substitutes); the officer does not.
    assert "Quorate" in page and "2 counting towards the quorum" in page and "the quorum is 2" in page
    assert "Cllr Deputy" in page


def test_minutes_and_decisions_appear_under_their_item(world, client):
    signed_in(client, world.clerk)
    client.post(
        reverse("boards:minute_add", args=[world.held.pk, world.item.pk]),
        {"kind": "decision", "text": "Agreed to fund two wellbeing workers."},
    )
    page = client.get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    assert "Decision" in page and "Agreed to fund two wellbeing workers." in page


def test_the_action_log_marks_overdue_actions_in_words_and_filters(world, client, today):
    services.create_action(
        meeting=world.held, description="Not due yet", owner=world.clerk, due_on=today + datetime.timedelta(days=30)
    )
    signed_in(client, world.clerk)
    page = client.get(reverse("boards:action_list")).content.decode()
    assert page.index("Report on placement stability") < page.index("Not due yet")
    assert page.count("Overdue</strong>") == 1
    page = client.get(reverse("boards:action_list"), {"overdue": "on"}).content.decode()
    assert "Report on placement stability" in page and "Not due yet" not in page
    page = client.get(reverse("boards:action_list"), {"owner": world.clerk.pk}).content.decode()
    assert "Not due yet" in page and "Report on placement stability" not in page


def test_meeting_page_runs_a_constant_number_of_queries(world, client, django_assert_max_num_queries, today):
    signed_in(client, world.clerk)
    url = reverse("boards:meeting_detail", args=[world.held.pk])
    # A fixed number whatever the agenda's size: the meeting, items with papers, minutes with their corrections and
    # the measures a decision names, carried and completed actions, attendance, actions arising, forward plan topics,
    # the previous meeting, the board packs, session and user.
    with django_assert_max_num_queries(16):
        client.get(url)
    for number in range(15):
        item = services.add_agenda_item(meeting=world.held, title=f"Item {number}", report_author=world.officer)
        services.upload_paper(
            agenda_item=item, title=f"Paper {number}", uploaded_by=world.officer, published=True,
            file=SimpleUploadedFile(f"p{number}.pdf", PDF),
        )
        services.record_minute(agenda_item=item, kind="minute", text="Noted.", recorded_by=world.clerk)
        services.create_action(meeting=world.held, agenda_item=item, description="x", owner=world.officer, due_on=today)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.content.decode().count("Noted.") == 15


# --- Pledge and feedback -------------------------------------------------------------------------------


def test_young_people_see_the_pledge_with_progress_and_a_link_to_you_said_we_did(world, client_for):
    client = client_for(Role.YOUNG_PERSON)
    page = client.get(reverse("boards:pledge")).content.decode()
    assert "We will help you find a home you can keep." in page
    assert "Amber" in page
    assert reverse("boards:feedback") in page
    assert "Add a commitment" not in page


def test_young_people_see_only_published_responses_with_their_reasons(world, client_for):
    page = client_for(Role.YOUNG_PERSON).get(reverse("boards:feedback")).content.decode()
    assert "Bedsits are too far from our friends." in page
    assert "A home near the people who matter is in our pledge." in page
    assert "We want later curfews." not in page


def test_officers_see_every_view_including_drafts(world, client):
    signed_in(client, world.clerk)
    page = client.get(reverse("boards:feedback")).content.decode()
    assert "We want later curfews." in page and "Not yet shown to young people" in page


def test_an_officer_records_a_view_and_the_boards_response(world, client, client_for, today):
    signed_in(client, world.officer)
    response = client.post(
        reverse("boards:view_add"),
        {"view": "We want wifi in every placement.", "service_area": "other", "heard_on": f"{today:%Y-%m-%d}", "source": "survey"},
    )
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"we_did": "Funded wifi.", "decision": "Wifi in all placements.", "reason": "School work needs it.", "published": "on"},
    )
    assert response.status_code == 302
    page = client_for(Role.YOUNG_PERSON).get(reverse("boards:feedback")).content.decode()
    assert "We want wifi in every placement." in page and "School work needs it." in page


def test_a_view_about_nothing_is_refused_with_a_message(world, client, today):
    signed_in(client, world.officer)
    response = client.post(
        reverse("boards:view_add"), {"view": "Hmm", "heard_on": f"{today:%Y-%m-%d}", "source": "survey"}
    )
    assert response.status_code == 200
    assert "Say which pledge commitment or service area" in response.content.decode()


def test_pledge_update_adds_to_the_history(world, client, today):
    signed_in(client, world.officer)
    client.post(
        reverse("boards:pledge_update_add", args=[world.commitment.pk]),
        {"rag": "green", "note": "Priority banding agreed.", "updated_on": f"{today + datetime.timedelta(days=1):%Y-%m-%d}"},
    )
    page = client.get(reverse("boards:commitment_detail", args=[world.commitment.pk])).content.decode()
    assert page.index("Priority banding agreed.") < page.index("Some progress.")


def test_forward_plan_lists_topics_for_future_meetings(world, client, member, make_user):
    councillor = make_user(Role.COUNCILLOR)
    member(councillor)
    page = signed_in(client, councillor).get(reverse("boards:forward_plan")).content.decode()
    assert "Housing for care leavers" in page and "Housing options" in page


def test_the_agenda_links_to_the_measures_and_self_evaluation_it_covers(world, client):
    from indicators.models import Cycle, Framework

    framework = Framework.objects.create(slug="test", name="Test framework")
    cycle = Cycle.objects.create(
        name="2026-27", framework=framework, starts_on=world.held.date, ends_on=world.held.date + datetime.timedelta(days=365)
    )
    services.update_agenda_item(world.item, cycle=cycle, self_evaluation="QI 1.1")
    page = signed_in(client, world.officer).get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    assert reverse("measures:measure_detail", args=["looked_after_rate_per_10000"]) in page
    assert reverse("indicators:cycle_detail", args=[cycle.pk]) in page and "QI 1.1" in page
    # The chair may not open a cycle the board has approved nothing in: its name, but no link
    # (tests/core/test_error_pages_and_navigation.py follows such a link once an evaluation is approved).
    page = signed_in(client, world.chair).get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    assert "2026-27" in page and reverse("indicators:cycle_detail", args=[cycle.pk]) not in page


def test_a_meeting_cannot_be_marked_held_before_it_happens(world, client):
    signed_in(client, world.clerk)
    local = world.upcoming.starts_at.astimezone()
    response = client.post(
        reverse("boards:meeting_edit", args=[world.upcoming.pk]),
        {"starts_at": f"{local:%Y-%m-%dT%H:%M}", "venue": "County Hall", "status": "held"},
    )
    assert response.status_code == 200
    assert "cannot be marked as held before it has taken place" in response.content.decode()
    world.upcoming.refresh_from_db()
    assert world.upcoming.status == "scheduled"


def test_the_meeting_page_shows_the_forward_plan_topics_planned_for_it(world, client):
    page = signed_in(client, world.chair).get(reverse("boards:meeting_detail", args=[world.upcoming.pk])).content.decode()
    assert "Forward work programme topics for this meeting" in page
    assert "Housing for care leavers" in page and "Housing options" in page


def test_a_retired_promise_leaves_the_pledge_but_officers_keep_its_history(world, client, client_for):
    signed_in(client, world.officer)
    url = reverse("boards:commitment_edit", args=[world.commitment.pk])
    # The measure is chosen by its name, not typed as an identifier.
    assert '<option value="care_leavers_suitable_accommodation">Care leavers aged 19 to 21 in suitable accommodation</option>' in (
        client.get(url).content.decode()
    )
    response = client.post(
        url,
        {"number": 1, "commitment": world.commitment.commitment, "co_produced_with": "Children in Care Council",
         "owner": world.officer.pk, "measure": ""},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert "Promises no longer in the Care Pledge" in client.get(reverse("boards:pledge")).content.decode()
    young = client_for(Role.YOUNG_PERSON)
    assert "We will help you find a home you can keep." not in young.get(reverse("boards:pledge")).content.decode()
    assert young.get(reverse("boards:commitment_detail", args=[world.commitment.pk])).status_code == 404


# --- Members --------------------------------------------------------------------------------------------


def test_a_person_cannot_be_given_two_seats_on_the_board_at_once(world, client, make_user, today):
    """The chair has sat since 400 days ago with no end date: a second seat over those dates is refused."""
    signed_in(client, world.officer)
    url = reverse("boards:member_add", args=[world.board.pk])
    seats = world.board.memberships.filter(user=world.chair).count()
    response = client.post(url, {
        "user": world.chair.pk, "role": "councillor", "voting": "on", "start_date": today.isoformat(),
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "already has a seat on this board from" in page and "with no end date" in page
    assert world.board.memberships.filter(user=world.chair).count() == seats

    chair_seat = world.board.memberships.get(user=world.chair)
    services.update_member(chair_seat, end_date=today - datetime.timedelta(days=1))
    response = client.post(url, {
        "user": world.chair.pk, "role": "councillor", "voting": "on", "start_date": today.isoformat(),
    })
    assert response.status_code == 302  # a new seat after the old one ended is fine
    assert world.board.memberships.filter(user=world.chair).count() == seats + 1


def test_changing_a_membership_to_overlap_another_is_refused(world, client, today):
    chair_seat = world.board.memberships.get(user=world.chair)
    services.update_member(chair_seat, end_date=today - datetime.timedelta(days=100))
    later = services.add_member(board=world.board, user=world.chair, role="councillor", start_date=today - datetime.timedelta(days=10))
    signed_in(client, world.officer)
    response = client.post(reverse("boards:member_edit", args=[later.pk]), {
        "user": world.chair.pk, "role": "councillor", "voting": "on",
        "start_date": (today - datetime.timedelta(days=200)).isoformat(),
    })
    assert response.status_code == 200 and "already has a seat on this board" in response.content.decode()
    later.refresh_from_db()
    assert later.start_date == today - datetime.timedelta(days=10)


def test_a_membership_added_by_mistake_is_removed_but_one_in_the_record_is_ended_instead(world, client, make_user, today):
    from auditlog.models import LogEntry

    mistaken = services.add_member(board=world.board, user=make_user(Role.COUNCILLOR), role="councillor", start_date=today)
    clerk = make_user(Role.CLERK)
    signed_in(client, clerk)
    url = reverse("boards:member_remove", args=[mistaken.pk])
    assert url in client.get(reverse("boards:board_detail", args=[world.board.pk])).content.decode()
    assert "Only for a membership added by mistake" in client.get(url).content.decode()
    assert client.post(url).url == reverse("boards:board_detail", args=[world.board.pk])
    assert not world.board.memberships.filter(pk=mistaken.pk).exists()
    assert LogEntry.objects.get(object_pk=str(mistaken.pk), action=LogEntry.Action.DELETE).actor == clerk

    chair_seat = world.board.memberships.get(user=world.chair)
    services.record_attendance(world.held, [(chair_seat, "present", "")])
    refused = client.post(reverse("boards:member_remove", args=[chair_seat.pk]), follow=True)
    assert "Give it an end date instead" in refused.content.decode()
    assert world.board.memberships.filter(pk=chair_seat.pk).exists()


# --- Correcting the record ------------------------------------------------------------------------------


def test_clerk_removes_a_paper_shared_by_mistake_and_its_file_goes(world, client, member, make_user, django_capture_on_commit_callbacks):
    councillor = make_user(Role.COUNCILLOR)
    member(councillor)
    paper = world.published
    storage, name = paper.file.storage, paper.file.name
    download = reverse("boards:paper_download", args=[world.held.pk, paper.pk])
    remove = reverse("boards:paper_remove", args=[world.held.pk, paper.pk])
    meeting_url = reverse("boards:meeting_detail", args=[world.held.pk])

    signed_in(client, world.clerk)
    assert remove in client.get(meeting_url).content.decode()
    page = client.get(remove).content.decode()
    assert "Remove “Published report”?" in page and "will be deleted for everyone" in page
    assert Paper.objects.filter(pk=paper.pk).exists() and storage.exists(name)  # asking changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response.status_code == 302 and response.url == meeting_url
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert not storage.exists(name)
    assert "“Published report” removed and its file deleted." in client.get(meeting_url).content.decode()

    signed_in(client, councillor)
    assert client.get(download).status_code == 404
    assert "Published report" not in client.get(meeting_url).content.decode()


def test_clerk_corrects_a_minute_and_removes_a_duplicate(world, client):
    minute = services.record_minute(agenda_item=world.item, kind="minute", text="The board noted the repot.", recorded_by=world.clerk)
    duplicate = services.record_minute(agenda_item=world.item, kind="minute", text="The board noted the repot.", recorded_by=world.clerk)
    meeting_url = reverse("boards:meeting_detail", args=[world.held.pk])
    signed_in(client, world.clerk)

    edit = reverse("boards:minute_edit", args=[world.held.pk, minute.pk])
    assert "The board noted the repot." in client.get(edit).content.decode()
    response = client.post(edit, {"kind": "decision", "text": ""})
    assert response.status_code == 200 and "Enter what was minuted, decided or recommended" in response.content.decode()
    response = client.post(edit, {"kind": "decision", "text": "The board agreed the report."})
    assert response.status_code == 302
    minute.refresh_from_db()
    assert (minute.kind, minute.text) == ("decision", "The board agreed the report.")

    remove = reverse("boards:minute_remove", args=[world.held.pk, duplicate.pk])
    assert "will no longer be part of the record" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    page = client.get(meeting_url).content.decode()
    assert "The board agreed the report." in page and "repot" not in page


def test_a_minute_of_another_meeting_cannot_be_reached_through_this_one(world, client):
    minute = services.record_minute(agenda_item=world.item, kind="minute", text="Noted.", recorded_by=world.clerk)
    signed_in(client, world.clerk)
    assert client.get(reverse("boards:minute_edit", args=[world.upcoming.pk, minute.pk])).status_code == 404
    assert client.post(reverse("boards:minute_remove", args=[world.upcoming.pk, minute.pk])).status_code == 404
    assert client.post(reverse("boards:paper_remove", args=[world.upcoming.pk, world.published.pk])).status_code == 404
    assert Paper.objects.filter(pk=world.published.pk).exists()


def test_a_paper_published_after_the_agenda_emails_each_member_its_title_and_a_link(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    meeting_url = reverse("boards:meeting_detail", args=[world.held.pk])
    signed_in(client, world.clerk)
    with django_capture_on_commit_callbacks(execute=True):  # the agenda not yet published: nobody told
        client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "1"})
        client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "0"})
    assert mailoutbox == []
    world.held.agenda_published_at = timezone.now()
    world.held.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "1"})
        client.post(reverse("boards:paper_publish", args=[world.held.pk, world.draft.pk]), {"publish": "1"})  # again
    assert response.status_code == 302
    members = sorted(m.user.email for m in world.board.memberships.all())
    assert sorted(message.to[0] for message in mailoutbox) == members  # once each, however often it is pressed
    message = mailoutbox[0]
    assert message.subject.startswith("Paper published: Draft report")
    assert meeting_url in message.body and "draft.pdf" not in message.body and not message.attachments
