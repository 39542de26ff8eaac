"""Each role's dashboard: who lands where, who may open which, what it shows, suppression and query counts."""
import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from boards import services as board_services
from boards.models import Board, BoardRole, PledgeCommitment
from children.models import CohortImport
from indicators import services as evaluation_services
from measures.models import Comparator, Target
from tests.dashboards.factories import bulk_cohort, child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DASHBOARDS = ("dashboards:chief_executive", "dashboards:councillor", "dashboards:officer")


@pytest.fixture
def small_cohort():
    """2025: 12 children looked after at 31 March, 3 of them placed more than 20 miles away."""
    make_codes()
    ret = cohort_return(2025)
    for n in range(12):
        episode(ret, child(), d("01/05/2024"), distance_miles=30 if n < 3 else 2)
    Comparator.objects.create(measure="placed_over_20_miles", year=2025, england=Decimal("16"))
    Target.objects.create(measure="placed_over_20_miles", value=Decimal("10"), amber_margin=Decimal("5"))
    return ret


@pytest.mark.parametrize(
    "role, landing",
    [
        (Role.CHIEF_EXECUTIVE, "dashboards:chief_executive"),
        (Role.COUNCILLOR, "dashboards:councillor"),
        (Role.OFFICER, "dashboards:officer"),
        (Role.ADMINISTRATOR, "dashboards:officer"),
        (Role.CLERK, "boards:clerk_desk"),
        (Role.YOUNG_PERSON, "boards:pledge"),
    ],
)
def test_each_role_lands_on_its_own_page(client_for, role, landing):
    response = client_for(role).get(reverse("dashboards:home"))
    assert response.status_code == 302 and response.url == reverse(landing)


@pytest.mark.parametrize(
    "url_name, refused",
    [
        ("dashboards:chief_executive", (Role.COUNCILLOR, Role.YOUNG_PERSON)),
        ("dashboards:councillor", (Role.YOUNG_PERSON,)),
        ("dashboards:officer", (Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.YOUNG_PERSON)),
    ],
)
def test_wrong_roles_are_refused_and_anonymous_sent_to_sign_in(client, client_for, url_name, refused):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and reverse("login") in response.url
    for role in refused:
        assert client_for(role).get(reverse(url_name)).status_code == 403


def test_empty_council_shows_empty_states(client_for, client):
    for role, url_name in zip((Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER), DASHBOARDS):
        client.logout()
        html = client_for(role).get(reverse(url_name)).content.decode()
        assert "No cohort return has been imported yet" in html


def test_chief_executive_sees_how_many_why_where_how_well_and_governance(small_cohort, client_for):
    html = client_for(Role.CHIEF_EXECUTIVE).get(reverse("dashboards:chief_executive")).content.decode()
    for heading in ("Your questions answered", "How many children we look after", "Who the children are",
                    "Why they are looked after", "Where they live", "How well they are doing", "Governance"):
        assert heading in html
    assert html.count('role="img"') == 3  # trend, category of need, placement mix
    assert "Data for the chart: Placement mix at 31 March" in html
    assert "board meetings quorate in 12 months" in html


def test_small_numbers_are_withheld_on_the_chief_executive_and_councillor_dashboards(small_cohort, client_for, client):
    for role, url_name in ((Role.CHIEF_EXECUTIVE, "dashboards:chief_executive"), (Role.COUNCILLOR, "dashboards:councillor")):
        client.logout()
        html = client_for(role).get(reverse(url_name)).content.decode()
        row = html[html.index("Placed more than 20 miles from home"):]
        row = row[: row.index("</tr>")]
        assert "[c]" in row and "25%" not in row
        assert "app-rag" not in row  # a withheld figure gets no rating that would hint at it
        assert "16%" in row  # England is still shown beside it


def test_officer_dashboard_shows_small_numbers_off_target(small_cohort, client_for):
    html = client_for(Role.OFFICER).get(reverse("dashboards:officer")).content.decode()
    # Red, so among the summary's headline figures (and not repeated under "Measures off target").
    summary = html[html.index('id="summary"'):html.index('id="similar"')]
    row = summary[summary.index("Placed more than 20 miles from home"):]
    row = row[:row.index("</tr>")]
    assert "25%" in row and "app-rag--red" in row  # 3 of 12, against a target of 10%
    assert "Placed more than 20 miles from home" not in html[html.index("Measures off target"):]


