"""Template helpers shared by every app."""
from django import template
from django.utils.html import format_html

from core import suppression

register = template.Library()


@register.filter
def suppressed_count(value):
    """A count as shown outside officer-only pages: fewer than 5 becomes [c] with an explanation."""
    shown = suppression.count(value)
    if shown.suppressed:
        return format_html(
            '<abbr class="app-suppressed" title="{}">{}</abbr><span class="govuk-visually-hidden"> ({})</span>',
            suppression.EXPLANATION,
            suppression.MARKER,
            suppression.EXPLANATION,
        )
    return shown.text
