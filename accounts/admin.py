from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        """People are deactivated, never deleted: the audit trail names them."""
        return False

    @admin.action(description="Deactivate the selected people (they can no longer sign in)")
    def deactivate(self, request, queryset):
        count = 0
        for person in queryset.filter(is_active=True):
            person.is_active = False
            person.save(update_fields=["is_active"])  # one by one, so each change is in the audit trail
            count += 1
        self.message_user(request, f"{count} {'person' if count == 1 else 'people'} deactivated.")
    fieldsets = BaseUserAdmin.fieldsets + (("Role", {"fields": ("role", "job_title", "organisation")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Role", {"fields": ("role", "email", "first_name", "last_name")}),)
