"""
The named rules of ``core.permissions`` in templates, so a page hides exactly what the server refuses:

    {% load permissions %}
    {% if user|may:"run_board" %}...{% endif %}              (may_run_board(user))
    {% if user|may_with:paper|may:"see_paper" %}...{% endif %} (may_see_paper(user, paper))
"""
from django import template

from core.permissions import PREDICATES

register = template.Library()


class _WithObject:
    def __init__(self, user, obj):
        self.user, self.obj = user, obj


@register.filter
def may_with(user, obj):
    """Pair the person with an object for a two-argument rule: ``user|may_with:paper|may:"see_paper"``."""
    return _WithObject(user, obj)


@register.filter
def may(subject, rule):
    """True when the named rule (``"run_board"`` for ``may_run_board``, or its full name) holds."""
    predicate = PREDICATES.get(rule) or PREDICATES.get(f"may_{rule}")
    if predicate is None:
        raise template.TemplateSyntaxError(f"No permission rule is called {rule!r}; see core.permissions.")
    if isinstance(subject, _WithObject):
        return predicate(subject.user, subject.obj)
    return predicate(subject)
