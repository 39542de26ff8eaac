from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboards:home", permanent=False), name="root"),
    path("accounts/", include("accounts.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("children/", include("children.urls")),
    path("audit/", include("audit.urls")),
    path("", include("indicators.urls")),
    path("measures/", include("measures.urls")),
    path("", include("boards.urls")),
    path("reports/", include("reports.urls")),
    path("public/", include("public.urls")),
    path("admin/", admin.site.urls),
]
