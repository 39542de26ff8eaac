"""
Each role's dashboard in the browser, on the demo council: its summary, headline figures and all, is on the
first screen of a 1366 x 768 laptop, every link on it opens for that role (the partner agency's and the administrator's too), and on a
375-pixel phone neither the page nor any table on it scrolls sideways.
"""
import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import User

from .conftest import (
    SCREENSHOTS,
    check_accessibility,
    load_demo_council,
    screenshot,
    sign_in,
    tables_scrolling_sideways,
)

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "corporate-parent-demo"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
DASHBOARDS = {
    "chief.executive": "/dashboard/chief-executive/",
    "cllr.okafor": "/dashboard/councillor/",
    "officer.lindqvist": "/dashboard/officer/",
    "partner.nhs": "/dashboard/councillor/",  # a partner agency lands on the councillors' dashboard
    "admin.osei": "/dashboard/officer/",  # an administrator on the officers'
}


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the pages' layout and links do not depend on the database: checked in the SQLite run, to keep CI within its time",
)
def test_each_summary_is_on_the_first_screen_and_every_link_opens(page, transactional_db):
    load_demo_council()
    problems = []
    for username, url in DASHBOARDS.items():
        page.context.clear_cookies()
        page.set_viewport_size(LAPTOP)
        sign_in(page, User.objects.get(username=username), DEMO_PASSWORD)
        page.goto(url)
        assert page.url.endswith(url), f"{username} landed on {page.url}, not {url}"
        summary = page.locator("#summary")
        expect(summary).to_be_visible()
        if not summary.locator(".app-headlines tbody tr").count():
            problems.append(f"{username}: the summary has no headline figures")
        box = summary.bounding_box()
        if box["y"] + box["height"] > LAPTOP["height"]:
            problems.append(f"{username}: the summary ends {box['y'] + box['height']:.0f} pixels down, below the first screen")
        screenshot(page, f"summary-{username}")
        page.screenshot(path=str(SCREENSHOTS / f"summary-{username}-first-screen.png"))
        links = page.eval_on_selector_all(
            "main a[href]", "links => [...new Set(links.map(a => a.getAttribute('href')))]"
        )
        for href in links:
            if href.startswith("#"):
                continue
            response = page.request.get(href, max_redirects=0)
            if response.status != 200:
                problems.append(f"{username}: {href} gives {response.status}")
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{username}: the page is {width} pixels wide on a {PHONE['width']}-pixel phone")
        problems += [f"{username}: {table} scrolls sideways on a phone" for table in tables_scrolling_sideways(page)]
        screenshot(page, f"summary-{username}-phone")
        check_accessibility(page, f"{username}'s dashboard on a phone")
    assert not problems, "\n".join(problems)
