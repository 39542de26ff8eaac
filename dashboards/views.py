"""
Each role's dashboard. Thin: check the role, then ask ``dashboards.selectors`` for everything on the page.
"""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.models import Role
from core.permissions import OFFICERS, RoleRequiredMixin

from . import selectors

LANDING = {
    Role.CHIEF_EXECUTIVE: "dashboards:chief_executive",
    Role.COUNCILLOR: "dashboards:councillor",
    Role.OFFICER: "dashboards:officer",
    Role.ADMINISTRATOR: "boards:clerk_desk",
    Role.YOUNG_PERSON: "boards:pledge",
}


@login_required
def home(request):
    """Each role lands on its own page after signing in."""
    return redirect(LANDING[request.user.role])


class DashboardView(RoleRequiredMixin, TemplateView):
    selector = None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **type(self).selector(self.request.user)}


class ChiefExecutiveDashboard(DashboardView):
    allowed_roles = {Role.CHIEF_EXECUTIVE, *OFFICERS}
    template_name = "dashboards/chief_executive.html"
    selector = selectors.chief_executive


class CouncillorDashboard(DashboardView):
    allowed_roles = {Role.COUNCILLOR, Role.CHIEF_EXECUTIVE, *OFFICERS}
    template_name = "dashboards/councillor.html"
    selector = selectors.councillor


class OfficerDashboard(DashboardView):
    allowed_roles = OFFICERS
    template_name = "dashboards/officer.html"
    selector = selectors.officer
