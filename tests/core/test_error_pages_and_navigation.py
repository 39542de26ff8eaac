"""
The app's own 403, 404 and 500 pages (DEBUG off, as in production), the one rule that marks the current menu
entry, and links that never lead a reader to a page they may not see.
"""
import datetime
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from boards import services as board_services
from boards.models import Board, BoardRole
from core.navigation import NAVIGATION, OUTSIDE_SECTIONS, current_item
from tests.boards.conftest import at
from tests.indicators.conftest import ANSWERS, FRAMEWORK, held_meeting


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_a_councillor_opening_the_childrens_records_gets_the_apps_403_page(client_for):
    response = client_for(Role.COUNCILLOR).get("/children/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "403.html" in [template.name for template in response.templates]
    assert "You cannot open this page" in page
    assert "Corporate Parenting Board</a>" in page  # the site's header
    assert 'aria-label="Main menu"' in page  # and its menu, so the way back is there too
    assert f'href="{reverse("dashboards:home")}">Go to your dashboard' in page


def test_a_page_that_does_not_exist_gets_the_apps_404_page(client_for):
    response = client_for(Role.OFFICER).get("/meetings/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Go to your dashboard" in page and 'aria-label="Main menu"' in page
    assert "Traceback" not in page and "No Meeting matches" not in page


def test_someone_not_signed_in_is_offered_sign_in_on_the_404_page(client):
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and f'href="{reverse("login")}">Sign in' in page


def test_the_500_page_renders_without_a_request_context_or_the_database():
    """No ``db`` fixture: pytest-django refuses any query, so the page must need none."""
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "Corporate Parenting Board</a>" in page and 'href="/">Go to your dashboard' in page


def boom(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [__import__("django.urls").urls.path("boom/", boom)]


@pytest.mark.urls(__name__)
def test_a_fault_in_a_view_shows_the_apps_500_page(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "a fault in a view" not in response.content.decode()


# --- Navigation ---------------------------------------------------------------------------------------------


def _paths(resolver=None, prefix="/"):
    """A path for every URL pattern of the project, with 1 for each argument."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        route = re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_page_belongs_to_a_section_of_the_menu():
    lost = [
        path
        for path in _paths()
        if path != "/" and not path.startswith(OUTSIDE_SECTIONS) and current_item(path) is None
    ]
    assert not lost, f"No menu entry claims these pages: {lost}"


@pytest.mark.parametrize(
    "path, label",
    [
        ("/meetings/3/", "Meetings"),
        ("/actions/", "Meetings"),
        ("/actions/4/", "Meetings"),
        ("/forward-plan/", "Meetings"),
        ("/register-of-interests/", "Meetings"),
        ("/boards/2/attendance/", "Meetings"),
        ("/boards/desk/", "Clerk's desk"),
        ("/feedback/", "Care Pledge"),
        ("/pledge/1/", "Care Pledge"),
        ("/self-evaluation/actions/", "Self-evaluation"),
        ("/measures/population/", "Measures"),
        ("/dashboard/officer/", "Dashboard"),
    ],
)
def test_the_longest_prefix_decides_the_section(path, label):
    assert current_item(path).label == label


def test_no_two_entries_claim_the_same_prefix():
    prefixes = [prefix for item in NAVIGATION for prefix in item.sections]
    assert len(prefixes) == len(set(prefixes))


def _current_labels(response):
    return re.findall(r'aria-current="page">([^<]+)</a>', response.content.decode())


def test_the_menu_marks_the_section_on_meeting_action_forward_plan_and_feedback_pages(client_for):
    client = client_for(Role.OFFICER)
    board = Board.objects.create(name="Board", quorum=2)
    meeting = board_services.schedule_meeting(board=board, starts_at=at(datetime.date(2026, 6, 1)), venue="Hall")
    for url in ("boards:meeting_list", "boards:action_list", "boards:forward_plan"):
        assert _current_labels(client.get(reverse(url))) == ["Meetings"], url
    assert _current_labels(client.get(reverse("boards:meeting_detail", args=[meeting.pk]))) == ["Meetings"]
    assert _current_labels(client.get(reverse("boards:feedback"))) == ["Care Pledge"]
    assert _current_labels(client.get(reverse("indicators:action_list"))) == ["Self-evaluation"]


# --- Links a reader may follow ----------------------------------------------------------------------------


def test_a_meetings_item_links_a_draft_cycle_only_for_those_who_may_open_it(make_user, client):
    from indicators import services as indicator_services

    officer, moderator = make_user(Role.OFFICER), make_user(Role.OFFICER)
    councillor = make_user(Role.COUNCILLOR)
    framework = indicator_services.load_framework(FRAMEWORK)
    cycle = indicator_services.open_cycle(
        framework=framework, name="2025-26", level="strategic", starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31), created_by=officer,
    )
    board = Board.objects.create(name="Board", quorum=2)
    meeting = board_services.schedule_meeting(board=board, starts_at=at(datetime.date(2026, 6, 1)), venue="Hall")
    board_services.add_member(
        board=board, user=councillor, role=BoardRole.COUNCILLOR, voting=True, start_date=datetime.date(2025, 1, 1)
    )
    board_services.add_agenda_item(meeting=meeting, title="Self-evaluation", cycle=cycle)
    cycle_url = reverse("indicators:cycle_detail", args=[cycle.pk])
    meeting_url = reverse("boards:meeting_detail", args=[meeting.pk])

    def sees_link(user):
        client.force_login(user)
        page = client.get(meeting_url).content.decode()
        assert "2025-26" in page
        return f'href="{cycle_url}"' in page

    assert sees_link(officer) and client.get(cycle_url).status_code == 200
    assert not sees_link(councillor)
    assert client.get(cycle_url).status_code == 404  # the page the link would have led to

    evaluation = cycle.evaluations.first()
    evaluation = indicator_services.update_evaluation(evaluation, officer, **ANSWERS)
    evaluation = indicator_services.submit_evaluation(evaluation, officer)
    evaluation = indicator_services.moderate_evaluation(evaluation, moderator, agree=True)
    indicator_services.approve_evaluation(evaluation, moderator, meeting=held_meeting(datetime.date(2026, 5, 20)))
    assert sees_link(councillor) and client.get(cycle_url).status_code == 200


def test_a_form_sent_without_its_security_token_gets_the_apps_page(make_user):
    officer = make_user(Role.OFFICER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page and "Nothing was changed" in page
    assert "Corporate Parenting Board</a>" in page and "CSRF verification failed" not in page
    assert "Go to your dashboard" in page
