from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    # Boards, members and meetings (board readers; officers and the clerk edit)
    path("boards/", views.meeting_list, name="meeting_list"),
    path("boards/desk/", views.clerk_desk, name="clerk_desk"),
    path("boards/new/", views.board_create, name="board_create"),
    path("boards/<int:pk>/", views.board_detail, name="board_detail"),
    path("boards/<int:pk>/attendance/", views.board_attendance, name="board_attendance"),
    path("boards/<int:pk>/edit/", views.board_edit, name="board_edit"),
    path("boards/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("boards/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/apologies/", views.apologies, name="apologies"),
    path("meetings/<int:pk>/publish-agenda/", views.agenda_publish, name="agenda_publish"),
    path("meetings/<int:pk>/carry-forward/", views.carry_forward, name="carry_forward"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_item_remove, name="agenda_item_remove"),
    path("meetings/<int:pk>/agenda/from-template/", views.agenda_from_template, name="agenda_from_template"),
    path("meetings/<int:pk>/agenda/save-as-template/", views.agenda_save_template, name="agenda_save_template"),
    path("meetings/<int:pk>/agenda/forward-plan/", views.forward_plan_to_agenda, name="forward_plan_to_agenda"),
    path("boards/<int:pk>/templates/standard/", views.template_standard, name="template_standard"),
    path("boards/templates/<int:pk>/remove/", views.template_remove, name="template_remove"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/papers/add/", views.paper_add, name="paper_add"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/minutes/add/", views.minute_add, name="minute_add"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/", views.paper_download, name="paper_download"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/edit/", views.paper_edit, name="paper_edit"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/publish/", views.paper_publish, name="paper_publish"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/remove/", views.paper_remove, name="paper_remove"),
    path("meetings/<int:pk>/minutes/<int:minute_pk>/edit/", views.minute_edit, name="minute_edit"),
    path("meetings/<int:pk>/minutes/<int:minute_pk>/remove/", views.minute_remove, name="minute_remove"),
    path("meetings/<int:pk>/minutes/<int:minute_pk>/correct/", views.minute_correct, name="minute_correct"),
    path("meetings/<int:pk>/approve-previous-minutes/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/public/", views.public_agenda, name="public_agenda"),
    path("meetings/<int:pk>/declarations/add/", views.declaration_add, name="declaration_add"),
    path("meetings/<int:pk>/declarations/<int:declaration_pk>/remove/", views.declaration_remove, name="declaration_remove"),
    path("register-of-interests/", views.register_of_interests, name="register"),
    path("register-of-interests/add/", views.register_add, name="register_add"),
    path("register-of-interests/<int:pk>/edit/", views.register_edit, name="register_edit"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/response/", views.recommendation_response, name="recommendation_response"),
    path("meetings/<int:pk>/actions/add/", views.action_add, name="action_add"),
    # Action log
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    # Forward work programme
    path("forward-plan/", views.forward_plan, name="forward_plan"),
    path("forward-plan/add/", views.forward_plan_add, name="forward_plan_add"),
    path("forward-plan/<int:pk>/edit/", views.forward_plan_edit, name="forward_plan_edit"),
    # Care Pledge (everyone, including young people's representatives)
    path("pledge/", views.pledge, name="pledge"),
    path("pledge/add/", views.commitment_add, name="commitment_add"),
    path("pledge/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("pledge/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("pledge/<int:pk>/update/", views.pledge_update_add, name="pledge_update_add"),
    # You said, we did (everyone; young people and members see published responses only)
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/add/", views.view_add, name="view_add"),
    path("feedback/send/", views.view_send, name="view_send"),
    # Young people's representatives: the public part of the meetings of boards they sit on
    path("young-people/meetings/", views.representative_meetings, name="representative_meetings"),
    path("young-people/meetings/<int:pk>/", views.representative_meeting, name="representative_meeting"),
    path("young-people/meetings/<int:pk>/papers/<int:paper_pk>/", views.representative_paper, name="representative_paper"),
    path("feedback/<int:pk>/respond/", views.respond, name="respond"),
]
