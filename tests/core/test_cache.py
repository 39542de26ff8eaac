"""The shared cache is an accelerator only: with Redis unreachable, pages are built without it."""
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from tests.dashboards.factories import child, cohort_return, d, episode, make_codes

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # port 1: no Redis there, the connection is refused at once


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.OptionalRedisCache", "LOCATION": NOBODY_LISTENS}}
    yield
    cache.close()


def test_with_the_cache_unreachable_every_role_still_gets_its_pages(cache_down, client_for, caplog):
    make_codes()
    cohort = cohort_return(2025)
    for _ in range(6):
        episode(cohort, child(), d("01/05/2024"))
    pages = {
        Role.CHIEF_EXECUTIVE: ["dashboards:chief_executive", "measures:measure_list"],
        Role.COUNCILLOR: ["dashboards:councillor", "measures:measure_list"],
        Role.OFFICER: ["dashboards:officer", "measures:measure_list", "boards:meeting_list"],
    }
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for role, names in pages.items():
            client = client_for(role)
            for name in names:
                for _ in range(2):
                    response = client.get(reverse(name))
                    assert response.status_code == 200, (role, name)
    warnings = [record for record in caplog.records if record.name == "core.cache"]
    assert len(warnings) == 1, "the failure is logged once a minute, not once a request"
    assert "cannot be reached" in warnings[0].getMessage() and "127.0.0.1:1" in warnings[0].getMessage()


def test_a_dead_cache_answers_like_an_empty_one_and_is_not_asked_again_at_once(cache_down):
    cache.set("figures", 1)
    assert cache.get("figures") is None and cache.get("figures", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", 1) is True  # the caller goes ahead and computes
    with pytest.raises(ValueError):
        cache.incr("counter")
    from django.core.cache import caches

    assert caches["default"]._down_until > 0  # the next requests do not wait for a connection
