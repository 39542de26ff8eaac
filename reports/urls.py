from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("build/", views.report_request, name="report_request"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
    path("<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("<int:pk>/v<int:version>/download/", views.report_download, name="report_download"),
    path("<int:pk>/v<int:version>/public/download/", views.report_download_public, name="report_download_public"),
    path("annual/<int:year>/text/", views.annual_content, name="annual_content"),
    path("schedules/", views.schedule_list, name="schedule_list"),
    path("schedules/<int:pk>/pause-or-resume/", views.schedule_toggle, name="schedule_toggle"),
]
