"""
Django admin for the board's business, view only (administrators; the clerk has no Django admin). Every change goes
through the boards pages, whose services keep the rules the admin would step round: approved minutes are fixed and
corrected only as recorded corrections, an action's owner and due date change with their history, a paper's file
goes with it, the action log follows the meetings, attendance waits for the meeting's day.
"""
from django.contrib import admin

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


class ViewOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ViewOnly, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Board)
class BoardAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("name", "quorum")
    inlines = [MembershipInline]


class AgendaItemInline(ViewOnly, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "kind", "title", "report_author")
    autocomplete_fields = ["report_author"]


@admin.register(Meeting)
class MeetingAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("__str__", "venue", "status")
    list_filter = ("status", "board")
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("title", "meeting", "order", "kind")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(Paper)
class PaperAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("title", "agenda_item", "published", "uploaded_at")
    list_filter = ("published",)


@admin.register(Attendance)
class AttendanceAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("membership", "meeting", "status", "substitute")
    list_filter = ("status",)


@admin.register(Minute)
class MinuteAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("__str__", "agenda_item", "kind", "recorded_at")
    list_filter = ("kind",)


class ActionUpdateInline(ViewOnly, admin.TabularInline):
    model = ActionUpdate
    extra = 0


@admin.register(ActionItem)
class ActionItemAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("__str__", "owner", "due_on", "status")
    list_filter = ("status",)
    search_fields = ("description",)
    inlines = [ActionUpdateInline]


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("topic", "theme", "planned_meeting", "partner_asked")
    list_filter = ("theme",)


class PledgeUpdateInline(ViewOnly, admin.TabularInline):
    model = PledgeUpdate
    extra = 0


@admin.register(PledgeCommitment)
class PledgeCommitmentAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("number", "__str__", "owner", "active")
    list_filter = ("active",)
    inlines = [PledgeUpdateInline]


@admin.register(ChildrensView)
class ChildrensViewAdmin(ViewOnly, admin.ModelAdmin):
    """A view recorded by mistake, or one that names a child, can still be deleted here (with its response)."""

    list_display = ("__str__", "source", "heard_on", "commitment", "service_area")
    list_filter = ("source", "service_area")

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


@admin.register(Response)
class ResponseAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("__str__", "responded_on", "published")
    list_filter = ("published",)

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)  # goes with its view
