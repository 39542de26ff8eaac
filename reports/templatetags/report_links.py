"""
``{% meeting_packs meeting %}``: the meeting page's links to its board packs. A tag here rather than a lookup
in ``boards`` because reports depend on boards, not the other way round.
"""
from django import template

from reports import selectors

register = template.Library()


@register.inclusion_tag("reports/includes/meeting_packs.html", takes_context=True)
def meeting_packs(context, meeting):
    user = context["request"].user
    return {"meeting": meeting, "documents": selectors.meeting_packs(meeting, user)}
