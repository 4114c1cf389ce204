import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Respondent links count wrong tries per address in the cache: every test starts clean."""
    cache.clear()
    yield
    cache.clear()
