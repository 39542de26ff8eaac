"""A form sent twice (a double click, a second press while the first is slow) is acted on once."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from boards.models import ActionItem, ChildrensView

pytestmark = pytest.mark.django_db


def _officer_browser(user):
    browser = Client(enforce_csrf_checks=True)  # as a browser: the token must come from the page
    browser.force_login(user)
    return browser


def _token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_view_sent_twice_from_one_page_is_recorded_once(world, today):
    browser = _officer_browser(world.officer)
    page = browser.get(reverse("boards:view_add")).content.decode()
    fields = {
        "csrfmiddlewaretoken": _token(page), "view": "We want wifi in every placement.", "service_area": "other",
        "heard_on": f"{today:%Y-%m-%d}", "source": "survey",
    }
    first = browser.post(reverse("boards:view_add"), fields)
    second = browser.post(reverse("boards:view_add"), fields)

    assert ChildrensView.objects.filter(view="We want wifi in every placement.").count() == 1
    assert first.status_code == 302
    assert second.status_code == 302 and second["Location"] == first["Location"]  # where the first one led
    shown = browser.get(second["Location"]).content.decode()
    assert "That form had already been sent, so it was not sent again" in shown


def test_an_action_sent_again_after_a_mistake_is_saved(world):
    """A form shown again (after an error) carries a new token: sending it is a new sending, not a repeat."""
    browser = _officer_browser(world.officer)
    url = reverse("boards:action_add", args=[world.held.pk])
    fields = {"description": "Write to the ICB about health checks", "owner": world.officer.pk, "due_on": "not a date"}
    refused = browser.post(url, {**fields, "csrfmiddlewaretoken": _token(browser.get(url).content.decode())})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()

    fields["due_on"] = "2030-01-31"
    again = browser.post(url, {**fields, "csrfmiddlewaretoken": _token(refused.content.decode())})
    assert again.status_code == 302
    assert ActionItem.objects.filter(description=fields["description"]).count() == 1


def test_two_different_forms_on_one_page_are_both_acted_on(world, today):
    """The same page's token in two forms with different fields: two sendings, both done."""
    browser = _officer_browser(world.officer)
    token = _token(browser.get(reverse("boards:view_add")).content.decode())
    for words in ("More say in reviews.", "Pocket money paid on time."):
        response = browser.post(reverse("boards:view_add"), {
            "csrfmiddlewaretoken": token, "view": words, "service_area": "other",
            "heard_on": f"{today:%Y-%m-%d}", "source": "survey",
        })
        assert response.status_code == 302
    assert ChildrensView.objects.filter(view__in=["More say in reviews.", "Pocket money paid on time."]).count() == 2
