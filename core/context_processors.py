from django.urls import reverse

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    path = request.path
    return {
        "navigation": [
            {"label": item.label, "url": reverse(item.url_name), "current": path.startswith(item.section)}
            for item in items_for(user)
        ]
    }
