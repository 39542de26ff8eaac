"""Admin for reference data and import history; cohort records are edited on the officers' pages (audited)."""
from django.contrib import admin

from .models import Code, CohortImport, CohortReturn


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["code_list", "code", "description", "group", "active"]
    list_filter = ["code_list", "group", "active"]
    search_fields = ["code", "description"]


@admin.register(CohortReturn)
class CohortReturnAdmin(admin.ModelAdmin):
    list_display = ["label", "imported_at", "imported_by"]
    readonly_fields = ["year", "imported_at", "imported_by"]


@admin.register(CohortImport)
class CohortImportAdmin(admin.ModelAdmin):
    list_display = ["pk", "year", "status", "error_count", "created_by", "created_at"]
    list_filter = ["status", "year"]
    readonly_fields = [f.name for f in CohortImport._meta.fields]
