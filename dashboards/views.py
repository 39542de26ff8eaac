from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.models import Role
from core.permissions import OFFICERS, RoleRequiredMixin

LANDING = {
    Role.CHIEF_EXECUTIVE: "dashboards:chief_executive",
    Role.COUNCILLOR: "dashboards:councillor",
    Role.OFFICER: "dashboards:officer",
    Role.ADMINISTRATOR: "dashboards:officer",
    Role.YOUNG_PERSON: "boards:pledge",
}


@login_required
def home(request):
    """Each role lands on its own page after signing in."""
    return redirect(LANDING[request.user.role])


class ChiefExecutiveDashboard(RoleRequiredMixin, TemplateView):
    allowed_roles = {Role.CHIEF_EXECUTIVE, *OFFICERS}
    template_name = "dashboards/chief_executive.html"


class CouncillorDashboard(RoleRequiredMixin, TemplateView):
    allowed_roles = {Role.COUNCILLOR, Role.CHIEF_EXECUTIVE, *OFFICERS}
    template_name = "dashboards/councillor.html"


class OfficerDashboard(RoleRequiredMixin, TemplateView):
    allowed_roles = OFFICERS
    template_name = "dashboards/officer.html"
