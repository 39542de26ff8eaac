"""
Accessibility in the browser: every main page, as the people who use it see it, checked with axe-core
(no serious or critical violations), and the main forms used with the keyboard alone.

The demo council is loaded once per test so pages show real content (tables, charts, forms), not empty
states only. Each role's dashboard is saved as a screenshot under artifacts/screenshots/.
"""
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role, User

from .conftest import check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "corporate-parent-demo"
DEMO_PERSON = {
    Role.CHIEF_EXECUTIVE: "chief.executive",
    Role.COUNCILLOR: "cllr.okafor",
    Role.OFFICER: "officer.lindqvist",
    Role.YOUNG_PERSON: "ycc.rep",
    Role.ADMINISTRATOR: "clerk",
}


def main_pages(role):
    """The main pages each role uses (URL names, with arguments from the demo data)."""
    pages = {
        Role.CHIEF_EXECUTIVE: ["dashboards:chief_executive", "indicators:measure_list", "indicators:cycle_list",
                               "boards:meeting_list", "boards:pledge", "reports:report_list"],
        Role.COUNCILLOR: ["dashboards:councillor", "indicators:measure_list", "indicators:cycle_list",
                          "boards:meeting_list", "boards:pledge", "reports:report_list"],
        Role.OFFICER: ["dashboards:officer", "children:child_list", "indicators:measure_list",
                       "indicators:cycle_list", "boards:meeting_list", "boards:pledge", "reports:report_list"],
        Role.YOUNG_PERSON: ["boards:pledge", "boards:meeting_list"],
        Role.ADMINISTRATOR: ["dashboards:officer", "boards:meeting_list", "boards:pledge", "reports:report_list"],
    }[role]
    return [reverse(name) if isinstance(name, str) else name for name in pages]


@pytest.fixture
def demo_council(transactional_db, settings):
    call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("role", list(DEMO_PERSON), ids=str)
def test_main_pages_have_no_serious_accessibility_problems(page, demo_council, role):
    sign_in(page, User.objects.get(username=DEMO_PERSON[role]), DEMO_PASSWORD)
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, f"dashboard-{role}")
    problems = []
    for url in main_pages(role):
        response = page.goto(url)
        assert response.status == 200, f"{role} could not open {url}: {response.status}"
        try:
            check_accessibility(page, f"{role} at {url}")
        except pytest.fail.Exception as failure:
            problems.append(str(failure))
    assert not problems, "\n\n".join(problems)


def _focused_has_visible_focus(page):
    """GOV.UK Frontend shows focus with a yellow outline or box shadow; a focused element must show one."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                && style.outlineColor !== 'rgba(0, 0, 0, 0)';
            const shadow = style.boxShadow && style.boxShadow !== 'none';
            const background = style.backgroundColor === 'rgb(255, 221, 0)';
            return outline || shadow || background;
        }"""
    )


def tab_to(page, locator, limit=40):
    """Press Tab until ``locator`` has the focus, checking each stop shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            assert _focused_has_visible_focus(page), f"No visible focus on {locator}"
            return
    pytest.fail(f"Could not reach {locator} with the Tab key in {limit} presses")


def test_sign_in_with_the_keyboard_only(page, make_user):
    make_user(Role.OFFICER, username="hanna")
    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("hanna")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    assert _focused_has_visible_focus(page)
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Officer's dashboard")
