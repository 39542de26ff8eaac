"""
Who may do what: the one home for every permission rule in the project.

Two layers, both checked on the server:

* **Role groups** (``OFFICERS``, ``BOARD_STAFF``, ``BOARD_READERS``...) say which roles may open a page. Every
  view declares them with ``RoleRequiredMixin.allowed_roles`` or ``@role_required``; anonymous people are
  sent to sign in, signed-in people without the role get 403 Forbidden.
* **Named predicates** (``may_see_child_records(user)``, ``may_submit_evaluation(user, evaluation)``...)
  answer the object-level questions. Views, services and templates (``{% if user|may:"run_board" %}``,
  from ``core.templatetags.permissions``) call the same predicate, so each rule is written once.

The roles, by least privilege:

=========================  ==========================================================================
officer                    child-level records, imports, measures' inputs, self-evaluation, the board
administrator              everything an officer has, plus frameworks, people and the Django admin
clerk (democratic          runs the board's business (members, meetings, agendas, papers, minutes,
services)                  actions, forward plan); aggregates only, never a child's record
chief executive,           aggregates and the board's business (councillors: the boards they sit on)
councillor
partner agency             aggregates, the boards they sit on, their own actions; nothing child-level
young people's             the Care Pledge, "you said, we did", and the public part of their boards'
representative             meetings
=========================  ==========================================================================
"""
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from accounts.models import Role

ALL_ROLES = frozenset(Role.values)
# Child-level data: a child's record, the cohort list, imports and their files, the audit trail.
OFFICERS = frozenset({Role.OFFICER, Role.ADMINISTRATOR})
CHILD_RECORD_ROLES = OFFICERS
# The people who run the board's business: members, meetings, agendas, papers, minutes, actions.
BOARD_STAFF = frozenset({*OFFICERS, Role.CLERK})
# Democratic services: the clerk's desk (an administrator can stand in for the clerk).
CLERKS = frozenset({Role.CLERK, Role.ADMINISTRATOR})
# People who may see aggregate figures about the cohort and the board's business.
BOARD_READERS = frozenset(
    {Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER, Role.ADMINISTRATOR, Role.CLERK, Role.PARTNER}
)
# Frameworks, people and the Django admin.
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
# Children in Care Council representatives: the public part of their boards' meetings, and their own views.
YOUNG_PEOPLE = frozenset({Role.YOUNG_PERSON})
# Roles that see every board; the others see the boards they sit on.
SEE_ALL_BOARDS = frozenset({*BOARD_STAFF, Role.CHIEF_EXECUTIVE})


def user_has_role(user, roles):
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in roles)


# --- Named predicates ------------------------------------------------------------------------------------
# Each takes the person (and the object, where there is one) and returns True or False. Keep them free of
# queries where the object already carries what they need, so templates can call them in loops.


def may_see_child_records(user):
    """A looked-after child's record, the cohort list, imports, raw files and the audit trail."""
    return user_has_role(user, CHILD_RECORD_ROLES)


def may_read_board_business(user):
    """Aggregate measures, approved self-evaluation, meetings and reports."""
    return user_has_role(user, BOARD_READERS)


def may_run_board(user):
    """Members, meetings, agendas, papers (unpublished ones too), minutes, actions and the forward plan."""
    return user_has_role(user, BOARD_STAFF)


def is_administrator(user):
    return user_has_role(user, ADMINISTRATORS)


def may_use_django_admin(user):
    """The Django admin is for administrators only (and core.admin_site asks for a verified second factor)."""
    return is_administrator(user) and user.is_staff


def is_second_factor_required(user):
    """
    Whoever can see a child's record or the Django admin (officers, administrators) must set up a second
    factor before anything else, where the council requires it (``settings.TWO_FACTOR_REQUIRED``).
    """
    from django.conf import settings

    return bool(settings.TWO_FACTOR_REQUIRED) and (
        may_see_child_records(user) or (user_has_role(user, ALL_ROLES) and user.is_staff)
    )


def sees_all_boards(user):
    return user_has_role(user, SEE_ALL_BOARDS)


def sees_unpublished_papers(user):
    return may_run_board(user)


