"""
The dashboards keep their HTML in the cache, and still show every change on the next request: a pledge
rating, a meeting, an action done, an import that failed, a new self-evaluation cycle, a rolled-back edit, a bulk
write (which sends no signals).
"""
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards import services as board_services
from boards.models import ActionStatus, Board, BoardRole, Meeting, MeetingStatus, PledgeCommitment
from children import services as children_services
from core import stamps
from dashboards import selectors as dashboard_selectors
from indicators import services as evaluation_services

pytestmark = pytest.mark.django_db

BROKEN_903 = Path(__file__).resolve().parent.parent / "children" / "data" / "broken"
DASHBOARDS = (
    (Role.CHIEF_EXECUTIVE, "dashboards:chief_executive"),
    (Role.COUNCILLOR, "dashboards:councillor"),
    (Role.OFFICER, "dashboards:officer"),
)


@pytest.fixture
def board(db):
    return Board.objects.create(name="Corporate Parenting Board", terms_of_reference="To scrutinise.", quorum=2)


def page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find('<h2 class="govuk-heading-m"', start)
    return html[start:end if end != -1 else None]


@pytest.mark.parametrize("role, url_name", DASHBOARDS)
def test_a_second_visit_the_same_day_comes_from_the_cache(role, url_name, client_for, django_assert_max_num_queries):
    client = client_for(role)
    first = page(client, url_name)
    with django_assert_max_num_queries(4):  # session, person, the cohort's version, the change stamp
        second = page(client, url_name)

    def main(html):  # the sign-out form's CSRF token differs
        return html[html.index("<main"):html.index("</main>")]

    assert main(second) == main(first)


def test_chief_executive_sees_pledge_ratings_and_meetings_at_once(board, make_user, client_for):
    officer = make_user(Role.OFFICER)
    client = client_for(Role.CHIEF_EXECUTIVE)
    html = page(client, "dashboards:chief_executive")
    assert "None scheduled" in section(html, "governance")
    assert "0 red</span> Care Pledge promises, 0 amber, 0 green, 0 not yet rated<" in section(html, "summary")

    commitment = board_services.save_commitment(PledgeCommitment(), number=1, commitment="We will listen.", owner=officer)
    board_services.add_pledge_update(commitment=commitment, rag="red", note="Behind.", updated_by=officer)
    meeting = board_services.schedule_meeting(
        board=board, starts_at=timezone.now() + datetime.timedelta(days=10), venue="County Hall"
    )
    html = page(client, "dashboards:chief_executive")
    assert "1 red</span> Care Pledge promise, 0 amber, 0 green, 0 not yet rated<" in section(html, "summary")
    assert reverse("boards:meeting_detail", args=[meeting.pk]) in section(html, "governance")

    board_services.update_meeting(meeting, status=MeetingStatus.CANCELLED)
    assert "None scheduled" in section(page(client, "dashboards:chief_executive"), "governance")


def test_each_councillor_sees_their_own_actions_and_a_finished_one_goes(board, make_user, client):
    first, second = make_user(Role.COUNCILLOR), make_user(Role.COUNCILLOR)
    today = timezone.localdate()
    for councillor in (first, second):
        board_services.add_member(board=board, user=councillor, role=BoardRole.COUNCILLOR, start_date=today)
    meeting = board_services.schedule_meeting(
        board=board, starts_at=timezone.now() - datetime.timedelta(days=7), venue="County Hall", status=MeetingStatus.HELD
    )
    action = board_services.create_action(
        meeting=meeting, description="Visit the leaving care team", owner=first, due_on=today + datetime.timedelta(days=5)
    )
    client.force_login(first)
    assert "Visit the leaving care team" in section(page(client, "dashboards:councillor"), "actions")
    client.force_login(second)
    assert "You have no open actions." in section(page(client, "dashboards:councillor"), "actions")

    board_services.add_action_update(action, updated_by=first, note="Visited on Tuesday.", status=ActionStatus.DONE)
    client.force_login(first)
    assert "You have no open actions." in section(page(client, "dashboards:councillor"), "actions")


