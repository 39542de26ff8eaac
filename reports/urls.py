from django.urls import path
from django.views.generic import TemplateView

from core.permissions import BOARD_READERS, RoleRequiredMixin

app_name = "reports"


class Index(RoleRequiredMixin, TemplateView):
    allowed_roles = BOARD_READERS
    template_name = "base.html"


urlpatterns = [path("", Index.as_view(), name="report_list")]
