"""
The permission matrix: every URL the project defines, for every role and for someone not signed in.

The URLs come from the URL configuration itself, so a new URL without a rule in ``RULES`` fails
``test_every_url_has_a_rule``, and a rule for a URL that no longer exists fails ``test_no_rule_is_stale``.
Each URL is requested (GET) by a person of each role and by an anonymous visitor against the synthetic demo
council, and the status must be what the rule says: the page (200), a redirect (302), 405 for a POST-only
action the role may use, 403 Forbidden for a role that may not, and a redirect to sign-in for anonymous.
URLs without a name are walked too (their rule is keyed by their path). Where a URL serves objects of
different kinds (a published and a draft paper, an approved and a draft evaluation), the rule is a list with
one entry per kind, and roles that may open the page but not that object get 404 Not Found.
Those refused also try a forged POST, which must be refused the same way (tests/security/test_bad_input.py
shows such requests change nothing).

Django admin (``admin:``) is Django's own and for administrators only; ``test_admin_is_for_administrators_only``
covers it. Sign-in and sign-out are covered by tests/accounts.
"""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role

from .security.demo import (  # noqa: F401  (fixtures)
    ANONYMOUS,
    _demo_file_storage,
    clients,
    demo_council,
    demo_files,
    one,
)

# One ready board pack to download is all these requests need of the demo's reports (tests/security/demo.py).
DEMO_REPORTS = "one board pack"

CE, CLLR, OFF, YP, ADM, CLK, PTR = (
    Role.CHIEF_EXECUTIVE,
    Role.COUNCILLOR,
    Role.OFFICER,
    Role.YOUNG_PERSON,
    Role.ADMINISTRATOR,
    Role.CLERK,
    Role.PARTNER,
)
EVERYONE = frozenset(Role)
# Child-level data, and the pledge's upkeep: officers and administrators only.
OFFICERS = frozenset({OFF, ADM})
# The board's business is run by officers and by the clerk (democratic services), who sees no child's record.
BOARD_STAFF = frozenset({OFF, ADM, CLK})
BOARD_READERS = frozenset({CE, CLLR, OFF, ADM, CLK, PTR})

NOT_CHECKED = {"admin"}  # namespaces covered elsewhere
NOT_CHECKED_NAMES = {"login", "logout"}  # tests/accounts


class Rule:
    """
    Who may use a URL and what they get.

    ``roles`` get ``ok`` (200 by default; 302 for a redirecting URL; 405 for a POST-only action fetched with
    GET); every other role gets 403; anonymous visitors are sent to sign in. ``kwargs`` builds the URL's
    arguments from the demo data (a function of nothing, run after the demo is loaded).
    """

    def __init__(self, roles, ok=200, kwargs=None, anonymous="login", not_found=(), kind=""):
        self.roles = frozenset(roles)
        self.ok = ok
        self.kwargs = kwargs
        self.anonymous = anonymous
        self.not_found = frozenset(not_found)  # may open the page, but not this object
        self.kind = kind

    def expected(self, role):
        if role == ANONYMOUS:
            return self.anonymous
        if role in self.not_found:
            return 404
        return self.ok if role in self.roles else 403


def post_only(roles, **options):
    """A POST-only action: GET by a permitted role is 405; others are refused (403) or sent to sign in."""
    return Rule(roles, ok=405, **options)


def pk(model_path, **filters):
    return lambda: {"pk": one(model_path, **filters).pk}


def child_episode():
    episode = one("children.Episode")
    return {"pk": episode.child_id, "episode_pk": episode.pk}


def import_file():
    upload = one("children.CohortImportFile")
    return {"pk": upload.cohort_import_id, "file_pk": upload.pk}


def agenda_item():
    item = one("boards.AgendaItem")
    return {"pk": item.meeting_id, "item_pk": item.pk}


def removable_agenda_item():
    """A report on a scheduled meeting's agenda, with no minutes: one the clerk may take off."""
    item = one("boards.AgendaItem", meeting__status="scheduled", kind="item", revisits__isnull=True, minutes__isnull=True)
    return {"pk": item.meeting_id, "item_pk": item.pk}


def paper(**filters):
    def kwargs():
        found = one("boards.Paper", **filters)
        return {"pk": found.agenda_item.meeting_id, "paper_pk": found.pk}

    return kwargs


