"""Template helpers for cohort pages: code meanings and readable yes/no for 903 flags."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ codes.legal_status|get_item:episode.legal_status }}``: a code's description, or "" if unknown."""
    if not mapping or key in (None, ""):
        return ""
    return mapping.get(key, "")


@register.filter
def flag(value):
    """903 0/1 fields: Yes, No or Not recorded."""
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"
