"""The security tests that must hold with the anonymous page cache on, too."""

import pytest


@pytest.fixture(name="app", params=["uncached", "cached"])
def app_without_and_with_the_cache(request, app, cached_app):
    """The app, once without and once with ``cms.page_cache``.

    Import it into a test module to run each of its tests both ways.
    """
    return cached_app if request.param == "cached" else app