def representative_paper():
    from public.selectors import representative_papers

    found = representative_papers().order_by("pk").first()
    assert found is not None, "The demo council has no paper a young people's representative may read."
    return {"pk": found.agenda_item.meeting_id, "paper_pk": found.pk}


def declaration():
    found = one("boards.Declaration")
    return {"pk": found.meeting_id, "declaration_pk": found.pk}


def minute():
    found = one("boards.Minute", agenda_item__meeting__minutes_approved_on__isnull=True)
    return {"pk": found.agenda_item.meeting_id, "minute_pk": found.pk}


def measure():
    from measures.registry import MEASURES

    return {"identifier": next(m.identifier for m in MEASURES if m.better is not None)}


def ready_report():
    report = one("reports.Report", status="ready")
    return {"pk": report.pk, "version": report.version}


def access_attempt():
    from axes.models import AccessAttempt

    attempt, _ = AccessAttempt.objects.get_or_create(
        username="not.a.person", ip_address="192.0.2.10", user_agent="test",
        defaults={"failures_since_start": 5, "get_data": "", "post_data": "", "http_accept": "", "path_info": "/"},
    )
    return {"pk": attempt.pk}


def password_reset_link():
    return {"uidb64": "MQ", "token": "set-password"}  # a link that does not work: the page says so


