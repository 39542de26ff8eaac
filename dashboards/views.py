"""
Each role's dashboard. Thin: check the role, then ask ``dashboards.selectors`` for everything on the page.
"""
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from accounts.models import Role
from core.permissions import OFFICERS, RoleRequiredMixin, role_required

from . import selectors
from .models import PublicPage


class PublicPageForm(forms.Form):
    enabled = forms.BooleanField(
        label="Publish the board's measures on a public page",
        required=False,
        help_text="Anyone can read it without signing in. It shows only the published figures: small numbers, "
        "and any figure from which one could be worked out, are withheld as on the councillors' dashboard.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.checkbox("enabled"), Submit("save", "Save"))

LANDING = {
    Role.CHIEF_EXECUTIVE: "dashboards:chief_executive",
    Role.COUNCILLOR: "dashboards:councillor",
    Role.OFFICER: "dashboards:officer",
    Role.ADMINISTRATOR: "dashboards:officer",
    Role.CLERK: "boards:clerk_desk",
    Role.PARTNER: "dashboards:councillor",
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
    allowed_roles = {Role.COUNCILLOR, Role.PARTNER, Role.CHIEF_EXECUTIVE, *OFFICERS}
    template_name = "dashboards/councillor.html"
    selector = selectors.councillor


class OfficerDashboard(DashboardView):
    allowed_roles = OFFICERS
    template_name = "dashboards/officer.html"
    selector = selectors.officer


def public_measures(request):
    """
    The board's published measures for anyone, without signing in, when an administrator has turned the page
    on (404 otherwise). Everything on it is suppressed as for a councillor.
    """
    if not PublicPage.is_enabled():
        raise Http404("The board has not published a public measures page.")
    return render(request, "dashboards/public.html", selectors.public_measures())


@role_required(Role.ADMINISTRATOR)
def public_settings(request):
    """An administrator turns the public measures page on or off."""
    page = PublicPage.objects.filter(pk=1).first()
    form = PublicPageForm(request.POST if request.method == "POST" else None, initial={"enabled": bool(page and page.enabled)})
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["enabled"]
        PublicPage.switch(enabled=enabled, user=request.user)
        messages.success(request, "The public measures page is now " + ("on." if enabled else "off."))
        return redirect("dashboards:public_settings")
    return render(request, "dashboards/public_settings.html", {"form": form, "page": page})
