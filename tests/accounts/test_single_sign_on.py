"""
Single sign-on's matching rules (accounts.single_sign_on), without a provider: the journey through a real
OpenID Connect provider is tests/e2e/test_sign_in_security.py. Off unless configured; an identity is matched
by email to exactly one active person, never creating one; a group claim gives only a role that exists.
"""
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from accounts.single_sign_on import CouncilAccountBackend, role_from_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings):
    settings.OIDC_RP_CLIENT_ID = "corporate-parenting-board"
    settings.OIDC_RP_CLIENT_SECRET = "not-used-here"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://login.example/{name.lower()}")


def backend_for_a_request():
    backend = CouncilAccountBackend()
    request = RequestFactory().get("/accounts/council-account/callback/")
    request.session = {}
    backend.request = request
    return backend


def test_without_a_client_id_there_is_no_council_account_sign_in(client):
    assert "council account" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("single_sign_on")).status_code == 404
    assert client.get(reverse("single_sign_on_callback")).status_code == 404
    assert CouncilAccountBackend().authenticate(None, nonce="n", code_verifier="v") is None


def test_the_sign_in_page_offers_it_once_configured(client, configured, settings):
    settings.SINGLE_SIGN_ON_NAME = "your Wyvern Council account"
    page = client.get(reverse("login") + "?next=/meetings/").content.decode()
    assert "Sign in with your Wyvern Council account" in page
    assert f'href="{reverse("single_sign_on")}?next=/meetings/"' in page
    response = client.get(reverse("single_sign_on"))
    assert response.status_code == 302 and response["Location"].startswith("https://login.example/authorization?")
    assert "code_challenge_method=S256" in response["Location"]  # PKCE


def test_an_identity_matches_one_active_person_by_email_and_is_otherwise_refused_and_recorded(make_user, configured):
    hanna = make_user(Role.OFFICER, username="hanna", email="Hanna@Wyvern.gov.uk")
    backend = backend_for_a_request()
    assert backend.filter_users_by_claims({"email": "hanna@wyvern.gov.uk", "sub": "1"}) == [hanna]

    hanna.is_active = False
    hanna.save()
    assert backend.filter_users_by_claims({"email": "hanna@wyvern.gov.uk", "sub": "1"}) == []
    make_user(Role.COUNCILLOR, username="twin-1", email="twin@wyvern.gov.uk")
    make_user(Role.COUNCILLOR, username="twin-2", email="TWIN@wyvern.gov.uk")
    assert len(backend.filter_users_by_claims({"email": "twin@wyvern.gov.uk", "sub": "2"})) == 2  # the library refuses
    assert backend.verify_claims({"sub": "3"}) is False
    reasons = sorted(entry.additional_data["reason"] for entry in LogEntry.objects.filter(
        additional_data__event="sign_in_failed", additional_data__via="council account"))
    assert reasons == ["no active person has this email address", "several people have this email address",
                       "the provider gave no email address"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="no database involved: checked in the SQLite run")
def test_a_group_gives_only_a_role_that_exists_in_the_order_configured(settings):
    settings.SINGLE_SIGN_ON_GROUP_ROLES = {"g-admins": "administrator", "g-typo": "offcer", "g-officers": "officer"}
    assert role_from_groups(["g-officers", "g-admins"]) == "administrator"
    assert role_from_groups(["g-typo"]) is None
    assert role_from_groups(["g-typo", "g-officers"]) == "officer"
    assert role_from_groups(None) is None
