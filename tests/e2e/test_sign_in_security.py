"""
Journeys of sign-in security: a locked account and its unlock; a session that ends when left idle; setting up
an authenticator app and signing in with its code.
"""
import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import Role

from .conftest import check_accessibility, screenshot, sign_in

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


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="browser journey whose database work is plain ORM: checked in the SQLite run (CI time); the PostgreSQL "
    "run covers the same services in tests/accounts",
)
def test_an_officer_adds_a_security_key_and_signs_in_with_it(page, make_user, settings, live_server):
    """
    A security key instead of an app: Chrome's virtual authenticator (DevTools' WebAuthn domain) stands in for
    the key the officer would touch, answering the browser's real WebAuthn calls; django-otp-webauthn checks
    its attestation and, at sign-in, its signature over the server's challenge.
    """
    from auditlog.models import LogEntry

    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})["authenticatorId"]
    make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")

    try_password(page, "hanna", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    page.get_by_role("link", name="Use a security key or passkey instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key or passkey")
    check_accessibility(page, "adding a security key")
    screenshot(page, "security-key-add")
    page.get_by_role("button", name="Add a security key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))
    assert len(devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

    page.get_by_role("button", name="Sign out").click()
    try_password(page, "hanna", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Use your security key")
    check_accessibility(page, "signing in with a security key")
    screenshot(page, "security-key-sign-in")
    page.get_by_role("button", name="Use your security key").click()
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Children").click()
    expect(page).to_have_url(re.compile(r"/children/"))

    trail = {entry.additional_data["event"]: entry.additional_data for entry in LogEntry.objects.filter(
        additional_data__event__in=["second_factor_added", "second_factor_given"])}
    assert trail["second_factor_added"]["device"] == "Security key"
    assert trail["second_factor_added"]["recovery_codes"] == 10
    assert trail["second_factor_given"]["device"] == "Security key"
    assert trail["second_factor_given"]["actor_username"] == "hanna"


@pytest.fixture
def council_identity_provider(live_server, settings, tmp_path):
    """
    A real OpenID Connect provider on this machine (tests/accounts/oidc_provider: django-oauth-toolkit), in a
    process of its own, knowing two people; the service is set up from its discovery document as a council
    would set it up from Entra ID's.
    """
    import json
    import os
    import secrets
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    client = {
        "client_id": "corporate-parenting-board", "client_secret": secrets.token_urlsafe(24),
        "redirect_uri": f"{live_server.url}/accounts/council-account/callback/",
    }
    people = [
        {"username": "hanna.lindqvist", "password": "provider-password-1", "email": "hanna.lindqvist@wyvern.gov.uk",
         "name": "Hanna Lindqvist", "groups": ["All staff", "CPB officers"]},
        {"username": "sam.okoro", "password": "provider-password-2", "email": "sam.okoro@wyvern.gov.uk",
         "name": "Sam Okoro", "groups": ["All staff", "CPB officers"]},
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.oidc_provider.serve"], cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PROVIDER_DATABASE": str(tmp_path / "provider.sqlite3"),
             "PROVIDER_CLIENT": json.dumps(client), "PROVIDER_PEOPLE": json.dumps(people)},
    )
    try:
        base = f"http://127.0.0.1:{int(process.stdout.readline())}"
        with urllib.request.urlopen(f"{base}/o/.well-known/openid-configuration", timeout=20) as answer:
            discovery = json.load(answer)
        settings.OIDC_RP_CLIENT_ID = client["client_id"]
        settings.OIDC_RP_CLIENT_SECRET = client["client_secret"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
        settings.SINGLE_SIGN_ON_NAME = "your Wyvern Council account"
        yield discovery
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at_provider(page, username, password):
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-with-council-account")
    page.get_by_role("link", name="Sign in with your Wyvern Council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your council account")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="browser journey whose database work is plain ORM: checked in the SQLite run (CI time); the PostgreSQL "
    "run covers the same services in tests/accounts",
)
def test_a_council_officer_signs_in_with_their_council_account(page, browser, live_server, make_user, settings,
                                                               council_identity_provider):
    """
    Through the provider's own sign-in page and back: the identity is matched by email (in any case) to a
    person an administrator added, the provider's group gives the role, and someone the service does not know
    is refused, not created. All of it is in the audit trail.
    """
    from auditlog.models import LogEntry

    from accounts.models import User

    settings.SINGLE_SIGN_ON_GROUP_ROLES = {"CPB officers": Role.OFFICER.value}
    hanna = make_user(Role.COUNCILLOR, username="hanna", first_name="Hanna", last_name="Lindqvist",
                      email="Hanna.Lindqvist@wyvern.gov.uk")

    desk = browser.new_context(base_url=live_server.url, locale="en-GB")
    stranger = desk.new_page()
    sign_in_at_provider(stranger, "sam.okoro", "provider-password-2")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("You could not be signed in with your council account")
    desk.close()
    assert not User.objects.filter(email__iexact="sam.okoro@wyvern.gov.uk").exists()

    sign_in_at_provider(page, "hanna.lindqvist", "provider-password-1")
    expect(page).to_have_url(re.compile(r"/dashboard/officer/$"))
    check_accessibility(page, "officer dashboard after single sign-on")
    hanna.refresh_from_db()
    assert hanna.role == Role.OFFICER

    refused = LogEntry.objects.get(additional_data__event="sign_in_failed", additional_data__via="council account")
    assert refused.additional_data["email"] == "sam.okoro@wyvern.gov.uk"
    assert refused.additional_data["reason"] == "no active person has this email address"
    signed_in = LogEntry.objects.get(additional_data__event="signed_in_with_council_account")
    assert signed_in.object_pk == str(hanna.pk)
    assert signed_in.additional_data["issuer"] == council_identity_provider["issuer"]
    assert signed_in.additional_data["role_from_group"] == "officer"
    role_change = LogEntry.objects.get_for_object(hanna).filter(action=LogEntry.Action.UPDATE, changes__icontains="role").get()
    assert role_change.changes_dict["role"] == ["councillor", "officer"]
