from django import template

register = template.Library()


@register.filter
def in_words(duration):
    """A timedelta as people say it: "30 minutes", "1 hour", "2 hours"."""
    minutes = round(duration.total_seconds() / 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
