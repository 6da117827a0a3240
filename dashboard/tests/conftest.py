import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The charts endpoint caches per scope and node; ids repeat between tests on SQLite.
    cache.clear()
    yield
    cache.clear()
