from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("boards/<int:pk>/", views.board, name="board"),
    path("boards/<int:pk>/members/", views.members, name="members"),
    path("boards/<int:pk>/forward-plan/", views.forward_plan, name="forward_plan"),
    path("boards/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("boards/<int:pk>/meetings.ics", views.calendar, name="calendar"),
    path("boards/<int:pk>/feed/", views.papers_and_minutes, name="feed"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/", views.paper, name="paper"),
    path("meetings/<int:pk>/pack/", views.pack, name="pack"),
]
