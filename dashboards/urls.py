from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("chief-executive/", views.ChiefExecutiveDashboard.as_view(), name="chief_executive"),
    path("councillor/", views.CouncillorDashboard.as_view(), name="councillor"),
    path("officer/", views.OfficerDashboard.as_view(), name="officer"),
    path("public/", views.public_measures, name="public_measures"),
    path("public/settings/", views.public_settings, name="public_settings"),
]
