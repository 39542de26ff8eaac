"""
The meeting page keeps its HTML under the boards' change stamp, the date, the meeting and the person's role: every
change shows on the next request, nobody is given a page built for another role, and every form on a cached page
carries this request's own CSRF token (core.templatetags.cached_forms), so it is accepted, and not taken for a
form sent twice.
"""
import re

import pytest
from django.test import Client
from django.urls import reverse

from boards import services
from core.templatetags.cached_forms import MARKER
from reports import services as report_services
from reports.models import ReportType

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _browser(user):
    browser = Client(enforce_csrf_checks=True)  # as a browser: the token must come from the page
    browser.force_login(user)
    return browser


def _main(html):
    return TOKEN.sub("", html[html.index("<main"):html.index("</main>")])


def test_a_cached_meeting_page_has_a_fresh_token_in_every_form_and_shows_the_new_order(world, django_assert_max_num_queries):
    services.add_agenda_item(meeting=world.upcoming, title="Health assessments")
    school = services.add_agenda_item(meeting=world.upcoming, title="School attendance")
    url = reverse("boards:meeting_detail", args=[world.upcoming.pk])
    officer = _browser(world.officer)
    first = officer.get(url).content.decode()
    with django_assert_max_num_queries(4):  # session, person, the meeting, the change stamp
        cached = officer.get(url).content.decode()
    assert _main(cached) == _main(first) and MARKER not in cached
    tokens = set(TOKEN.findall(cached))
    assert len(tokens) == 1 and tokens.isdisjoint(TOKEN.findall(first)) and "" not in tokens  # this request's own

    moved = officer.post(
        reverse("boards:agenda_item_move", args=[world.upcoming.pk, school.pk]),
        {"csrfmiddlewaretoken": tokens.pop(), "direction": "up"},
    )
    assert moved.status_code == 302 and "already been sent" not in officer.get(moved["Location"]).content.decode()
    page = officer.get(url).content.decode()
    assert page.index("School attendance") < page.index("Health assessments")


def test_a_member_is_never_given_the_page_built_for_an_officer_and_a_pack_shows_as_it_changes(world):
    url = reverse("boards:meeting_detail", args=[world.held.pk])
    officer, chair = _browser(world.officer), _browser(world.chair)
    assert "Draft report" in officer.get(url).content.decode()
    member_page = chair.get(url).content.decode()
    assert "Published report" in member_page and "Draft report" not in member_page
    assert "csrfmiddlewaretoken" not in _main(member_page)  # no forms for a member: nothing to move or publish
    assert "Draft report" in officer.get(url).content.decode()

    report = report_services.request_report(ReportType.BOARD_PACK, meeting=world.held, requested_by=world.officer, queue=False).report
    assert f"version {report.version}: queued" in officer.get(url).content.decode()
    report_services.record_failure(report.pk, RuntimeError("The PDF could not be laid out."), final=True)
    assert f"version {report.version}: failed" in officer.get(url).content.decode()
