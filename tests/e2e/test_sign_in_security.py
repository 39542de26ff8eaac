"""
Journeys of sign-in security: a locked account and its unlock; a session that ends when left idle; setting up
an authenticator app and signing in with its code.
"""
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role

from .conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser


def try_password(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_repeated_failures_lock_the_account_until_an_administrator_unlocks_it(page, browser, live_server, make_user, settings):
    # The service sits behind the council's proxy (here, on this machine), which names each visitor's address.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    make_user(Role.COUNCILLOR, username="adaeze", first_name="Adaeze", last_name="Okafor")
    admin = make_user(Role.ADMINISTRATOR, username="kwame", first_name="Kwame", last_name="Osei")

    for attempt in range(5):
        try_password(page, "adaeze", f"wrong-guess-{attempt}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.get_by_role("main")).to_contain_text("locked for 30 minutes")
    try_password(page, "adaeze", "a-long-test-password")  # the right password, too late
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")

    # The administrator works from another desk: another address behind the same proxy.
    helpdesk = browser.new_context(
        base_url=live_server.url, locale="en-GB", extra_http_headers={"X-Forwarded-For": "192.0.2.50"}
    )
    admin_page = helpdesk.new_page()
    sign_in(admin_page, admin)
    admin_page.get_by_role("link", name="Kwame Osei").click()
    admin_page.get_by_role("link", name="Locked sign-ins").click()
    row = admin_page.get_by_role("row").filter(has_text="adaeze")
    expect(row).to_contain_text("Locked")
    row.get_by_role("button", name="Unlock").click()
    expect(admin_page.get_by_role("main")).to_contain_text("Signing in is unlocked for adaeze")
    helpdesk.close()

    try_password(page, "adaeze", "a-long-test-password")
    expect(page).to_have_url(f"{live_server.url}/dashboard/councillor/")


def test_a_session_left_idle_ends_and_asks_to_sign_in_again(page, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 2  # seconds, for the test; 30 minutes by default
    officer = make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")
    sign_in(page, officer)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_timeout(3_000)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("main")).to_contain_text("had not used the service for 2 seconds")
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    page.get_by_label("Username").fill("hanna")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board meetings")


def test_an_officer_sets_up_an_authenticator_app_and_signs_in_with_its_code(page, make_user, settings):
    """
    With a second factor required, the officer is sent to set one up straight after the password, types the
    secret the page shows into "their app" (RFC 6238 arithmetic, django_otp.oath.totp), keeps the recovery
    codes, and next time gives a code after the password.
    """
    from base64 import b32decode

    from django_otp.oath import totp

    settings.TWO_FACTOR_REQUIRED = True
    make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")
    try_password(page, "hanna", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code to set up your authenticator app")).to_be_visible()
    check_accessibility(page, "two-factor set-up")
    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Set up the app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))

    page.get_by_role("button", name="Sign out").click()
    try_password(page, "hanna", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    check_accessibility(page, "two-factor code")
    # The code one step on: the one used to set up the app cannot be used again (django-otp refuses replays).
    page.get_by_label("Code from your authenticator app").fill(f"{totp(key, t0=-30):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Children").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/children/"))
