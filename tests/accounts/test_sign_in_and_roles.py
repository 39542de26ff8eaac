import pytest
from django.urls import reverse

from accounts.models import Role
from core.navigation import NAVIGATION

pytestmark = pytest.mark.django_db

LANDING = {
    Role.CHIEF_EXECUTIVE: "/dashboard/chief-executive/",
    Role.COUNCILLOR: "/dashboard/councillor/",
    Role.OFFICER: "/dashboard/officer/",
    Role.ADMINISTRATOR: "/dashboard/officer/",
    Role.YOUNG_PERSON: "/pledge/",
    Role.CLERK: "/boards/desk/",
    Role.PARTNER: "/dashboard/councillor/",
}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_own_page(client, make_user, role):
    make_user(role, username="person")
    response = client.post(reverse("login"), {"username": "person", "password": "a-long-test-password"}, follow=True)
    assert response.redirect_chain[-1][0] == LANDING[role]
    assert response.status_code == 200


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, make_user):
    make_user(Role.OFFICER, username="person")
    response = client.post(reverse("login"), {"username": "person", "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client_for):
    client = client_for(Role.OFFICER)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/dashboard/officer/").status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_navigation_shows_each_role_only_what_it_may_use(client_for, role):
    client = client_for(role)
    page = client.get(LANDING[role]).content.decode()
    for item in NAVIGATION:
        link = f'href="{reverse(item.url_name)}"'
        if role in item.roles:
            assert link in page, f"{role} should see {item.label}"
        else:
            assert link not in page, f"{role} should not see {item.label}"




def test_councillor_cannot_open_the_officer_dashboard(client_for):
    assert client_for(Role.COUNCILLOR).get("/dashboard/officer/").status_code == 403


def test_pages_carry_a_content_security_policy_and_deny_framing(client_for):
    response = client_for(Role.OFFICER).get("/dashboard/officer/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
