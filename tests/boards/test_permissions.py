"""Every URL in boards/urls.py, for every role and for anonymous visitors."""
import pytest
from django.urls import reverse

from accounts.models import Role
from boards.models import BoardRole
from boards.urls import urlpatterns

READERS = {Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER, Role.ADMINISTRATOR, Role.CLERK, Role.PARTNER}
# The clerk runs the board's business; the pledge and "you said, we did" are kept by officers.
EDITORS = {Role.OFFICER, Role.ADMINISTRATOR, Role.CLERK}
PLEDGE_KEEPERS = {Role.OFFICER, Role.ADMINISTRATOR}
EVERYONE = set(Role)
CLERKS = {Role.CLERK, Role.ADMINISTRATOR}



def _minute(w):
    from boards import services

    minute = w.item.minutes.first() or services.record_minute(
        agenda_item=w.item, kind="minute", text="Noted.", recorded_by=w.clerk
    )
    return [w.held.pk, minute.pk]


def _recommendation(w):
    from boards import services

    return services.record_minute(
        agenda_item=w.item, kind="recommendation", text="That the ICB funds a nurse.", recorded_by=w.clerk,
        recommended_to="The integrated care board", response_due=w.upcoming.date,
    ).pk


def _declaration(w):
    from boards import services

    declaration = services.record_declaration(
        meeting=w.held, membership=w.board.memberships.get(user=w.chair), agenda_item=w.item,
        kind="other_registrable", interest="Trustee of a care leavers' charity", action="did_not_vote", recorded_by=w.clerk,
    )
    return [w.held.pk, declaration.pk]


def _removable_item(w):
    from boards import services

    return [w.upcoming.pk, services.add_agenda_item(meeting=w.upcoming, title="Withdrawn report").pk]


def _interest(w):
    from boards.models import RegisteredInterest

    return RegisteredInterest.objects.create(member=w.chair, category="bodies", description="Trustee").pk


def _template(w):
    from boards import services

    template = w.board.agenda_templates.first() or services.create_template(board=w.board, name="Standard agenda")
    return template.pk


# name -> (who may use it, method, how to build its arguments from the world fixture)
MATRIX = {
    "meeting_list": (READERS, "get", lambda w: []),
    "board_detail": (READERS, "get", lambda w: [w.board.pk]),
    "board_attendance": (READERS, "get", lambda w: [w.board.pk]),
    "board_create": (CLERKS, "get", lambda w: []),
    "board_edit": (CLERKS, "get", lambda w: [w.board.pk]),
    "member_add": (EDITORS, "get", lambda w: [w.board.pk]),
    "member_edit": (EDITORS, "get", lambda w: [w.board.memberships.first().pk]),
    "member_remove": (EDITORS, "get", lambda w: [w.board.memberships.get(user=w.officer).pk]),
    "meeting_create": (EDITORS, "get", lambda w: []),
    "meeting_detail": (READERS, "get", lambda w: [w.held.pk]),
    "meeting_edit": (EDITORS, "get", lambda w: [w.held.pk]),
    "attendance": (EDITORS, "get", lambda w: [w.held.pk]),
    "apologies": (EDITORS, "get", lambda w: [w.upcoming.pk]),
    "clerk_desk": (CLERKS, "get", lambda w: []),
    "agenda_publish": (CLERKS, "post", lambda w: [w.upcoming.pk]),
    "carry_forward": (EDITORS, "post", lambda w: [w.upcoming.pk]),
    "agenda_item_move": (EDITORS, "post", lambda w: [w.held.pk, w.item.pk]),
    "minute_correct": (CLERKS, "get", _minute),
    "public_agenda": (READERS, "get", lambda w: [w.held.pk]),
    "declaration_add": (EDITORS, "get", lambda w: [w.held.pk]),
    "declaration_remove": (EDITORS, "get", lambda w: _declaration(w)),
    "register": (READERS, "get", lambda w: []),
    "register_add": (CLERKS, "get", lambda w: []),
    "register_edit": (CLERKS, "get", lambda w: [_interest(w)]),
    "minutes_approve": (CLERKS, "post", lambda w: [w.held.pk]),
    "recommendation_list": (READERS, "get", lambda w: []),
    "recommendation_response": (CLERKS, "get", lambda w: [_recommendation(w)]),
    "agenda_from_template": (CLERKS, "post", lambda w: [w.upcoming.pk]),
    "agenda_save_template": (CLERKS, "get", lambda w: [w.held.pk]),
    "forward_plan_to_agenda": (EDITORS, "post", lambda w: [w.upcoming.pk]),
    "template_standard": (CLERKS, "post", lambda w: [w.board.pk]),
    "template_remove": (CLERKS, "get", lambda w: [_template(w)]),
    "agenda_item_add": (EDITORS, "get", lambda w: [w.held.pk]),
    "agenda_item_edit": (EDITORS, "get", lambda w: [w.held.pk, w.item.pk]),
    "agenda_item_remove": (EDITORS, "get", lambda w: _removable_item(w)),
    "paper_add": (EDITORS, "get", lambda w: [w.held.pk, w.item.pk]),
    "minute_add": (EDITORS, "get", lambda w: [w.held.pk, w.item.pk]),
    "paper_download": (READERS, "get", lambda w: [w.held.pk, w.published.pk]),
    "paper_publish": (EDITORS, "post", lambda w: [w.held.pk, w.published.pk]),
    "paper_remove": (EDITORS, "get", lambda w: [w.held.pk, w.published.pk]),
    "paper_edit": (EDITORS, "get", lambda w: [w.held.pk, w.published.pk]),
    "minute_edit": (EDITORS, "get", _minute),
    "minute_remove": (EDITORS, "get", _minute),
    "action_add": (EDITORS, "get", lambda w: [w.held.pk]),
    "action_list": (READERS, "get", lambda w: []),
    "action_detail": (READERS, "get", lambda w: [w.action.pk]),
    "forward_plan": (READERS, "get", lambda w: []),
    "forward_plan_add": (EDITORS, "get", lambda w: []),
    "forward_plan_edit": (EDITORS, "get", lambda w: [w.plan.pk]),
    "forward_plan_remove": (EDITORS, "get", lambda w: [w.plan.pk]),
    "pledge": (EVERYONE, "get", lambda w: []),
    "commitment_add": (PLEDGE_KEEPERS, "get", lambda w: []),
    "commitment_detail": (EVERYONE, "get", lambda w: [w.commitment.pk]),
    "commitment_edit": (PLEDGE_KEEPERS, "get", lambda w: [w.commitment.pk]),
    "pledge_update_add": (PLEDGE_KEEPERS, "get", lambda w: [w.commitment.pk]),
    "feedback": (EVERYONE, "get", lambda w: []),
    "view_add": (PLEDGE_KEEPERS, "get", lambda w: []),
    "respond": (PLEDGE_KEEPERS, "get", lambda w: [w.shown.pk]),
    # young people's representatives on the board
    "view_send": ({Role.YOUNG_PERSON}, "get", lambda w: []),
    "representative_meetings": ({Role.YOUNG_PERSON}, "get", lambda w: []),
    "representative_meeting": ({Role.YOUNG_PERSON}, "get", lambda w: [w.held.pk]),
    "representative_paper": ({Role.YOUNG_PERSON}, "get", lambda w: [w.held.pk, w.published.pk]),
}


