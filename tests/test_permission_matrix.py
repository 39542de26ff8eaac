"""
The permission matrix: every URL the project defines, for every role and for someone not signed in.

The URLs come from the URL configuration itself, so a new URL without a rule in ``RULES`` fails
``test_every_url_has_a_rule``, and a rule for a URL that no longer exists fails ``test_no_rule_is_stale``.
Each URL is requested (GET) by a person of each role and by an anonymous visitor against the synthetic demo
council, and the status must be what the rule says: the page (200), a redirect (302), 405 for a POST-only
action the role may use, 403 Forbidden for a role that may not, and a redirect to sign-in for anonymous.

Django admin (``admin:``) is Django's own and guarded by ``is_staff``; ``test_admin_is_for_staff_only``
covers it. Sign-in and sign-out are covered by tests/accounts.
"""
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role, User

CE, CLLR, OFF, YP, ADM = (
    Role.CHIEF_EXECUTIVE,
    Role.COUNCILLOR,
    Role.OFFICER,
    Role.YOUNG_PERSON,
    Role.ADMINISTRATOR,
)
EVERYONE = frozenset(Role)
OFFICERS = frozenset({OFF, ADM})
BOARD_READERS = frozenset({CE, CLLR, OFF, ADM})
ANONYMOUS = "anonymous"

# One demo person of each role (accounts/demo.py).
DEMO_PERSON = {
    CE: "chief.executive",
    CLLR: "cllr.okafor",
    OFF: "officer.lindqvist",
    YP: "ycc.rep",
    ADM: "clerk",
}
NOT_CHECKED = {"admin"}  # namespaces covered elsewhere
NOT_CHECKED_NAMES = {"login", "logout"}  # tests/accounts


class Rule:
    """
    Who may use a URL and what they get.

    ``roles`` get ``ok`` (200 by default; 302 for a redirecting URL; 405 for a POST-only action fetched with
    GET); every other role gets 403; anonymous visitors are sent to sign in. ``kwargs`` builds the URL's
    arguments from the demo data (a function of nothing, run after the demo is loaded).
    """

    def __init__(self, roles, ok=200, kwargs=None, anonymous="login"):
        self.roles = frozenset(roles)
        self.ok = ok
        self.kwargs = kwargs
        self.anonymous = anonymous

    def expected(self, role):
        if role == ANONYMOUS:
            return self.anonymous
        return self.ok if role in self.roles else 403


def post_only(roles, **options):
    return Rule(roles, ok=405, **options)


RULES = {
    "root": Rule(EVERYONE, ok=302, anonymous=302),
    # dashboards
    "dashboards:home": Rule(EVERYONE, ok=302),
    "dashboards:chief_executive": Rule({CE, *OFFICERS}),
    "dashboards:councillor": Rule({CLLR, CE, *OFFICERS}),
    "dashboards:officer": Rule(OFFICERS),
    # children: officers only; councillors, the chief executive and young people never see a child's record
    "children:child_list": Rule(OFFICERS),
    # indicators
    "indicators:measure_list": Rule(BOARD_READERS),
    "indicators:cycle_list": Rule(BOARD_READERS),
    # boards
    "boards:meeting_list": Rule(BOARD_READERS | {YP}),
    "boards:pledge": Rule(EVERYONE),
    # reports
    "reports:report_list": Rule(BOARD_READERS),
}


def project_urls(resolver=None, namespace=""):
    """(qualified name, URL pattern) for every named URL, walking through every include()."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NOT_CHECKED:
                continue
            found.extend(project_urls(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name not in NOT_CHECKED_NAMES:
                found.append((name, entry))
    return found


URL_NAMES = sorted({name for name, _ in project_urls()})


def test_every_url_has_a_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, (
        "These URLs have no rule in the permission matrix; add one to RULES in tests/test_permission_matrix.py "
        f"saying which roles may use them: {missing}"
    )


def test_no_rule_is_stale():
    stale = sorted(set(RULES) - set(URL_NAMES))
    assert not stale, f"RULES names URLs the project no longer defines: {stale}"


@pytest.fixture(scope="module")
def demo_council(django_db_setup, django_db_blocker):
    """The synthetic council, loaded once for this module and rolled back at its end."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing:
        with transaction.atomic():
            call_command("load_demo", stdout=open("/dev/null", "w"))
            yield
            transaction.set_rollback(True)


@pytest.fixture
def clients(demo_council, db):
    signed_in = {ANONYMOUS: Client()}
    for role, username in DEMO_PERSON.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        signed_in[role] = client
    return signed_in


@pytest.mark.parametrize("url_name", [name for name in URL_NAMES if name in RULES])
def test_each_role_gets_what_the_rule_says(clients, url_name):
    rule = RULES[url_name]
    url = reverse(url_name, kwargs=rule.kwargs() if rule.kwargs else None)
    wrong = []
    for role, client in clients.items():
        response = client.get(url)
        expected = rule.expected(role)
        if expected == "login":
            if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
                wrong.append(f"{role}: expected a redirect to sign in, got {response.status_code}")
        elif response.status_code != expected:
            wrong.append(f"{role}: expected {expected}, got {response.status_code}")
    assert not wrong, f"GET {url} ({url_name}):\n" + "\n".join(wrong)


def test_admin_is_for_staff_only(clients):
    assert clients[ADM].get("/admin/").status_code == 200  # the demo clerk is staff
    for role in (ANONYMOUS, CE, CLLR, OFF, YP):
        response = clients[role].get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