def test_councillor_sees_questions_pledge_next_meeting_papers_and_own_actions(small_cohort, make_user, client):
    councillor, officer = make_user(Role.COUNCILLOR), make_user(Role.OFFICER)
    board = Board.objects.create(name="Corporate Parenting Board", terms_of_reference="To scrutinise.", quorum=2)
    today = timezone.localdate()
    board_services.add_member(board=board, user=councillor, role=BoardRole.COUNCILLOR, start_date=today - datetime.timedelta(days=30))
    meeting = board_services.schedule_meeting(
        board=board, starts_at=timezone.now() + datetime.timedelta(days=14), venue="County Hall, Committee Room 2"
    )
    item = board_services.add_agenda_item(meeting=meeting, title="Placement sufficiency", report_author=officer)
    board_services.upload_paper(agenda_item=item, title="Sufficiency report", uploaded_by=officer, published=True,
                                file=ContentFile(PDF, name="sufficiency.pdf"))
    board_services.upload_paper(agenda_item=item, title="Draft notes", uploaded_by=officer,
                                file=ContentFile(PDF, name="draft.pdf"))
    board_services.create_action(meeting=meeting, description="Visit a children's home", owner=councillor,
                                 due_on=today - datetime.timedelta(days=1))
    commitment = board_services.save_commitment(PledgeCommitment(), number=1, commitment="We will listen to you.", owner=officer)
    board_services.add_pledge_update(commitment=commitment, rag="green", note="Done.", updated_by=officer)
    client.force_login(councillor)
    html = client.get(reverse("dashboards:councillor")).content.decode()
    assert "Are our children living in family settings, close to home?" in html
    assert "How well are our care leavers doing?" in html
    assert "County Hall, Committee Room 2" in html and "Sufficiency report" in html
    assert "Draft notes" not in html  # unpublished papers stay with officers
    assert "Visit a children&#x27;s home" in html and "Overdue" in html
    assert "We will listen to you." in html and "app-rag--green" in html


def test_officer_sees_import_errors_and_evaluations_to_complete(make_user, client):
    officer = make_user(Role.OFFICER)
    CohortImport.objects.create(year=2025, status=CohortImport.Status.FAILED, error_count=7, created_by=officer)
    framework = evaluation_services.load_framework({
        "slug": "dash", "name": "Dashboard framework", "description": "", "source": "Tests.",
        "areas": [{"number": 1, "name": "Outcomes", "indicators": [
            {"number": "QI 1.1", "title": "Outcomes improve", "excellent": "Better.", "weak": "Worse."}]}],
    })
    evaluation_services.open_cycle(
        framework=framework, name="2025-26", level="strategic", starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2026, 3, 31), created_by=officer, assigned_officer=officer,
    )
    client.force_login(officer)
    html = client.get(reverse("dashboards:officer")).content.decode()
    assert "failed with 7 errors" in html
    assert "Outcomes improve" in html


@pytest.mark.parametrize("children", [50, 5000])
def test_dashboards_run_a_constant_number_of_queries(children, client_for, client, django_assert_max_num_queries):
    """The same bound for 50 and 5,000 children (the measures' own test covers several years at once)."""
    bulk_cohort(children, year=2025)
    for role, url_name in zip((Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER), DASHBOARDS):
        client.logout()
        signed_in = client_for(role)
        with django_assert_max_num_queries(25):
            response = signed_in.get(reverse(url_name))
        assert response.status_code == 200
        assert "No cohort return has been imported yet" not in response.content.decode()


def test_cached_measure_sections_follow_new_data_and_comparators(small_cohort, client_for, django_assert_max_num_queries):
    councillor = client_for(Role.COUNCILLOR)
    url = reverse("dashboards:councillor")
    first = councillor.get(url).content.decode()
    assert "Not entered" in first[first.index("Placed outside the council"):]
    with django_assert_max_num_queries(12):  # the measure sections come from the cache
        assert councillor.get(url).status_code == 200
    Comparator.objects.create(measure="placed_outside_area", year=2025, england=Decimal("42"))
    for _ in range(3):
        episode(small_cohort, child(), d("01/05/2024"))
    html = councillor.get(url).content.decode()
    row = html[html.index("Placed outside the council"):]
    assert "42%" in row[: row.index("</tr>")]
    looked_after = html[html.index("Children looked after at 31 March</a>"):]
    assert re.search(r">15\s*<", looked_after[: looked_after.index("</tr>")])  # 12 + 3


def test_a_small_placement_figure_cannot_be_worked_out_from_the_others(client_for, client):
    """9 children in foster care and 3 in residential care: with 12 published, 25% would be 100% - 75%."""
    make_codes()
    ret = cohort_return(2025)
    for n in range(12):
        episode(ret, child(), d("01/05/2024"), place="R1" if n < 3 else "U1")

    def rows(html):
        where = html[html.index('id="where"'):html.index('id="how-well"')]
        return {name: where[where.index(name):][:where[where.index(name):].index("</tr>")]
                for name in ("Placed with foster carers", "Placed in residential care")}

    html = client_for(Role.CHIEF_EXECUTIVE).get(reverse("dashboards:chief_executive")).content.decode()
    for row in rows(html).values():
        assert "[c]" in row and "75%" not in row and "25%" not in row
    # One wording for both: a reader cannot tell the small figure from the one withheld to protect it.
    foster, residential = rows(html).values()
    assert foster[foster.index("<td"):] == residential[residential.index("<td"):]
    placement_chart = html[html.index("Data for the chart: Placement mix"):]
    assert "75%" not in placement_chart[:placement_chart.index("</table>")]
    client.logout()
    html = client_for(Role.OFFICER).get(reverse("measures:measure_list")).content.decode()
    assert "75%" in html and "25%" in html  # officers see both in full
