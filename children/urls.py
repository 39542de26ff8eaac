from django.urls import path
from django.views.generic import TemplateView

from core.permissions import OFFICERS, RoleRequiredMixin

app_name = "children"


class ChildList(RoleRequiredMixin, TemplateView):
    allowed_roles = OFFICERS
    template_name = "base.html"


urlpatterns = [path("", ChildList.as_view(), name="child_list")]
