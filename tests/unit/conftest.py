"""Requests for unit tests: Pyramid's DummyRequest with the site's own settings."""

import pytest
from pyramid.registry import Registry
from pyramid.testing import DummyRequest
from webob.multidict import MultiDict

from cms.settings import load_settings

#: The least an ini file must give; everything else takes its default.
REQUIRED = {
    "sqlalchemy.url": "sqlite://",
    "cms.secret": "s" * 40,
    "cms.blob_dir": "blobs",
    "cms.secure_cookies": "false",
}


@pytest.fixture
def make_request():
    """``make_request(path, params, headers=…, cookies=…, **settings)``.

    A request for ``http://example.com`` + *path*, its query *params* (pairs or
    a dict), and the settings ``load_settings`` makes of :data:`REQUIRED` and
    *settings* (``public_url="…"`` stands for ``cms.public_url``).
    """

    def make(path="/", params=(), headers=None, cookies=None, **settings):
        given = {f"cms.{key}": value for key, value in settings.items()}
        registry = Registry("test")
        registry.settings = load_settings({**REQUIRED, **given}, environ={})
        request = DummyRequest(
            params=MultiDict(params),
            environ={"PATH_INFO": path},
            headers=headers or {},
            cookies=cookies or {},
            path=path,
        )
        request.registry = registry
        return request

    return make
