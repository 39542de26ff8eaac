from django.contrib import admin

from .models import AnnualReportContent, Report, ReportSchedule


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are requested and built through the app, so every version stays as it was built."""

    list_display = ["__str__", "kind", "status", "attempts", "requested_at", "finished_at", "page_count"]
    list_filter = ["kind", "status"]
    list_select_related = ["meeting", "meeting__board"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AnnualReportContent)
class AnnualReportContentAdmin(admin.ModelAdmin):
    list_display = ["year", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "active", "last_run_at"]
    list_filter = ["kind", "active"]
    readonly_fields = ["created_by", "created_at", "last_run_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
