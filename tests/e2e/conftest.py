"""
Browser tests: Playwright's sync API drives Debian's headless Chromium against the app served by
pytest-django's ``live_server`` (a real HTTP server in a thread of the test process, sharing its database).

One browser for the whole run, a fresh context (cookies, storage) for each test. People sign in through the
real sign-in form. ``check_accessibility(page)`` runs axe-core in the page and fails on serious or critical
violations; ``screenshot(page, name)`` saves a PNG under artifacts/screenshots/ for reviewers.
"""
import datetime
import importlib
import io
import os
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from "async" code
# unless told the thread is safe (it is: the loop only waits for the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from axe_playwright_python.base import AXE_SCRIPT  # noqa: E402  (axe-core, as packaged by axe-playwright-python)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from accounts.models import Role  # noqa: E402
from boards import services as board_services  # noqa: E402
from boards.models import Board, BoardRole  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a-long-test-password"  # what tests/conftest.py's make_user gives everyone
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; bin/install "
            "--with-browser does it).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def plain_http_server(request):
    """
    The live server speaks plain HTTP on localhost. Django's SecurityMiddleware reads the HTTPS redirect and
    HSTS settings once, when the server builds its handler, so they are switched off while it starts.
    """
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        return request.getfixturevalue("live_server")


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    """Production cookies are Secure-only; these are read on each request, so a per-test override is enough."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def page(browser, plain_http_server, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    # The content security policy forbids inline scripts and styles; the browser reports each one it blocks.
    page.on(
        "console",
        lambda message: message.type == "error"
        and "Content Security Policy" in message.text
        and errors.append(f"{page.url}: {message.text}"),
    )
    yield page
    context.close()
    assert not errors, "JavaScript errors or content security policy violations in the pages:\n" + "\n".join(errors)


@pytest.fixture
def board(make_user):
    """A board with a chair, a councillor and an officer member."""
    board = Board.objects.create(
        name="Wyvern Corporate Parenting Board",
        terms_of_reference="Leads and scrutinises the council's duties as corporate parent.",
        quorum=2,
    )
    start = timezone.localdate() - datetime.timedelta(days=365)
    board.chair = make_user(Role.COUNCILLOR, username="adaeze", first_name="Adaeze", last_name="Okafor")
    board.member = make_user(Role.COUNCILLOR, username="gareth", first_name="Gareth", last_name="Hughes")
    board.officer = make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")
    board_services.add_member(board=board, user=board.chair, role=BoardRole.CHAIR, start_date=start)
    board_services.add_member(board=board, user=board.member, role=BoardRole.COUNCILLOR, start_date=start)
    board_services.add_member(board=board, user=board.officer, role=BoardRole.OFFICER, start_date=start, voting=False)
    return board


@pytest.fixture
def cycle(officer):
    """A self-evaluation cycle on the first bundled framework, every evaluation assigned to ``officer``."""
    from indicators import services as indicator_services
    from indicators.models import Level

    framework = indicator_services.load_framework_file(indicator_services.bundled_framework_files()[0])
    today = timezone.localdate()
    return indicator_services.open_cycle(
        framework=framework, name=f"{today.year}-{today.year + 1 - 2000}", level=Level.STRATEGIC,
        starts_on=today, ends_on=today + datetime.timedelta(days=180), created_by=officer, assigned_officer=officer,
    )


def first_evaluation(cycle):
    return cycle.evaluations.select_related("indicator").order_by(
        "indicator__area__number", "indicator__position"
    ).first()


# The smallest real PDF: what an officer's evidence document would start with.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


def sign_in(page, user, password=PASSWORD):
    """Sign in through the real form, as a person would, and wait to land on the role's first page."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def check_accessibility(page, label=None):
    """Run axe-core in the page; fail listing every serious or critical violation."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
        # Later pages of this context get axe-core as they load, rather than sent again each time.
        page.context.add_init_script(script=AXE_SCRIPT)
    response = page.evaluate("axe.run({resultTypes: ['violations']})")
    blocking = [v for v in response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{label or page.url}: {len(blocking)} serious or critical accessibility violation(s)"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')[:300]}")
        pytest.fail("\n".join(lines), pytrace=False)
    return response


def tables_scrolling_sideways(page):
    """
    The tables of the page's main content that are wider than the screen or than their box, by caption: on a
    phone each should stack its rows instead (a chart scrolls in its own box on purpose, and is not counted).
    """
    return page.evaluate(
        """() => [...document.querySelectorAll('main table')].filter(table => {
            if (table.closest('.app-chart-figure')) return false;
            const box = table.parentElement;
            return table.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                || box.scrollWidth > box.clientWidth + 1;
        }).map(table => '"' + ((table.caption || {}).textContent || 'a table with no caption').trim() + '"')"""
    )


def day_comes_first(browser):
    """
    Whether this browser lays out date fields day first (dd/mm/yyyy) or month first: it follows the machine's
    locale, so ask a scratch page rather than assume.
    """
    scratch = browser.new_context()
    probe = scratch.new_page()
    probe.set_content('<input id="probe" type="date" aria-label="probe">')
    probe.focus("#probe")
    probe.keyboard.type("01022003")
    day_first = probe.input_value("#probe") == "2003-02-01"
    scratch.close()
    return day_first


def type_date(page, date, time_of_day=None, *, day_first):
    """Key in a date (and time) in the focused date or datetime-local field, segment by segment."""
    page.keyboard.type(f"{date:%d%m%Y}" if day_first else f"{date:%m%d%Y}")
    if time_of_day is not None:
        page.keyboard.press("Tab")  # the year takes up to six digits, so move on to the hours by hand
        page.keyboard.type(f"{time_of_day:%H%M}")


def load_demo_council():
    """
    The demo council (tests/e2e pages need real content), without the demo's two board-pack and annual-report
    PDF builds, which take most of its time; the councillor's journey builds and checks a real board pack.
    """
    from accounts.management.commands.load_demo import DEMO_APPS

    context = {"today": timezone.localdate(), "stdout": io.StringIO()}
    with transaction.atomic():
        for app in DEMO_APPS:
            if app != "reports":
                importlib.import_module(f"{app}.demo").load(context)
    return context


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
