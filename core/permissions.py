"""
Role-based permission checks, done on the server for every view.

Every view in the project declares who may use it, either with ``RoleRequiredMixin`` and
``allowed_roles`` or with the ``role_required`` decorator. Anonymous people are sent to the login page;
signed-in people without the role get 403 Forbidden.
"""
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from accounts.models import Role

ALL_ROLES = frozenset(Role.values)
OFFICERS = frozenset({Role.OFFICER, Role.ADMINISTRATOR})
# Democratic services: the clerk's desk and the running of meetings (the clerk is the administrator today).
CLERKS = frozenset({Role.ADMINISTRATOR})
# People who may see aggregate figures about the cohort and the board's business.
BOARD_READERS = frozenset({Role.CHIEF_EXECUTIVE, Role.COUNCILLOR, Role.OFFICER, Role.ADMINISTRATOR})


def user_has_role(user, roles):
    return bool(user.is_authenticated and user.is_active and user.role in roles)


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
