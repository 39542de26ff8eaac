from django import template

from audit import services

register = template.Library()


@register.filter
def who(entry):
    return services.who(entry)


@register.filter
def describe(entry):
    return services.describe(entry)
