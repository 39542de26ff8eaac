"""Presentation helpers for self-evaluation pages: status tags and grades shown as number and words."""
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from indicators import selectors

register = template.Library()

STATUS_TAG_CLASSES = {
    "draft": "govuk-tag--grey",
    "submitted": "govuk-tag--blue",
    "returned": "govuk-tag--red",
    "moderated": "govuk-tag--yellow",
    "approved": "govuk-tag--green",
}


@register.simple_tag
def status_tag(evaluation):
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        STATUS_TAG_CLASSES.get(evaluation.status, ""),
        evaluation.get_status_display(),
    )


@register.filter
def grade_text(value):
    """A grade as "5 Very good" (never colour alone), or "Not graded"."""
    return selectors.grade_text(value)


@register.simple_tag
def action_status(action):
    if action.overdue:
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    css = {"done": "govuk-tag--green", "in_progress": "govuk-tag--blue"}.get(action.status, "govuk-tag--grey")
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, action.get_status_display())


@register.filter
def measure_title(identifier):
    """The board measure's title for an evidence link, or the identifier if the registry does not know it."""
    return selectors.known_measures().get(identifier, identifier)
