"""URLs of the indicators app: self-evaluation, under self-evaluation/."""
from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("self-evaluation/", views.cycle_list, name="cycle_list"),
    path("self-evaluation/cycles/new/", views.cycle_create, name="cycle_create"),
    path("self-evaluation/cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("self-evaluation/cycles/<int:pk>/approve/", views.cycle_approve, name="cycle_approve"),
    path("self-evaluation/evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("self-evaluation/evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("self-evaluation/evaluations/<int:pk>/submit/", views.evaluation_submit, name="evaluation_submit"),
    path("self-evaluation/evaluations/<int:pk>/moderate/", views.evaluation_moderate, name="evaluation_moderate"),
    path("self-evaluation/evaluations/<int:pk>/approve/", views.evaluation_approve, name="evaluation_approve"),
    path("self-evaluation/evaluations/<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("self-evaluation/evaluations/<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("self-evaluation/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("self-evaluation/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("self-evaluation/evidence/<int:pk>/audience/", views.evidence_audience, name="evidence_audience"),
    path("self-evaluation/actions/", views.action_list, name="action_list"),
    path("self-evaluation/actions/overdue/", views.overdue_actions, name="overdue_actions"),
    path("self-evaluation/actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("self-evaluation/actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("self-evaluation/heat-map/", views.heat_map, name="heat_map"),
    path("self-evaluation/indicators/<int:pk>/", views.indicator_trend, name="indicator_trend"),
    path("self-evaluation/frameworks/", views.framework_list, name="framework_list"),
    path("self-evaluation/frameworks/new/", views.framework_create, name="framework_create"),
    path("self-evaluation/frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("self-evaluation/frameworks/<int:pk>/areas/add/", views.area_add, name="area_add"),
    path("self-evaluation/frameworks/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
]
