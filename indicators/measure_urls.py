"""URLs for the board's performance measures (included by indicators/urls.py under the same namespace)."""
from django.urls import path

from . import measure_views

urlpatterns = [
    path("measures/", measure_views.measure_list, name="measure_list"),
    path("measures/comparators/upload/", measure_views.comparator_upload, name="comparator_upload"),
    path("measures/population/", measure_views.population, name="population"),
    path("measures/<slug:identifier>/", measure_views.measure_detail, name="measure_detail"),
    path("measures/<slug:identifier>/comparators/", measure_views.comparator_edit, name="comparator_edit"),
    path("measures/<slug:identifier>/target/", measure_views.target_edit, name="target_edit"),
]