def test_councillor_sees_the_meeting_of_the_day_until_it_is_held(board, make_user, client):
    councillor = make_user(Role.COUNCILLOR)
    today = timezone.localdate()
    board_services.add_member(board=board, user=councillor, role=BoardRole.CHAIR, start_date=today)
    this_morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 1)))
    meeting = board_services.schedule_meeting(board=board, starts_at=this_morning, venue="Committee Room 1")
    client.force_login(councillor)
    assert "Committee Room 1" in section(page(client, "dashboards:councillor"), "next-meeting")

    board_services.update_meeting(meeting, status=MeetingStatus.HELD)
    assert "No meeting of your boards is scheduled." in section(page(client, "dashboards:councillor"), "next-meeting")


def test_officer_sees_a_failed_import_and_a_new_cycle_at_once(reference_data_loaded, officer_client):
    officer = officer_client.user
    data = section(page(officer_client, "dashboards:officer"), "data")
    assert "failed" not in data

    queued = children_services.create_import(
        year=2025, user=officer,
        files=[children_services.store_upload_copy(path.name, path.read_bytes()) for path in sorted(BROKEN_903.glob("*.csv"))],
    )
    assert "Queued" in section(page(officer_client, "dashboards:officer"), "data")
    result = children_services.run_import(queued.pk)  # the worker moves it on with queryset updates
    assert result.error_count
    data = section(page(officer_client, "dashboards:officer"), "data")
    assert f"failed with {result.error_count} error" in data and "Queued" not in data

    framework = evaluation_services.load_framework({
        "slug": "cache", "name": "Cache framework", "description": "", "source": "Tests.",
        "areas": [{"number": 1, "name": "Outcomes", "indicators": [
            {"number": "QI 1.1", "title": "Care leavers thrive", "excellent": "Better.", "weak": "Worse."}]}],
    })
    assert "You have no self-evaluations to complete." in page(officer_client, "dashboards:officer")
    evaluation_services.open_cycle(
        framework=framework, name="2026-27", level="strategic", starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31), created_by=officer, assigned_officer=officer,
    )
    assert "Care leavers thrive" in section(page(officer_client, "dashboards:officer"), "self-evaluation")


def test_a_page_cached_by_one_release_is_not_served_by_the_next(board, make_user, client, settings):
    councillor = make_user(Role.COUNCILLOR)
    today = timezone.localdate()
    board_services.add_member(board=board, user=councillor, role=BoardRole.CHAIR, start_date=today)
    this_morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 1)))
    meeting = board_services.schedule_meeting(board=board, starts_at=this_morning, venue="Committee Room 1")
    client.force_login(councillor)
    assert "Committee Room 1" in section(page(client, "dashboards:councillor"), "next-meeting")
    with connection.cursor() as cursor:  # a write no stamp sees, so only a new key shows it
        cursor.execute(f"UPDATE {Meeting._meta.db_table} SET venue = %s WHERE id = %s", ["Council Chamber", meeting.pk])
    assert "Committee Room 1" in section(page(client, "dashboards:councillor"), "next-meeting")  # from the cache
    keys = dashboard_selectors.councillor(councillor, today)

    settings.RELEASE = "the next deploy"  # with the cache shared
    assert "Council Chamber" in section(page(client, "dashboards:councillor"), "next-meeting")
    moved = dashboard_selectors.councillor(councillor, today)
    assert moved["page_version"] != keys["page_version"]
    assert moved["measures_version"] != keys["measures_version"]  # the measure sections cached within the page


def test_a_change_that_is_rolled_back_never_shows(board, make_user, client_for):
    officer = make_user(Role.OFFICER)
    client = client_for(Role.CHIEF_EXECUTIVE)
    assert "0 not yet rated" in section(page(client, "dashboards:chief_executive"), "summary")
    with pytest.raises(RuntimeError), transaction.atomic():
        board_services.save_commitment(PledgeCommitment(), number=1, commitment="We will listen.", owner=officer)
        assert "1 not yet rated" in section(page(client, "dashboards:chief_executive"), "summary")
        raise RuntimeError("the clerk's save failed")
    assert "0 not yet rated" in section(page(client, "dashboards:chief_executive"), "summary")
    board_services.save_commitment(PledgeCommitment(), number=1, commitment="We will listen.", owner=officer)
    assert "1 not yet rated" in section(page(client, "dashboards:chief_executive"), "summary")


