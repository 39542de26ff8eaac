"""URLs for the board's performance measures (included by indicators/urls.py under the same namespace)."""
from django.urls import path
from django.views.generic import TemplateView

from core.permissions import BOARD_READERS, RoleRequiredMixin


class MeasureList(RoleRequiredMixin, TemplateView):
    allowed_roles = BOARD_READERS
    template_name = "base.html"


urlpatterns = [
    path("measures/", MeasureList.as_view(), name="measure_list"),
]
