from django.contrib import admin

from .models import PublicPage


@admin.register(PublicPage)
class PublicPageAdmin(admin.ModelAdmin):
    """Administrators may also switch the public measures page here (the page for it is /dashboard/public/settings/)."""

    list_display = ("__str__", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
