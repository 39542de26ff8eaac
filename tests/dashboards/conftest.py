import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboards cache the measures by cohort version; each test starts without them."""
    cache.clear()
    yield
    cache.clear()
