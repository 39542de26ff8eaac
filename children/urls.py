from django.urls import path

from . import views

app_name = "children"

urlpatterns = [
    path("", views.ChildListView.as_view(), name="child_list"),
    path("export.csv", views.ChildExportView.as_view(), name="child_export"),
    path("<int:pk>/", views.ChildDetailView.as_view(), name="child_detail"),
    path("<int:pk>/edit/", views.ChildUpdateView.as_view(), name="child_edit"),
    path("<int:pk>/audit/", views.ChildAuditView.as_view(), name="child_audit"),
    path("<int:pk>/subject-access.zip", views.SubjectAccessExportView.as_view(), name="subject_access"),
    path("<int:pk>/episodes/<int:episode_pk>/edit/", views.EpisodeUpdateView.as_view(), name="episode_edit"),
    path("imports/", views.CohortImportListView.as_view(), name="import_list"),
    path("imports/new/", views.CohortImportCreateView.as_view(), name="import_create"),
    path("imports/<int:pk>/", views.CohortImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/try-again/", views.CohortImportRetryView.as_view(), name="import_retry"),
    path("imports/<int:pk>/progress/", views.CohortImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/files/<int:file_pk>/", views.CohortImportFileView.as_view(), name="import_file"),
]
