"""
Django admin for what officers enter beside the measures, read-only: comparators, targets and population
change only through the measures pages, whose services check the measure identifier and the values.
"""
from django.contrib import admin

from .models import ChildPopulation, Comparator, Target


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comparator)
class ComparatorAdmin(ReadOnlyAdmin):
    list_display = ["measure", "year", "england", "statistical_neighbours", "source", "updated_by", "updated_at"]
    list_filter = ["year"]
    search_fields = ["measure", "source"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["measure", "value", "amber_margin", "updated_by", "updated_at"]


@admin.register(ChildPopulation)
class ChildPopulationAdmin(ReadOnlyAdmin):
    list_display = ["year", "population", "source"]
