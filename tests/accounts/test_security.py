"""Throttling and lockout, the address we believe, idle and overlong sessions, password change and reset."""
import logging
import re
import time

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from accounts.models import Role
from core.addresses import client_address

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# --- The address --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trusted,remote,forwarded,expected",
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy trusted: the header is ignored
        (["10.0.0.0/8"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # sent straight to us: ignored
        (["10.0.0.0/8"], "10.0.0.2", "198.51.100.1", "198.51.100.1"),  # through our proxy: believed
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),  # a forged hop is skipped
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "not-an-address", None),
    ],
)
def test_the_address_is_believed_only_from_trusted_proxies(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- Lockout ------------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, make_user, caplog):
    make_user(Role.COUNCILLOR, username="cllr")
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        answers = [sign_in(client, "cllr", f"guess-{n}").status_code for n in range(50)]
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[5:]) == {429}
    response = sign_in(client, "cllr")
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failures = [r for r in caplog.records if r.getMessage().startswith("Failed sign-in for 'cllr' from 127.0.0.1")]
    assert len(failures) >= 5  # every failure the password was checked for is logged with the address
    assert any("Locked out" in r.getMessage() for r in caplog.records)


def test_the_administrators_account_locks_the_same_way(client, make_user):
    make_user(Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True)
    for n in range(5):
        sign_in(client, "root", f"guess-{n}")
    assert sign_in(client, "root").status_code == 429
    # The Django admin has no sign-in form of its own: it sends people to this one, which is locked.
    admin_login = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert admin_login.status_code == 302 and admin_login["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out_too(client, make_user):
    make_user(Role.OFFICER, username="officer")
    for n in range(5):
        sign_in(client, f"someone-{n}", "guess")
    assert sign_in(client, "officer").status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.77")
    assert sign_in(elsewhere, "officer").status_code == 302  # the account itself was never tried


def test_a_success_before_the_limit_clears_the_count(client, make_user):
    make_user(Role.OFFICER, username="officer")
    for n in range(4):
        sign_in(client, "officer", f"guess-{n}")
    assert sign_in(client, "officer").status_code == 302
    client.logout()
    for n in range(4):
        sign_in(client, "officer", f"guess-{n}")
    assert sign_in(client, "officer").status_code == 302


def test_an_administrator_unlocks_an_account(client, make_user, client_for, caplog):
    make_user(Role.COUNCILLOR, username="cllr")
    for n in range(6):
        sign_in(client, "cllr", f"guess-{n}")
    assert sign_in(client, "cllr").status_code == 429

    admin = Client()
    admin.force_login(make_user(Role.ADMINISTRATOR, username="admin"))
    page = admin.get(reverse("locked_sign_ins")).content.decode()
    assert "cllr" in page and "Locked" in page
    pk = re.search(r'action="/accounts/locked/(\d+)/unlock/"', page).group(1)
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        response = admin.post(reverse("unlock_sign_in", args=[pk]), follow=True)
    assert "Signing in is unlocked for cllr" in response.content.decode()
    assert any("Unlocked sign-in for 'cllr'" in r.getMessage() and "by admin" in r.getMessage() for r in caplog.records)
    assert sign_in(client, "cllr").status_code == 302


def test_only_administrators_may_unlock(client_for, make_user):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="cllr", ip_address="192.0.2.1", failures_since_start=9)
    for role in (Role.OFFICER, Role.CLERK, Role.COUNCILLOR):
        assert client_for(role).post(reverse("unlock_sign_in", args=[attempt.pk])).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- Sessions -----------------------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_a_session_ends_after_thirty_idle_minutes(client, make_user, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    make_user(Role.OFFICER, username="officer")
    sign_in(client, "officer")
    assert client.get(reverse("dashboards:home")).status_code == 302
    _age_session(client, last_seen=29 * 60)
    assert client.get(reverse("account")).status_code == 200  # 29 minutes: still signed in
    _age_session(client, last_seen=31 * 60)
    response = client.get(reverse("account"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "had not used the service for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(client, make_user, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    make_user(Role.OFFICER, username="officer")
    sign_in(client, "officer")
    _age_session(client, signed_in_at=11 * 60 * 60, last_seen=5)
    assert client.get(reverse("account")).status_code == 200
    _age_session(client, signed_in_at=12 * 60 * 60 + 60, last_seen=5)
    response = client.get(reverse("account"), follow=True)
    assert "signed in more than 12 hours ago" in response.content.decode()
    assert SIGNED_IN_AT not in client.session and LAST_SEEN not in client.session


# --- Passwords ----------------------------------------------------------------------------------------


def test_changing_the_password_signs_out_every_other_session(make_user):
    make_user(Role.OFFICER, username="officer")
    laptop, phone = Client(), Client()
    sign_in(laptop, "officer")
    sign_in(phone, "officer")
    assert phone.get(reverse("account")).status_code == 200
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    assert laptop.get(reverse("account")).status_code == 200  # this session carries on
    assert phone.get(reverse("account")).status_code == 302  # the other is signed out
    assert sign_in(Client(), "officer", "a-new-long-passphrase").status_code == 302


def test_a_weak_new_password_is_refused_with_a_clear_message(client, make_user):
    make_user(Role.OFFICER, username="officer")
    sign_in(client, "officer")
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "too common" in page


def test_resetting_a_forgotten_password_by_email(make_user):
    make_user(Role.COUNCILLOR, username="cllr", email="cllr@council.example")
    elsewhere = Client()
    sign_in(elsewhere, "cllr")
    visitor = Client()
    response = visitor.post(reverse("password_reset"), {"email": "cllr@council.example"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cllr@council.example"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form = visitor.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = visitor.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert "Your password has been reset" in done.content.decode()
    assert elsewhere.get(reverse("account")).status_code == 302  # the old session has ended
    assert sign_in(Client(), "cllr", "a-new-long-passphrase").status_code == 302
    assert visitor.get(link, follow=True).content.decode().count("This link does not work") == 1  # used once


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@council.example"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