RULES = {
    "root": Rule(EVERYONE, ok=302, anonymous=302),
    # accounts: each person's own account and password; the password reset pages are for people signed out
    "account": Rule(EVERYONE),
    "password_change": Rule(EVERYONE),
    "password_change_done": Rule(EVERYONE),
    "password_reset": Rule(EVERYONE, anonymous=200),
    "password_reset_done": Rule(EVERYONE, anonymous=200),
    "password_reset_confirm": Rule(EVERYONE, anonymous=200, kwargs=password_reset_link),
    "password_reset_complete": Rule(EVERYONE, anonymous=200),
    # two-factor sign-in: everyone may set one up; these people have given a code this session, so the code
    # page sends them on, and the recovery codes (shown once, when made) are gone
    "two_factor_verify": Rule(EVERYONE, ok=302),
    "two_factor_setup": Rule(EVERYONE),
    "two_factor_recovery_codes": Rule(EVERYONE, ok=302),
    "two_factor_new_recovery_codes": post_only(EVERYONE),
    "two_factor_remove": post_only(EVERYONE),
    # security keys (django-otp-webauthn): each person's own; its JSON endpoints take POSTs only, from people
    # signed in with their password (never passwordless); the script's messages are public
    "security_key_add": Rule(EVERYONE),
    "security_key_remove": post_only(EVERYONE, kwargs=lambda: {"pk": 1}),
    "otp_webauthn:credential-registration-begin": post_only(EVERYONE),
    "otp_webauthn:credential-registration-complete": post_only(EVERYONE),
    "otp_webauthn:credential-authentication-begin": post_only(EVERYONE),
    "otp_webauthn:credential-authentication-complete": post_only(EVERYONE),
    "otp_webauthn:js-i18n-catalog": Rule(EVERYONE, anonymous=200),
    # single sign-on: not there unless configured (its journey, configured, is in tests/e2e); the refusal page
    # is for people not signed in
    "single_sign_on": Rule(EVERYONE, ok=404, anonymous=404),
    "single_sign_on_callback": Rule(EVERYONE, ok=404, anonymous=404),
    "single_sign_on_refused": Rule(EVERYONE, anonymous=200),
    "locked_sign_ins": Rule({ADM}),
    "unlock_sign_in": post_only({ADM}, kwargs=access_attempt),
    # dashboards: each role lands on its own; the chief executive's and councillors' views are aggregates
    "dashboards:home": Rule(EVERYONE, ok=302),
    "dashboards:chief_executive": Rule({CE, *OFFICERS}),
    "dashboards:councillor": Rule({CLLR, PTR, CE, *OFFICERS}),
    "dashboards:officer": Rule(OFFICERS),
    # The public measures page is off until an administrator turns it on (tests/dashboards/test_public_page.py).
    "dashboards:public_measures": Rule(EVERYONE, ok=404, anonymous=404),
    "dashboards:public_settings": Rule({Role.ADMINISTRATOR}),
    # children: officers only; councillors, the chief executive and young people never see a child's record
    "children:child_list": Rule(OFFICERS),
    "children:child_export": Rule(OFFICERS),
    "children:child_detail": Rule(OFFICERS, kwargs=pk("children.Child")),
    "children:child_edit": Rule(OFFICERS, kwargs=pk("children.Child")),
    "children:child_audit": Rule(OFFICERS, kwargs=pk("children.Child")),
    "children:subject_access": Rule(OFFICERS, kwargs=pk("children.Child")),
    "children:episode_edit": Rule(OFFICERS, kwargs=child_episode),
    "children:import_list": Rule(OFFICERS),
    "children:import_create": Rule(OFFICERS),
    "children:import_detail": Rule(OFFICERS, kwargs=pk("children.CohortImport")),
    "children:import_retry": post_only(OFFICERS, kwargs=pk("children.CohortImport")),
    "children:import_progress": Rule(OFFICERS, kwargs=pk("children.CohortImport")),
    "children:import_file": Rule(OFFICERS, kwargs=import_file),
    # the audit trail: officers search it by person and by child, and export it
    "audit:trail": Rule(OFFICERS),
    "audit:export": Rule(OFFICERS),
    # measures: aggregates for board readers; officers keep the population, comparators and targets
    "measures:measure_list": Rule(BOARD_READERS),
    "measures:measure_detail": Rule(BOARD_READERS, kwargs=measure),
    "measures:population": Rule(OFFICERS),
    "measures:differences": Rule(OFFICERS),
    "measures:ees_upload": Rule(OFFICERS),
    "measures:authorities": Rule(OFFICERS),
    "measures:comparator_upload": Rule(OFFICERS),
    "measures:comparator_edit": Rule(OFFICERS, kwargs=measure),
    "measures:target_edit": Rule(OFFICERS, kwargs=measure),
    # self-evaluation: board readers see it; officers grade, moderate and approve; the clerk keeps frameworks
    "indicators:cycle_list": Rule(BOARD_READERS),
    "indicators:cycle_create": Rule(OFFICERS),
    "indicators:cycle_detail": Rule(BOARD_READERS, kwargs=pk("indicators.Cycle")),
    "indicators:cycle_approve": Rule(OFFICERS, kwargs=pk("indicators.Cycle")),
    "indicators:evaluation_detail": [
        Rule(BOARD_READERS, kind="approved", kwargs=pk("indicators.Evaluation", status="approved")),
        Rule(OFFICERS, kind="draft", kwargs=pk("indicators.Evaluation", status="draft"), not_found=BOARD_READERS - OFFICERS),
    ],
    "indicators:evaluation_edit": [
        Rule(OFFICERS, kind="draft", kwargs=pk("indicators.Evaluation", status="draft")),
        Rule(OFFICERS, kind="approved: sent back to the page", ok=302, kwargs=pk("indicators.Evaluation", status="approved")),
    ],
    "indicators:evaluation_submit": Rule(OFFICERS, kwargs=pk("indicators.Evaluation", status="draft")),
    "indicators:evaluation_moderate": Rule(OFFICERS, kwargs=pk("indicators.Evaluation", status="submitted")),
    "indicators:evaluation_approve": Rule(OFFICERS, kwargs=pk("indicators.Evaluation", status="moderated")),
    "indicators:evidence_add": Rule(OFFICERS, kwargs=pk("indicators.Evaluation", status="draft")),
    "indicators:action_add": Rule(OFFICERS, kwargs=pk("indicators.Evaluation", status="draft")),
    # A file is for officers only until an officer opens it to the board (the demo's are not opened).
    "indicators:evidence_download": Rule(
        OFFICERS,
        kwargs=pk("indicators.EvidenceItem", evaluation__status="approved", file__gt="", file_audience="officers"),
    ),
    "indicators:evidence_audience": post_only(OFFICERS, kwargs=pk("indicators.EvidenceItem", file__gt="")),
    "indicators:evidence_delete": post_only(OFFICERS, kwargs=pk("indicators.EvidenceItem")),
    "indicators:action_list": Rule(BOARD_READERS),
    "indicators:overdue_actions": Rule(BOARD_READERS),
    "indicators:action_progress": Rule(OFFICERS, kwargs=pk("indicators.ImprovementAction")),
    "indicators:action_delete": post_only(OFFICERS, kwargs=pk("indicators.ImprovementAction")),
    "indicators:heat_map": Rule(BOARD_READERS),
    "indicators:indicator_trend": Rule(BOARD_READERS, kwargs=pk("indicators.QualityIndicator")),
    "indicators:framework_list": Rule(BOARD_READERS),
    "indicators:framework_detail": Rule(BOARD_READERS, kwargs=pk("indicators.Framework")),
    "indicators:framework_create": Rule({ADM}),
    "indicators:area_add": Rule({ADM}, kwargs=pk("indicators.Framework")),
    "indicators:indicator_add": Rule({ADM}, kwargs=pk("indicators.Framework")),
    # boards and meetings: board readers (councillors and partners: the boards they sit on); officers and the
    # clerk run them
    "boards:meeting_list": Rule(BOARD_READERS),
    "boards:board_detail": Rule(BOARD_READERS, kwargs=pk("boards.Board")),
    "boards:board_attendance": Rule(BOARD_READERS, kwargs=pk("boards.Board")),
    "boards:board_create": Rule({CLK, ADM}),
    "boards:board_edit": Rule({CLK, ADM}, kwargs=pk("boards.Board")),
    "boards:member_add": Rule(BOARD_STAFF, kwargs=pk("boards.Board")),
    "boards:member_edit": Rule(BOARD_STAFF, kwargs=pk("boards.Membership")),
    # every demo membership is named in some meeting's attendance, so the page sends staff to end it instead
    # (the confirmation page for one added by mistake: tests/boards/test_permissions.py)
    "boards:member_remove": Rule(BOARD_STAFF, ok=302, kwargs=pk("boards.Membership")),
    "boards:meeting_create": Rule(BOARD_STAFF),
    "boards:meeting_detail": Rule(BOARD_READERS, kwargs=pk("boards.Meeting")),
    "boards:meeting_edit": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:attendance": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:apologies": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:clerk_desk": Rule({CLK, ADM}),
    "boards:agenda_publish": post_only({CLK, ADM}, kwargs=pk("boards.Meeting")),
    "boards:carry_forward": post_only(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:agenda_item_move": post_only(BOARD_STAFF, kwargs=agenda_item),
    "boards:minute_correct": Rule({CLK, ADM}, kwargs=minute),
    "boards:public_agenda": Rule(BOARD_READERS, kwargs=pk("boards.Meeting")),
    "boards:declaration_add": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:declaration_remove": Rule(BOARD_STAFF, kwargs=declaration),
    "boards:register": Rule(BOARD_READERS),
    "boards:register_add": Rule({CLK, ADM}),
    "boards:register_edit": Rule({CLK, ADM}, kwargs=pk("boards.RegisteredInterest")),
    "boards:minutes_approve": post_only({CLK, ADM}, kwargs=pk("boards.Meeting")),
    "boards:recommendation_list": Rule(BOARD_READERS),
    "boards:recommendation_response": Rule({CLK, ADM}, kwargs=pk("boards.Minute", kind="recommendation")),
    "boards:agenda_from_template": post_only({CLK, ADM}, kwargs=pk("boards.Meeting")),
    "boards:agenda_save_template": Rule({CLK, ADM}, kwargs=pk("boards.Meeting")),
    "boards:forward_plan_to_agenda": post_only(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:template_standard": post_only({CLK, ADM}, kwargs=pk("boards.Board")),
    "boards:template_remove": Rule({CLK, ADM}, kwargs=pk("boards.AgendaTemplate")),
    "boards:agenda_item_add": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:agenda_item_edit": Rule(BOARD_STAFF, kwargs=agenda_item),
    "boards:agenda_item_remove": Rule(BOARD_STAFF, kwargs=removable_agenda_item),
    "boards:paper_add": Rule(BOARD_STAFF, kwargs=agenda_item),
    "boards:minute_add": Rule(BOARD_STAFF, kwargs=agenda_item),
    "boards:paper_download": [
        Rule(BOARD_READERS, kind="published", kwargs=paper(published=True)),
        Rule(BOARD_STAFF, kind="draft", kwargs=paper(published=False), not_found=BOARD_READERS - BOARD_STAFF),
    ],
    "boards:paper_publish": post_only(BOARD_STAFF, kwargs=paper()),
    "boards:paper_remove": Rule(BOARD_STAFF, kwargs=paper()),
    "boards:paper_edit": Rule(BOARD_STAFF, kwargs=paper()),
    "boards:minute_edit": Rule(BOARD_STAFF, kwargs=minute),
    "boards:minute_remove": Rule(BOARD_STAFF, kwargs=minute),
    "boards:action_add": Rule(BOARD_STAFF, kwargs=pk("boards.Meeting")),
    "boards:action_list": Rule(BOARD_READERS),
    "boards:action_detail": Rule(BOARD_READERS, kwargs=pk("boards.ActionItem")),
    "boards:forward_plan": Rule(BOARD_READERS),
    "boards:forward_plan_add": Rule(BOARD_STAFF),
    "boards:forward_plan_edit": Rule(BOARD_STAFF, kwargs=pk("boards.ForwardPlanItem")),
    # a topic not yet on an agenda asks to confirm its removal (one on an agenda still to come sends people back)
    "boards:forward_plan_remove": Rule(BOARD_STAFF, kwargs=pk("boards.ForwardPlanItem", agenda_item__isnull=True)),
    # the Care Pledge and "you said, we did": everyone, young people's representatives included; officers keep it
    "boards:pledge": Rule(EVERYONE),
    "boards:commitment_add": Rule(OFFICERS),
    "boards:commitment_detail": Rule(EVERYONE, kwargs=pk("boards.PledgeCommitment")),
    "boards:commitment_edit": Rule(OFFICERS, kwargs=pk("boards.PledgeCommitment")),
    "boards:pledge_update_add": Rule(OFFICERS, kwargs=pk("boards.PledgeCommitment")),
    "boards:feedback": Rule(EVERYONE),
    "boards:view_add": Rule(OFFICERS),
    # young people's representatives: their own views, and the public part of their boards' meetings
    "boards:view_send": Rule({YP}),
    "boards:representative_meetings": Rule({YP}),
    "boards:representative_meeting": Rule({YP}, kwargs=pk("boards.Meeting")),
    "boards:representative_paper": [
        Rule({YP}, kind="public", kwargs=representative_paper),
        Rule(set(), kind="draft", kwargs=paper(published=False), not_found={YP}),
    ],
    "boards:respond": Rule(OFFICERS, kwargs=pk("boards.ChildrensView")),
    # reports: board readers read and download ready reports; officers build and schedule them
    "reports:report_list": Rule(BOARD_READERS),
    "reports:report_request": post_only(OFFICERS),
    "reports:report_detail": Rule(BOARD_READERS, kwargs=pk("reports.Report", status="ready")),
    "reports:report_status": Rule(BOARD_READERS, kwargs=pk("reports.Report", status="ready")),
    "reports:report_retry": post_only(OFFICERS, kwargs=pk("reports.Report")),
    "reports:report_download": Rule(BOARD_READERS, kwargs=ready_report),
    "reports:report_download_public": Rule(BOARD_READERS, kwargs=ready_report),
    "reports:annual_content": Rule(OFFICERS, kwargs=lambda: {"year": 2025}),
    "reports:schedule_list": Rule(OFFICERS),
    "reports:schedule_toggle": post_only(OFFICERS, kwargs=pk("reports.ReportSchedule")),
    # the public site: everyone, signed in or not (what it withholds: tests/public/test_public_site.py)
    "public:index": Rule(EVERYONE, anonymous=200),
    "public:board": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:members": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:forward_plan": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:decisions": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:calendar": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:feed": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Board")),
    "public:meeting": Rule(EVERYONE, anonymous=200, kwargs=pk("boards.Meeting")),
    "public:pack": Rule(
        EVERYONE, anonymous=200, kwargs=lambda: {"pk": one("reports.Report", status="ready", kind="board_pack").meeting_id}
    ),
    "public:paper": [
        Rule(EVERYONE, anonymous=200, kind="published", kwargs=paper(published=True, agenda_item__meeting__status="held")),
        Rule(EVERYONE, ok=404, anonymous=404, kind="draft", kwargs=paper(published=False)),
    ],
}