def may_see_paper(user, paper):
    """A published paper is for everyone who may read its meeting; a draft one for the board's staff."""
    return may_run_board(user) or (bool(paper.published) and user_has_role(user, BOARD_READERS))


def may_update_action(user, action):
    """The action's owner, and the people who run the board."""
    return may_run_board(user) or (user_has_role(user, BOARD_READERS) and action.owner_id == user.pk)


def may_send_view(user):
    """A young people's representative sends the board a view of their own ("you said")."""
    return user_has_role(user, YOUNG_PEOPLE)


def may_keep_pledge(user):
    """Pledge commitments, their updates, and answering children's views ("you said, we did")."""
    return user_has_role(user, OFFICERS)


# Self-evaluation --------------------------------------------------------------------------------------


def sees_draft_evaluations(user):
    """Officers and administrators see evaluations at every stage; everyone else only approved ones."""
    return user_has_role(user, OFFICERS)


def may_see_cycle(user, cycle):
    """
    A self-evaluation cycle's page: officers at every stage; other board readers once the board has approved an
    evaluation in it. Pages that list cycles annotate ``has_approved_evaluations`` so this asks nothing more.
    """
    from indicators.models import EvaluationStatus

    if sees_draft_evaluations(user):
        return True
    if not user_has_role(user, BOARD_READERS):
        return False
    approved = getattr(cycle, "has_approved_evaluations", None)
    if approved is None:
        approved = cycle.evaluations.filter(status=EvaluationStatus.APPROVED).exists()
    return approved


def may_change_evaluations(user):
    return user_has_role(user, OFFICERS)


def may_submit_evaluation(user, evaluation):
    """The assigned officer, any officer if nobody is assigned, or an administrator."""
    return (
        may_change_evaluations(user)
        and evaluation.is_editable
        and (
            not evaluation.assigned_officer_id
            or evaluation.assigned_officer_id == user.pk
            or is_administrator(user)
        )
    )


def may_moderate_evaluation(user, evaluation):
    """A second officer: never the one who submitted it."""
    from indicators.models import EvaluationStatus

    return (
        may_change_evaluations(user)
        and evaluation.status == EvaluationStatus.SUBMITTED
        and evaluation.submitted_by_id != user.pk
    )


def may_approve_evaluation(user, evaluation):
    from indicators.models import EvaluationStatus

    return may_change_evaluations(user) and evaluation.status == EvaluationStatus.MODERATED


def may_keep_frameworks(user):
    return is_administrator(user)


def may_see_evidence_file(user, item):
    """A document behind an evaluation: officers at every stage; other board readers once it is approved."""
    from indicators.models import EvaluationStatus

    if sees_draft_evaluations(user):
        return True
    return user_has_role(user, BOARD_READERS) and item.evaluation.status == EvaluationStatus.APPROVED


PREDICATES = {
    name: function
    for name, function in globals().copy().items()
    if callable(function) and (name.startswith(("may_", "sees_", "is_")))
}


def check(predicate, user, obj=None, message="You do not have permission to do this."):
    """Raise PermissionDenied unless ``predicate`` holds; for services, which must not trust their callers."""
    allowed = predicate(user) if obj is None else predicate(user, obj)
    if not allowed:
        raise PermissionDenied(message)


# --- Page-level checks ---------------------------------------------------------------------------------


def check_role(request, roles):
    """Raise if the signed-in user lacks one of ``roles``; return None for anonymous (caller redirects)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_has_role(request.user, roles):
        raise PermissionDenied("Your role does not give access to this page.")
    return None


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set ``allowed_roles`` to the roles that may use the view."""

    allowed_roles = None

    def dispatch(self, request, *args, **kwargs):
        if self.allowed_roles is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set allowed_roles.")
        response = check_role(request, self.allowed_roles)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


def public_page(view):
    """
    A page of the public site (``public/``): anyone may read it, signed in or not. Such a view shows only what
    ``public.selectors`` returns, which is where the rules of publication live.
    """
    view.allowed_roles = "public"
    return view


def role_required(*roles):
    """Function views: ``@role_required(*OFFICERS)``."""
    allowed = frozenset(roles)
    if not allowed:
        raise ImproperlyConfigured("role_required needs at least one role.")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = check_role(request, allowed)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator
