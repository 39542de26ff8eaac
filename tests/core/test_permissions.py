"""The named rules in core.permissions, role by role: the one place each rule is written."""
import pytest
from django.template import Context, Template, TemplateSyntaxError

from accounts.models import Role
from core import permissions

pytestmark = pytest.mark.django_db

CE, CLLR, OFF, YP, ADM, CLK, PTR = (
    Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER, Role.YOUNG_PERSON, Role.ADMINISTRATOR, Role.CLERK, Role.PARTNER,
)

# rule -> the roles for which it holds (everyone else: it does not)
EXPECTED = {
    "may_see_child_records": {OFF, ADM},
    "may_read_board_business": {CE, CLLR, OFF, ADM, CLK, PTR},
    "may_run_board": {OFF, ADM, CLK},
    "is_administrator": {ADM},
    "sees_all_boards": {OFF, ADM, CLK, CE},
    "sees_unpublished_papers": {OFF, ADM, CLK},
    "may_keep_pledge": {OFF, ADM},
    "sees_draft_evaluations": {OFF, ADM},
    "may_change_evaluations": {OFF, ADM},
    "may_keep_frameworks": {ADM},
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_holds_for_exactly_its_roles(make_user, rule):
    predicate = permissions.PREDICATES[rule]
    holds = {role for role in Role if predicate(make_user(role))}
    assert holds == EXPECTED[rule]


def test_the_clerk_and_the_partner_agency_never_see_a_childs_record(make_user):
    for role in (CLK, PTR, CE, CLLR, YP):
        person = make_user(role)
        assert not person.is_officer
        assert not permissions.may_see_child_records(person)


def test_a_deactivated_officer_has_no_rights(make_user):
    officer = make_user(OFF, is_active=False)
    assert not any(permissions.PREDICATES[rule](officer) for rule in EXPECTED)


def test_a_partner_may_update_their_own_action_but_not_anothers(make_user):
    from types import SimpleNamespace

    nurse, other = make_user(PTR), make_user(PTR)
    action = SimpleNamespace(owner_id=nurse.pk)
    assert permissions.may_update_action(nurse, action)
    assert not permissions.may_update_action(other, action)
    assert permissions.may_update_action(make_user(CLK), action)
    assert not permissions.may_update_action(make_user(YP), SimpleNamespace(owner_id=None))


def test_only_board_staff_see_a_draft_paper(make_user):
    from types import SimpleNamespace

    draft, published = SimpleNamespace(published=False), SimpleNamespace(published=True)
    assert {role for role in Role if permissions.may_see_paper(make_user(role), draft)} == {OFF, ADM, CLK}
    assert {role for role in Role if permissions.may_see_paper(make_user(role), published)} == EXPECTED[
        "may_read_board_business"
    ]


def test_templates_ask_the_same_rules(make_user):
    page = Template('{% load permissions %}{% if user|may:"run_board" %}run{% endif %}'
                    '{% if user|may:"see_child_records" %} children{% endif %}')
    assert page.render(Context({"user": make_user(CLK)})) == "run"
    assert page.render(Context({"user": make_user(OFF)})) == "run children"
    assert page.render(Context({"user": make_user(PTR)})) == ""
    with pytest.raises(TemplateSyntaxError):
        Template('{% load permissions %}{{ user|may:"fly" }}').render(Context({"user": make_user(OFF)}))
