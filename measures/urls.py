"""URLs of the board's measures, under measures/."""
from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.measure_list, name="measure_list"),
    path("comparators/upload/", views.comparator_upload, name="comparator_upload"),
    path("comparators/dfe/", views.ees_upload, name="ees_upload"),
    path("comparators/authorities/", views.authorities, name="authorities"),
    path("population/", views.population, name="population"),
    path("differences/", views.differences, name="differences"),
    path("<slug:identifier>/", views.measure_detail, name="measure_detail"),
    path("<slug:identifier>/comparators/", views.comparator_edit, name="comparator_edit"),
    path("<slug:identifier>/target/", views.target_edit, name="target_edit"),
]