def project_urls(resolver=None, namespace="", prefix=""):
    """
    (qualified name, URL pattern) for every URL, walking through every include(). A URL without a name is
    listed by its path (``"/some/path/"``), so it too needs a rule.
    """
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NOT_CHECKED:
                continue
            found.extend(project_urls(entry, inner, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else "/" + prefix + str(entry.pattern)
            if name not in NOT_CHECKED_NAMES:
                found.append((name, entry))
    return found


URL_NAMES = sorted({name for name, _ in project_urls()})


def rules_for(url_name):
    rule = RULES[url_name]
    return rule if isinstance(rule, list) else [rule]


def url_of(url_name, rule):
    if url_name.startswith("/"):
        return url_name
    return reverse(url_name, kwargs=rule.kwargs() if rule.kwargs else None)


CASES = [
    pytest.param(url_name, index, id=f"{url_name}[{rule.kind}]" if rule.kind else url_name)
    for url_name in URL_NAMES
    if url_name in RULES
    for index, rule in enumerate(rules_for(url_name))
]


def test_every_url_has_a_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, (
        "These URLs have no rule in the permission matrix; add one to RULES in tests/test_permission_matrix.py "
        f"saying which roles may use them: {missing}"
    )


def test_no_rule_is_stale():
    stale = sorted(set(RULES) - set(URL_NAMES))
    assert not stale, f"RULES names URLs the project no longer defines: {stale}"


def _wrong_answer(response, expected):
    if expected == "login":
        if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
            return f"expected a redirect to sign in, got {response.status_code}"
    elif response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    return None


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    """As in production: officers and administrators have given a second factor (tests/security/demo.py)."""
    settings.TWO_FACTOR_REQUIRED = True


def test_the_matrix_has_every_role(clients):
    assert set(clients) == {ANONYMOUS, *Role}, "tests/security/demo.py needs a demo person for every role"


@pytest.mark.parametrize("url_name,index", CASES)
def test_each_role_gets_what_the_rule_says(clients, url_name, index):
    """
    GET for everyone; and for those the rule refuses (and anonymous visitors), a forged POST too, which must
    be refused the same way before the view does anything.
    """
    rule = rules_for(url_name)[index]
    url = url_of(url_name, rule)
    wrong = []
    for role, client in clients.items():
        expected = rule.expected(role)
        methods = ["get"] if expected not in (403, 404, "login") else ["post"] if rule.ok == 405 else ["get", "post"]
        for method in methods:
            problem = _wrong_answer(getattr(client, method)(url, {"forged": "1"} if method == "post" else None), expected)
            if problem:
                wrong.append(f"{role} {method.upper()}: {problem}")
    assert not wrong, f"{url} ({url_name} {rule.kind}):\n" + "\n".join(wrong)


def test_admin_is_for_administrators_only(clients):
    assert clients[ADM].get("/admin/").status_code == 200
    for role in (ANONYMOUS, *(role for role in Role if role != ADM)):
        response = clients[role].get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


def test_every_menu_link_a_role_sees_opens_for_that_role(clients):
    """A link in the main menu that answers 403 would be a dead end; the menu must match the rules."""
    from core.navigation import NAVIGATION

    dead = []
    for item in NAVIGATION:
        for role in item.roles:
            if item.url_name.startswith("admin:"):
                continue
            response = clients[role].get(reverse(item.url_name))
            if response.status_code not in (200, 302):
                dead.append(f"{role} sees {item.label} but gets {response.status_code}")
            elif rules_for(item.url_name)[0].expected(role) == 403:
                dead.append(f"{role} sees {item.label} but RULES refuse it")
    assert not dead, "\n".join(dead)


def test_every_url_refuses_a_post_without_the_csrf_token(demo_council, db):
    """No view is exempt from CSRF protection: a POST without the token is refused before the view runs."""
    from django.test import Client

    from accounts.models import User

    from tests.conftest import give_second_factor

    officer = Client(enforce_csrf_checks=True)
    officer.force_login(User.objects.get(username="officer.lindqvist"))
    give_second_factor(officer, User.objects.get(username="officer.lindqvist"))
    accepted = []
    for url_name in URL_NAMES:
        url = url_of(url_name, rules_for(url_name)[0])
        response = officer.post(url, {"forged": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"{url} ({url_name}): {response.status_code}")
    assert not accepted, "POSTs without a CSRF token that were not refused:\n" + "\n".join(accepted)
