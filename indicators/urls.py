from django.urls import path
from django.views.generic import TemplateView

from core.permissions import BOARD_READERS, RoleRequiredMixin

from .measure_urls import urlpatterns as measure_urlpatterns

app_name = "indicators"


class CycleList(RoleRequiredMixin, TemplateView):
    allowed_roles = BOARD_READERS
    template_name = "base.html"


urlpatterns = [
    path("self-evaluation/", CycleList.as_view(), name="cycle_list"),
    *measure_urlpatterns,
]
