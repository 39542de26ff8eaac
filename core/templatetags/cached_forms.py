"""
Forms inside cached HTML, each page still with its own CSRF token.

A page that caches its HTML under ``core.stamps.page_version`` (``{% cache %}``) and has forms in it wraps the
cached part in ``{% cached_forms %}...{% endcached_forms %}``. Within it, ``{% csrf_token %}`` writes a fixed
marker instead of a token, so the cached HTML holds nobody's token; on the way out, every marker becomes this
request's own token. Without it, a cached token would be another person's (refused by the CSRF check) or the
same person's from an earlier page, which ``core.double_submit`` would take for the same form sent twice.
Everything else in the forms (where they post, their hidden fields) comes from the data the page is keyed on.
"""
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Letters and hyphens, which escaping leaves as they are; never a real token (64 letters and digits).
MARKER = "csrf-token-of-this-request"


class CachedFormsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        token = context.get("csrf_token")
        with context.push(csrf_token=MARKER):
            html = self.nodelist.render(context)
        fresh = str(token) if token and str(token) != "NOTPROVIDED" else ""
        return mark_safe(html.replace(MARKER, fresh))


@register.tag
def cached_forms(parser, token):
    nodelist = parser.parse(("endcached_forms",))
    parser.delete_first_token()
    return CachedFormsNode(nodelist)
