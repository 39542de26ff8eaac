"""
Two-factor sign-in (django-otp): setting up an authenticator app from its QR code or typed secret, the code
asked for after the password, recovery codes shown once and working once, django-otp's throttling of wrong
codes, the requirement for officers and administrators, the Django admin, and the audit trail of it all.
Codes are worked out from the secret the page shows, with RFC 6238's arithmetic (django_otp.oath.totp).
"""
import re
import time
from base64 import b32decode
from html import unescape

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_for(key_bytes, steps_ahead=0):
    return f"{totp(key_bytes, t0=-30 * steps_ahead):06d}"


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def events(name):
    return LogEntry.objects.filter(additional_data__event=name)


def enrolled(make_user, role=Role.OFFICER, username="hanna"):
    """A person whose authenticator app (with a key the test knows) is set up."""
    user = make_user(role, username=username, first_name="Hanna", last_name="Lindqvist")
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def test_an_officer_sets_up_an_authenticator_before_anything_else_and_gets_recovery_codes_once(client, make_user):
    make_user(Role.OFFICER, username="hanna", first_name="Hanna", last_name="Lindqvist")
    assert sign_in(client, "hanna").status_code == 302
    for path in (reverse("dashboards:home"), reverse("children:child_list"), reverse("account"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup")), path

    page = client.get(reverse("two_factor_setup")).content.decode()
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "style" not in svg and "<script" not in svg  # the CSP forbids inline style
    secret = unescape(re.search(r'id="secret-key">([A-Z2-7 ]+)<', page).group(1))
    key = b32decode(secret.replace(" ", ""))
    assert client.get(reverse("two_factor_setup")).content.decode().count(secret) == 1  # the same app on reload

    wrong = client.post(reverse("two_factor_setup"), {"code": "12345"})
    assert "Enter the 6-digit code" in wrong.content.decode()
    response = client.post(reverse("two_factor_setup"), {"code": code_for(key), "next": reverse("children:child_list")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_recovery_codes"))
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert codes_page["Cache-Control"] == "no-store"
    assert client.get(reverse("two_factor_recovery_codes")).status_code == 302  # shown once
    assert client.get(reverse("children:child_list")).status_code == 200

    added = events("second_factor_added").get()
    assert added.additional_data["actor_name"] == "Hanna Lindqvist" and added.object_repr == "Hanna Lindqvist"
    assert secret.replace(" ", "") not in str(added.additional_data) and codes[0] not in str(added.additional_data)


def test_signing_in_asks_for_the_code_after_the_password_and_throttles_wrong_codes(client, make_user):
    user, device = enrolled(make_user)
    sign_in(client, "hanna")
    response = client.get(reverse("children:child_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("two_factor_setup")).status_code == 302  # no new app without the old one's code

    wrong = client.post(reverse("two_factor_verify"), {"code": "000000" if code_for(device.bin_key) != "000000" else "111111"})
    assert "The code is not right" in wrong.content.decode()
    throttled = client.post(reverse("two_factor_verify"), {"code": code_for(device.bin_key)})
    assert "Wait 1 second before trying again" in throttled.content.decode()  # django-otp: 1 s after one failure
    assert client.get(reverse("children:child_list")).status_code == 302
    assert events("second_factor_failed").count() == 2

    time.sleep(1.05)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device.bin_key), "next": reverse("children:child_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("children:child_list")
    assert client.get(reverse("children:child_list")).status_code == 200
    assert events("second_factor_given").get().additional_data["actor_username"] == "hanna"


def test_a_recovery_code_works_once(client, make_user):
    user, device = enrolled(make_user, role=Role.COUNCILLOR)
    from accounts.services import new_recovery_codes

    codes = new_recovery_codes(user)
    sign_in(client, "hanna")
    response = client.post(reverse("two_factor_verify"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.get(reverse("dashboards:home")).status_code == 302  # on to the councillor's dashboard
    assert client.get(reverse("account")).status_code == 200
    assert events("recovery_code_used").get().additional_data["recovery_codes_left"] == 9
    client.post(reverse("logout"))
    sign_in(client, "hanna")
    again = client.post(reverse("two_factor_verify"), {"code": codes[3]})
    assert "The code is not right" in again.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_roles_without_child_records_need_no_second_factor_unless_they_set_one_up(client, make_user):
    make_user(Role.COUNCILLOR, username="cllr")
    sign_in(client, "cllr")
    assert client.get(reverse("dashboards:home"), follow=True).status_code == 200
    assert "Set up an authenticator app" in client.get(reverse("account")).content.decode()


def test_with_the_requirement_off_an_officer_signs_in_with_a_password(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    make_user(Role.OFFICER, username="hanna")
    sign_in(client, "hanna")
    assert client.get(reverse("children:child_list")).status_code == 200


def test_the_django_admin_needs_a_verified_second_factor(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = False  # the admin asks for one whatever the setting
    admin = make_user(Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True)
    sign_in(client, "root")
    assert client.get(reverse("children:child_list")).status_code == 200
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "The administration needs a second factor" in response.content.decode()

    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    client.post(reverse("logout"))
    sign_in(client, "root")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"code": code_for(device.bin_key)})
    assert client.get("/admin/").status_code == 200
    officer = make_user(Role.OFFICER, username="officer", is_staff=True)  # staff, but not an administrator
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302


def test_removing_a_second_factor_is_audited_by_the_person_and_by_an_administrator(client, make_user):
    councillor, device = enrolled(make_user, role=Role.COUNCILLOR, username="cllr")
    sign_in(client, "cllr")
    client.post(reverse("two_factor_verify"), {"code": code_for(device.bin_key)})
    client.post(reverse("two_factor_remove"))
    assert not TOTPDevice.objects.filter(user=councillor).exists()
    removed = events("second_factor_removed").get()
    assert removed.additional_data["actor_username"] == "cllr" and removed.object_pk == str(councillor.pk)

    officer, officer_device = enrolled(make_user, username="hanna")
    admin, admin_device = enrolled(make_user, role=Role.ADMINISTRATOR, username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.post(reverse("logout"))
    sign_in(client, "root")
    client.post(reverse("two_factor_verify"), {"code": code_for(admin_device.bin_key)})
    delete_url = reverse("admin:otp_totp_totpdevice_delete", args=[officer_device.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    by_admin = events("second_factor_removed").get(object_pk=str(officer.pk))
    assert by_admin.additional_data["actor_username"] == "root"


def test_an_officer_cannot_remove_a_required_second_factor(client, make_user):
    officer, device = enrolled(make_user)
    sign_in(client, "hanna")
    client.post(reverse("two_factor_verify"), {"code": code_for(device.bin_key)})
    response = client.post(reverse("two_factor_remove"), follow=True)
    assert "cannot be removed" in response.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()


def security_key(user, name="Security key 1"):
    """A key on record for ``user`` (the browser test, tests/e2e, adds one through the page with a real
    WebAuthn exchange; here only the server's side of a failed check matters)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=f"key-{user.username}-{name}".encode(), public_key=b"\x00",
        sign_count=0,
    )


def test_failed_security_key_checks_are_recorded_and_throttled_like_wrong_codes(client, make_user):
    officer = make_user(Role.OFFICER, username="hanna")
    security_key(officer)
    sign_in(client, "hanna")
    response = client.get(reverse("children:child_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    page = client.get(response["Location"]).content.decode()
    assert "Use your security key" in page and 'id="otp_webauthn_config"' in page
    assert "Recovery code" in page and "Code from your authenticator app" not in page  # a key, no app

    begin = reverse("otp_webauthn:credential-authentication-begin")
    complete = reverse("otp_webauthn:credential-authentication-complete")
    assert client.post(begin).status_code == 200
    # An answer from a key this service does not know (someone else's, or made up).
    stranger = {"id": "c3RyYW5nZXI", "rawId": "c3RyYW5nZXI", "type": "public-key", "response": {
        "clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"}}
    failed = client.post(complete, stranger, content_type="application/json")
    assert failed.status_code == 404
    assert "Wait 1 second before trying again" in failed.json()["detail"]  # django-otp's rule: 1 s after one
    assert client.post(begin).status_code == 429  # throttled before the key is even asked
    refused = client.post(complete, stranger, content_type="application/json")
    assert refused.status_code == 429 and "1 failed security key check in a row" in refused.json()["detail"]
    assert client.get(reverse("children:child_list")).status_code == 302  # still not through
    failure = events("second_factor_failed").get()
    assert failure.additional_data["device"] == "Security key"
    assert failure.additional_data["reason"] == "credential_not_found"
    assert failure.additional_data["actor_username"] == "hanna"


def test_a_security_key_is_removed_by_its_owner_unless_it_is_a_required_last_one(client, make_user):
    from django_otp import DEVICE_ID_SESSION_KEY

    officer = make_user(Role.OFFICER, username="hanna")
    only = security_key(officer)
    client.force_login(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = only.persistent_id  # signed in with the key
    session.save()
    account = client.get(reverse("account")).content.decode()
    assert "Security key 1" in account
    response = client.post(reverse("security_key_remove", args=[only.pk]), follow=True)
    assert "cannot be removed" in response.content.decode()
    spare = security_key(officer, name="Security key 2")
    client.post(reverse("security_key_remove", args=[spare.pk]))
    removed = events("second_factor_removed").get()
    assert removed.additional_data["key"] == "Security key 2" and removed.additional_data["actor_username"] == "hanna"
    someone_else = security_key(make_user(Role.COUNCILLOR, username="cllr"))
    assert client.post(reverse("security_key_remove", args=[someone_else.pk])).status_code == 404