@pytest.fixture
def reference_data_loaded(db):
    children_services.load_reference_data()


def test_a_bulk_write_moves_the_stamp_in_its_transaction_unless_it_changes_nothing_a_page_shows(board, monkeypatch):
    meeting = board_services.schedule_meeting(board=board, starts_at=timezone.now(), venue="Committee Room 1")
    before = stamps.token()
    assert Meeting.objects.filter(pk=meeting.pk).update(venue="Council Chamber") == 1
    moved = stamps.token()
    assert moved != before
    Meeting.objects.filter(pk=0).update(venue="Hall")  # no row changed
    assert stamps.token() == moved
    with pytest.raises(RuntimeError), transaction.atomic():
        board.meetings.update(venue="Hall")  # a related manager is the model's own
        assert stamps.token() != moved
        raise RuntimeError("the write failed")
    assert stamps.token() == moved  # the token went back with the write

    from reports.models import Report, ReportType

    report = Report.objects.create(kind=ReportType.BOARD_PACK, meeting=meeting)
    moved = stamps.token()
    Report.objects.filter(pk=report.pk).update(progress=40, step="Laying out the PDF")  # shown on no cached page
    assert stamps.token() == moved

    # An import moves on with queryset updates: its progress, saved every second or so, stamps nothing.
    from children.models import Code, CohortImport

    cohort_import = CohortImport.objects.create(year=2025, kind="ssda903", stage="Waiting to start")
    moved = stamps.token()
    CohortImport.objects.filter(pk=cohort_import.pk).update(rows_done=10, rows_total=20, stage="Checking rows")
    assert stamps.token() == moved
    CohortImport.objects.filter(pk=cohort_import.pk).update(status=CohortImport.Status.FAILED, error_count=1)
    assert stamps.token() != moved

    # A code list's loader writes in bulk: a regrouped code moves the measures' version, in its transaction.
    code = Code.objects.create(code_list="placement_type", code="K1", description="Kinship", group="kinship")
    figures = stamps.token(name=stamps.MEASURES)
    with pytest.raises(RuntimeError), transaction.atomic():
        Code.objects.filter(pk=code.pk).update(group="foster")
        assert stamps.token(name=stamps.MEASURES) != figures
        raise RuntimeError("the load failed")
    assert stamps.token(name=stamps.MEASURES) == figures
    Code.objects.bulk_update([Code(pk=code.pk, group="foster")], ["group"])
    assert stamps.token(name=stamps.MEASURES) != figures

    # A model the pages show whose manager would not stamp its bulk writes stops the app from starting.
    monkeypatch.setattr(stamps, "TRACKED_MODELS", (*stamps.TRACKED_MODELS, "measures.ComparisonAuthority"))
    with pytest.raises(ImproperlyConfigured, match="measures.ComparisonAuthority is tracked"):
        stamps.connect()


def test_without_release_named_a_change_to_the_code_is_a_new_release(tmp_path):
    from core import release

    for name, text in {
        "boards/__init__.py": "", "boards/views.py": "x = 1\n", "boards/templates/boards/a.html": "<p>a</p>",
        "static/css/app.css": "p {}", "templates/base.html": "<html>", "pyproject.toml": "[project]\n",
        "tests/__init__.py": "", "tests/test_a.py": "", "var/private/paper.pdf": "%PDF",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    first = release.from_sources(tmp_path)
    for name in ("tests/test_a.py", "var/private/paper.pdf"):  # not what a page is built from
        (tmp_path / name).write_text("changed")
        assert release.from_sources(tmp_path) == first
    seen = {first}
    for name in ("boards/views.py", "boards/templates/boards/a.html", "static/css/app.css", "templates/base.html",
                 "pyproject.toml"):
        (tmp_path / name).write_text("changed")
        assert release.from_sources(tmp_path) not in seen, name
        seen.add(release.from_sources(tmp_path))
