from django.urls import path
from django.views.generic import TemplateView

from core.permissions import ALL_ROLES, RoleRequiredMixin

app_name = "boards"


class Index(RoleRequiredMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "base.html"


urlpatterns = [
    path("boards/", Index.as_view(), name="meeting_list"),
    path("pledge/", Index.as_view(), name="pledge"),
]
