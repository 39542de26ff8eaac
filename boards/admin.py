"""Django admin for the clerk: a fallback for corrections. Day-to-day work happens on the boards pages."""
from django.contrib import admin

from . import services
from .models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Board,
    ChildrensView,
    ForwardPlanItem,
    Meeting,
    Membership,
    Minute,
    Paper,
    PledgeCommitment,
    PledgeUpdate,
    Response,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "quorum")
    inlines = [MembershipInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "kind", "title", "report_author")
    autocomplete_fields = ["report_author"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "venue", "status")
    list_filter = ("status", "board")
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.carry_forward_overdue_actions(obj)


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "order", "kind")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("title", "agenda_item", "published", "uploaded_at")
    list_filter = ("published",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("membership", "meeting", "status", "substitute")
    list_filter = ("status",)


@admin.register(Minute)
class MinuteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "agenda_item", "kind", "recorded_at")
    list_filter = ("kind",)


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "due_on", "status")
    list_filter = ("status",)
    search_fields = ("description",)
    inlines = [ActionUpdateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_action_logs(obj.meeting.board_id, obj.meeting.starts_at)


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(admin.ModelAdmin):
    list_display = ("topic", "theme", "planned_meeting", "partner_asked")
    list_filter = ("theme",)


class PledgeUpdateInline(admin.TabularInline):
    model = PledgeUpdate
    extra = 0


@admin.register(PledgeCommitment)
class PledgeCommitmentAdmin(admin.ModelAdmin):
    list_display = ("number", "__str__", "owner", "active")
    list_filter = ("active",)
    inlines = [PledgeUpdateInline]


@admin.register(ChildrensView)
class ChildrensViewAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "heard_on", "commitment", "service_area")
    list_filter = ("source", "service_area")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "responded_on", "published")
    list_filter = ("published",)
