"""
Every self-evaluation URL, for every role: officers and administrators work on evaluations; councillors
and the chief executive read approved ones; Children in Care Council representatives get 403; nobody
signed out gets past the sign-in page.
"""
import pytest
from django.urls import reverse

from accounts.models import Role
from indicators import services
from indicators.models import ImprovementAction

OFFICER, ADMIN, CLLR, CE, YP = Role.OFFICER, Role.ADMINISTRATOR, Role.COUNCILLOR, Role.CHIEF_EXECUTIVE, Role.YOUNG_PERSON
READERS = {OFFICER, ADMIN, CLLR, CE}
OFFICERS = {OFFICER, ADMIN}

# url name -> (object it needs, roles that may GET it). Others get 403 (or 404 for a draft they may not see).
PAGES = {
    "cycle_list": (None, READERS),
    "cycle_create": (None, OFFICERS),
    "cycle_detail": ("cycle", READERS),
    "cycle_approve": ("cycle", OFFICERS),
    "evaluation_detail": ("approved", READERS),
    "evaluation_edit": ("draft", OFFICERS),
    "evaluation_submit": ("draft", OFFICERS),
    "evaluation_moderate": ("draft", OFFICERS),
    "evaluation_approve": ("draft", OFFICERS),
    "evidence_add": ("draft", OFFICERS),
    "action_add": ("draft", OFFICERS),
    "evidence_download": ("evidence", READERS),  # opened to the board (officers-only files: test_evidence.py)
    "action_list": (None, READERS),
    "overdue_actions": (None, READERS),
    "action_progress": ("action", OFFICERS),
    "heat_map": (None, READERS),
    "indicator_trend": ("indicator", READERS),
    "framework_list": (None, READERS),
    "framework_create": (None, {ADMIN}),
    "framework_detail": ("framework", READERS),
    "area_add": ("framework", {ADMIN}),
    "indicator_add": ("framework", {ADMIN}),
}
POST_ONLY = {"evidence_delete": "evidence", "evidence_audience": "evidence", "action_delete": "action"}


@pytest.fixture
def objects(framework, cycle, approve, author):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evaluations = {e.indicator.number: e for e in cycle.evaluations.select_related("indicator")}
    evidence = services.add_evidence(
        evaluations["QI 1.1"], author, title="Audit", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), file_audience="board"
    )
    approved = approve(evaluations["QI 1.1"])
    draft = evaluations["QI 1.2"]
    draft_evidence = services.add_evidence(draft, author, title="Draft", file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 y"))
    action = ImprovementAction.objects.create(evaluation=draft, description="Act", owner=author, due_on="2027-01-01")
    return {
        "cycle": cycle.pk, "approved": approved.pk, "draft": draft.pk, "evidence": evidence.pk, "draft_evidence": draft_evidence.pk,
        "action": action.pk, "indicator": approved.indicator_id, "framework": framework.pk,
    }


def _url(name, objects, key):
    return reverse(f"indicators:{name}", args=[objects[key]] if key else [])


@pytest.mark.parametrize("role", [OFFICER, ADMIN, CLLR, CE, YP])
def test_every_page_for_every_role(client_for, objects, role):
    client = client_for(role)
    for name, (key, allowed) in PAGES.items():
        status = client.get(_url(name, objects, key)).status_code
        if role in allowed:
            assert status in (200, 302), (name, role, status)
        else:
            assert status == 403, (name, role, status)
    for name, key in POST_ONLY.items():
        url = _url(name, objects, key)
        assert client.get(url).status_code == 405, (name, role)
        if role not in OFFICERS:
            assert client.post(url).status_code == 403, (name, role)


def test_drafts_are_hidden_from_councillors_and_the_chief_executive(client_for, objects):
    for role in (CLLR, CE):
        client = client_for(role)
        assert client.get(reverse("indicators:evaluation_detail", args=[objects["draft"]])).status_code == 404
        assert client.get(reverse("indicators:evidence_download", args=[objects["draft_evidence"]])).status_code == 404
        html = client.get(reverse("indicators:cycle_detail", args=[objects["cycle"]])).content.decode()
        assert "QI 1.1" in html and "QI 1.2" not in html


def test_signed_out_people_are_sent_to_sign_in(client, objects):
    for name, (key, _allowed) in PAGES.items():
        response = client.get(_url(name, objects, key))
        assert response.status_code == 302 and "login" in response.url, name


def test_councillor_pages_offer_no_edit_controls(client_for, objects):
    html = client_for(CLLR).get(reverse("indicators:evaluation_detail", args=[objects["approved"]])).content.decode()
    assert "Edit the evaluation" not in html and "Record progress" not in html and "History" not in html