def test_the_matrix_covers_every_boards_url():
    assert {pattern.name for pattern in urlpatterns} == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_exactly_what_it_may_use(name, world, client, make_user, member):
    allowed, method, arguments = MATRIX[name]
    url = reverse(f"boards:{name}", args=arguments(world))
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), "anonymous"
    for role in Role:
        user = make_user(role)
        if role == Role.COUNCILLOR:
            member(user, BoardRole.COUNCILLOR)
        if role == Role.PARTNER:
            member(user, BoardRole.PARTNER, voting=False)
        if role == Role.YOUNG_PERSON:
            member(user, BoardRole.YOUNG_PERSON, voting=False)
        client.force_login(user)
        response = getattr(client, method)(url)
        if role in allowed:
            expected = (302,) if method == "post" else (200,)
        else:
            expected = (403,)
        assert response.status_code in expected, f"{role} on {name}: {response.status_code}"


def test_a_councillor_who_is_not_a_member_cannot_see_the_boards_business(world, client_for):
    client = client_for(Role.COUNCILLOR)
    assert client.get(reverse("boards:meeting_detail", args=[world.held.pk])).status_code == 404
    assert client.get(reverse("boards:board_detail", args=[world.board.pk])).status_code == 404
    assert client.get(reverse("boards:action_detail", args=[world.action.pk])).status_code == 404
    page = client.get(reverse("boards:meeting_list")).content.decode()
    assert "You are not a member of any board" in page
    assert world.board.name not in page


def test_a_partner_agency_sees_only_the_boards_they_sit_on(world, client_for, member, make_user, client):
    outsider = client_for(Role.PARTNER)
    assert outsider.get(reverse("boards:meeting_detail", args=[world.held.pk])).status_code == 404
    nurse = make_user(Role.PARTNER)
    member(nurse, BoardRole.PARTNER, voting=False)
    client.force_login(nurse)
    page = client.get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    assert "Published report" in page and "Draft report" not in page


def test_the_clerk_sees_draft_papers_and_every_board(world, client_for):
    page = client_for(Role.CLERK).get(reverse("boards:meeting_detail", args=[world.held.pk])).content.decode()
    assert "Published report" in page and "Draft report" in page


def test_a_former_member_loses_sight_of_the_board(world, make_user, member, client, today):
    import datetime

    former = make_user(Role.COUNCILLOR)
    member(former, start_date=today - datetime.timedelta(days=700), end_date=today - datetime.timedelta(days=1))
    client.force_login(former)
    assert client.get(reverse("boards:meeting_detail", args=[world.held.pk])).status_code == 404


def test_young_people_do_not_see_the_meetings_link(client_for):
    page = client_for(Role.YOUNG_PERSON).get(reverse("boards:pledge")).content.decode()
    assert f'href="{reverse("boards:meeting_list")}"' not in page
    assert f'href="{reverse("boards:feedback")}"' in page


def test_the_django_admin_shows_the_boards_record_but_changes_go_through_the_pages(world, client, make_user):
    from tests.conftest import give_second_factor

    from boards import services

    administrator = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    give_second_factor(client, administrator)
    minute = services.record_minute(agenda_item=world.item, kind="minute", text="Noted.", recorded_by=world.clerk)
    change = f"/admin/boards/minute/{minute.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and "Noted." in page.content.decode() and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"text": "Rewritten.", "kind": "minute"}).status_code == 403
    assert client.post(f"/admin/boards/minute/{minute.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/boards/meeting/add/").status_code == 403
    minute.refresh_from_db()
    assert minute.text == "Noted."
    # A child's view recorded by mistake (or naming a child) can still be deleted, with its response.
    deleted = client.post(f"/admin/boards/childrensview/{world.shown.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not type(world.shown).objects.filter(pk=world.shown.pk).exists()
