from django.urls import path
from django.views.generic import TemplateView

from core.permissions import BOARD_READERS, RoleRequiredMixin

app_name = "indicators"


class Index(RoleRequiredMixin, TemplateView):
    allowed_roles = BOARD_READERS
    template_name = "base.html"


urlpatterns = [
    path("measures/", Index.as_view(), name="measure_list"),
    path("self-evaluation/", Index.as_view(), name="cycle_list"),
]
