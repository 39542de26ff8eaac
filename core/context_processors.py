from django.urls import reverse

from .navigation import current_item, items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = current_item(request.path)
    return {
        "navigation": [
            {"label": item.label, "url": reverse(item.url_name), "current": item == current}
            for item in items_for(user)
        ]
    }
