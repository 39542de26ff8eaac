"""Django admin for self-evaluation frameworks (administrators can also add them in the app's own pages)."""
from django.contrib import admin

from .models import Area, Cycle, Evaluation, EvaluationTransition, EvidenceItem, Framework, ImprovementAction, QualityIndicator


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0


class QualityIndicatorInline(admin.StackedInline):
    model = QualityIndicator
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AreaInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["framework", "number", "name"]
    list_filter = ["framework"]
    inlines = [QualityIndicatorInline]


@admin.register(QualityIndicator)
class QualityIndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "area"]
    list_filter = ["area__framework"]
    search_fields = ["number", "title"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "level", "starts_on", "ends_on", "status"]
    list_filter = ["framework", "level", "status"]


class TransitionInline(admin.TabularInline):
    """The workflow history is a record: shown, never edited here."""

    model = EvaluationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only here: grades and status change only through the workflow pages, which record every step."""

    list_display = ["indicator", "cycle", "grade", "status", "assigned_officer"]
    list_filter = ["cycle", "status"]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    list_display = ["title", "evaluation", "measure", "added_by", "added_at"]
    readonly_fields = ["file"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ["description", "owner", "due_on", "status"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False
