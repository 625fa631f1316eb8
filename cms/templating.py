"""Jinja2 templates and the static assets they use.

Templates get no helpers that call back into the request: views, and
:mod:`cms.page` for the frame around every page, give them every URL, token
and flag they render.
"""

from pyramid.config import Configurator
from pyramid.security import NO_PERMISSION_REQUIRED


def includeme(config: Configurator) -> None:
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("cms:templates", name=".jinja2")
    # The editor's hashed bundle first: its folder is inside "static".
    config.include("cms.assets")
    config.add_static_view(
        "static", "cms:static", cache_max_age=3600, permission=NO_PERMISSION_REQUIRED
    )
